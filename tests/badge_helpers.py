"""Read badge PDFs back: their text, the box of every text run, and their QR images."""

import io
import shutil
import subprocess

from pypdf import PdfReader


def pages_text(data: bytes) -> list[str]:
    """Return the text of every page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def text_origins(data: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """Return (page, x, y, page width, page height, text) for every text run, in points."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font_dict, font_size, number=number, width=width, height=height):
            if text.strip():
                # The text matrix's translation, through the current transformation.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((number, x, y, width, height, text))

        page.extract_text(visitor_text=visit)
    return found


def qr_images(data: bytes) -> list:
    """Return the embedded images of every page as Pillow images, in page order."""
    images = []
    for page in PdfReader(io.BytesIO(data)).pages:
        images.extend(image.image for image in page.images)
    return images


def render_pages(data: bytes, tmp_path, dpi: int = 150) -> list:
    """Render every page to a PNG with pdftoppm; an empty list where poppler is missing."""
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        return []
    source = tmp_path / "badges.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")],
        check=True, timeout=60,
    )
    return [Image.open(path) for path in sorted(tmp_path.glob("page*.png"))]
