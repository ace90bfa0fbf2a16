"""An event's cover image: decoded safely, resized, re-encoded and kept in the database.

An upload is untrusted bytes. Pillow reads only JPEG, PNG and WebP here; the
pixel count is checked from the header before anything is decoded (a small
file can unpack into gigabytes); the image is turned upright, reduced to at
most 1600×900 and written anew as a JPEG without any metadata (no EXIF, no
GPS position, no comment). The JPEG lives in the ``event_covers`` table, so a
backup holds it and every app server serves it; its address carries a random
token, new with every upload, and the size for the page's width and height.
"""

import io
import re
import secrets
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Event, EventCover

MAX_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused, 40 is not
MAX_SIZE = (1600, 900)
_FORMATS = ("JPEG", "PNG", "WEBP")
_NAME = re.compile(r"^([A-Za-z0-9_-]{22})-(\d{1,4})x(\d{1,4})\.jpg$")


class BadCover(ValueError):
    """The upload is not an image eventdesk takes as a cover."""


def parse_name(name: str) -> tuple[str, int, int] | None:
    """Return (token, width, height) of a cover's file name, or None for any other name."""
    match = _NAME.fullmatch(name or "")
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else None


def make_cover(data: bytes) -> tuple[bytes, tuple[int, int]]:
    """Return the JPEG to store for the uploaded ``data`` and its size, or raise BadCover."""
    if not data or len(data) > MAX_BYTES:
        raise BadCover("size")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as source:
                width, height = source.size
                if width < 1 or height < 1 or width * height > MAX_SOURCE_PIXELS:
                    raise BadCover("pixels")
                source.seek(0)  # the first frame of an animated WebP or PNG
                image = ImageOps.exif_transpose(source).convert("RGB")
    except BadCover:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, ValueError, SyntaxError) as error:
        raise BadCover("image") from error
    image.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    # Nothing but pixels: a new image has no EXIF, comment or profile to pass on
    # (Pillow would otherwise write the source's EXIF and comment back out).
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), clean.size


def set_cover(event: Event, data: bytes) -> EventCover:
    """Make the cover from the uploaded ``data`` the event's, replacing any earlier one."""
    jpeg, (width, height) = make_cover(data)
    cover = event.cover or EventCover(event=event)
    # A new token gives the new image a new address: browsers keep the old one a year.
    cover.token = secrets.token_urlsafe(16)
    cover.width, cover.height, cover.jpeg = width, height, jpeg
    db.session.add(cover)
    db.session.flush()
    return cover


def remove_cover(event: Event) -> None:
    """Take the cover off the event and delete its image."""
    event.cover = None
    db.session.flush()


def jpeg_named(name: str) -> bytes | None:
    """Return the JPEG of the cover whose file name is ``name``, or None."""
    parsed = parse_name(name)
    if parsed is None:
        return None
    token, width, height = parsed
    return db.session.scalar(select(EventCover.jpeg).where(
        EventCover.token == token, EventCover.width == width, EventCover.height == height))
