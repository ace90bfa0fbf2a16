"""PDF responses for badges: shown in the browser, ready for its print dialog."""

from flask import Response

# The door page prints a badge from a hidden frame of its own, so this one
# response may be framed by our pages (every other page refuses framing).
PDF_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def pdf_response(data: bytes, filename: str) -> Response:
    """Return ``data`` as an inline PDF named ``filename``, kept out of shared caches."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": PDF_POLICY,
        },
    )
