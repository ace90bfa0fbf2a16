"""The CSV download."""

from flask import Response, abort, g, request, stream_with_context

from eventdesk.i18n import current_language
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.export import DIALECTS, export_chunks, filename


@bp.get("/events/<slug>/export.csv")
def export(slug: str):
    """Stream the attendee list as CSV (``?dialect=csv`` for the comma variant)."""
    dialect = request.args.get("dialect", "excel")
    if dialect not in DIALECTS:
        abort(400)
    chunks = export_chunks(g.event, dialect=dialect, language=current_language())
    body = (chunk.encode("utf-8") for chunk in chunks)
    return Response(
        stream_with_context(body),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename(g.event, dialect)}"',
            "Cache-Control": "no-store",
        },
    )
