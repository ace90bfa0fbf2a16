"""The small images every pass needs, drawn once per process with Pillow."""

import functools
import io

from PIL import Image, ImageDraw

BRAND = (11, 92, 173)  # the site's link blue, #0b5cad


def _ticket_icon(size: int) -> bytes:
    """Draw a white ticket with a notch on each side on the brand colour, ``size`` px square."""
    image = Image.new("RGB", (size, size), BRAND)
    draw = ImageDraw.Draw(image)
    inset = size // 5
    box = (inset, size // 3, size - inset, size - size // 3)
    draw.rounded_rectangle(box, radius=max(size // 20, 1), fill="white")
    notch = max(size // 12, 1)
    middle = size // 2
    for x in (box[0], box[2]):
        draw.ellipse((x - notch, middle - notch, x + notch, middle + notch), fill=BRAND)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@functools.cache
def pass_images() -> dict[str, bytes]:
    """Return the icon and logo files of a pass, by file name."""
    return {
        "icon.png": _ticket_icon(29),
        "icon@2x.png": _ticket_icon(58),
        "icon@3x.png": _ticket_icon(87),
        "logo.png": _ticket_icon(50),
        "logo@2x.png": _ticket_icon(100),
    }
