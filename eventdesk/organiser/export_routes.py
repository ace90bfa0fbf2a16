"""The attendee list downloads: CSV (two dialects) and an Excel workbook."""

from flask import Response, abort, g, request, send_file, stream_with_context

from eventdesk.i18n import current_language
from eventdesk.organiser import xlsx_export
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


@bp.get("/events/<slug>/export.xlsx")
def export_xlsx(slug: str):
    """Send the attendee list and the answer counts as an Excel workbook."""
    response = send_file(
        xlsx_export.workbook_bytes(g.event, language=current_language()),
        as_attachment=True, download_name=xlsx_export.filename(g.event),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
