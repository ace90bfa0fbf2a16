"""An event's cover image: decoded safely, resized, re-encoded and stored under a random name.

An upload is untrusted bytes. Pillow reads only JPEG, PNG and WebP here; the
pixel count is checked from the header before anything is decoded (a small
file can unpack into gigabytes); the image is turned upright, reduced to at
most 1600×900 and written anew as a JPEG without any metadata (no EXIF, no
GPS position, no comment), in the instance folder rather than under static/,
with a random name that carries its size for the page's width and height.
"""

import io
import os
import re
import secrets
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused, 40 is not
MAX_SIZE = (1600, 900)
_FORMATS = ("JPEG", "PNG", "WEBP")
_NAME = re.compile(r"^[A-Za-z0-9_-]{22}-(\d{1,4})x(\d{1,4})\.jpg$")


class BadCover(ValueError):
    """The upload is not an image eventdesk takes as a cover."""


def folder() -> Path:
    """Return the folder that holds the cover images (made on first use).

    EVENTDESK_COVERS_FOLDER overrides the default, ``covers/`` in the instance folder.
    """
    configured = current_app.config.get("COVERS_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "covers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def size_of(name: str) -> tuple[int, int] | None:
    """Return (width, height) encoded in a stored cover's name, or None for any other name."""
    match = _NAME.fullmatch(name or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


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


def store_cover(data: bytes) -> str:
    """Store the cover made from ``data`` and return its new file name."""
    jpeg, (width, height) = make_cover(data)
    name = f"{secrets.token_urlsafe(16)}-{width}x{height}.jpg"
    target = folder() / name
    partial = target.with_suffix(".part")
    partial.write_bytes(jpeg)
    os.replace(partial, target)
    return name


def delete_cover(name: str) -> None:
    """Remove a stored cover file; a name that is not a cover's is ignored."""
    if size_of(name):
        (folder() / name).unlink(missing_ok=True)
