"""An organiser's cover image: re-encoded without metadata, reduced, kept in the
database under a random name, refused when it is no image or a decompression bomb; the
event page shows it and offers link previews."""

import io
import re

import pytest
from backoffice import login, make_user
from PIL import Image
from sqlalchemy import delete, func, select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.events import covers
from eventdesk.events.models import Event, EventCover


def _stored() -> list[EventCover]:
    db.session.expire_all()
    return list(db.session.scalars(select(EventCover)))


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
    name = event.cover.name
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}-1350x900\.jpg", name)
    stored = event.cover.jpeg
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1350, 900)
        assert not image.getexif() and "comment" not in image.info
    page = client.get("/events/jubileum").get_data(as_text=True)
    image_url = f"http://eventdesk.test/covers/{name}"
    assert f'<meta property="og:image" content="{image_url}"' in page
    assert '<meta name="description" content="Een mooi evenement.">' in page
    assert '<meta property="og:title" content="Evenement 1">' in page
    assert 'width="1350" height="900"' in client.get(
        f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    with client.get(f"/covers/{name}") as served:
        assert served.status_code == 200 and served.data == stored
        assert served.mimetype == "image/jpeg"
        assert served.cache_control.public and served.cache_control.max_age == 365 * 24 * 3600
        etag = served.headers["ETag"]
    with client.get(f"/covers/{name}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    assert client.get("/covers/..%2Fsecret.jpg").status_code == 404
    # The token alone is not enough: the size must be the stored one.
    assert client.get(f"/covers/{name.replace('1350x900', '1350x901')}").status_code == 404


def test_not_an_image_and_a_bomb_are_refused(app, client, make_event):
    event = make_event()
    _organiser(client)
    _upload(client, event, b"GIF89a not really", name="x.gif")
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 100 megapixels in a few kB
    _upload(client, event, bomb.getvalue(), name="bomb.png")

    assert _stored() == []
    with pytest.raises(covers.BadCover):
        covers.make_cover(bomb.getvalue())


def test_replacing_and_removing_delete_the_old_image(app, client, make_event):
    event = make_event()
    _organiser(client)
    _upload(client, event, _jpeg_with_location(800, 600))
    [first] = _stored()
    first_name, first_jpeg = first.name, first.jpeg
    _upload(client, event, _jpeg_with_location(800, 600))
    [second] = _stored()
    assert second.name != first_name and second.jpeg == first_jpeg
    assert client.get(f"/covers/{first_name}").status_code == 404
    assert client.get(f"/covers/{second.name}").status_code == 200

    client.post(f"/organiser/events/{event.slug}/cover/remove")

    assert _stored() == [] and client.get(f"/covers/{second.name}").status_code == 404


def test_deleting_the_event_deletes_its_cover(app, client, make_event):
    kept, gone = make_event(), make_event()
    _organiser(client)
    _upload(client, kept, _jpeg_with_location(800, 600))
    _upload(client, gone, _jpeg_with_location(800, 600))
    gone_id = gone.id
    # In the database itself (ON DELETE CASCADE), as an operator's DELETE would.
    db.session.execute(delete(Event).where(Event.id == gone_id))
    db.session.commit()

    assert [cover.event_id for cover in _stored()] == [kept.id]
    assert db.session.scalar(select(func.count()).select_from(EventCover)) == 1
