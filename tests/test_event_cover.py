"""An organiser's cover image: re-encoded without metadata, reduced, stored outside
static/ under a random name, refused when it is no image or a decompression bomb; the
event page shows it and offers link previews."""

import io
import re

import pytest
from backoffice import login, make_user
from PIL import Image

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.events import covers


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config["COVERS_FOLDER"] = str(tmp_path / "covers")
    return app_config


def _jpeg_with_location(width=3000, height=2000) -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def _organiser(client):
    login(client, make_user(Role.ADMIN, "admin@example.org"))


def _upload(client, event, data: bytes, name="photo.jpg"):
    return client.post(f"/organiser/events/{event.slug}/cover",
                       data={"cover": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_is_reencoded_resized_and_served(app, client, make_event, tmp_path):
    event = make_event(slug="jubileum")
    _organiser(client)

    assert _upload(client, event, _jpeg_with_location()).status_code == 302

    db.session.refresh(event)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}-1350x900\.jpg", event.cover_image)
    stored = tmp_path / "covers" / event.cover_image
    with Image.open(stored) as image:
        assert image.size == (1350, 900)
        assert not image.getexif() and "comment" not in image.info
    page = client.get("/events/jubileum").get_data(as_text=True)
    image_url = f"http://eventdesk.test/covers/{event.cover_image}"
    assert f'<meta property="og:image" content="{image_url}"' in page
    assert '<meta name="description" content="Een mooi evenement.">' in page
    assert '<meta property="og:title" content="Evenement 1">' in page
    with client.get(f"/covers/{event.cover_image}") as served:
        assert served.status_code == 200 and served.data == stored.read_bytes()
        assert served.mimetype == "image/jpeg"
    assert client.get("/covers/..%2Fsecret.jpg").status_code == 404


def test_not_an_image_and_a_bomb_are_refused(app, client, make_event):
    event = make_event()
    _organiser(client)
    _upload(client, event, b"GIF89a not really", name="x.gif")
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 100 megapixels in a few kB
    _upload(client, event, bomb.getvalue(), name="bomb.png")

    db.session.refresh(event)
    assert event.cover_image == ""
    with pytest.raises(covers.BadCover):
        covers.make_cover(bomb.getvalue())


def test_replacing_and_removing_delete_the_old_file(app, client, make_event, tmp_path):
    event = make_event()
    _organiser(client)
    _upload(client, event, _jpeg_with_location(800, 600))
    db.session.refresh(event)
    first = event.cover_image
    _upload(client, event, _jpeg_with_location(800, 600))
    db.session.refresh(event)
    assert event.cover_image != first and not (tmp_path / "covers" / first).exists()

    client.post(f"/organiser/events/{event.slug}/cover/remove")

    db.session.refresh(event)
    assert event.cover_image == "" and list((tmp_path / "covers").iterdir()) == []
