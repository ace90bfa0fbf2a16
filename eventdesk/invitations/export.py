"""The invitee list as a CSV file for Dutch Excel, streamed row by row."""

import csv
import io
from collections.abc import Iterator

from eventdesk.events.models import Event
from eventdesk.invitations.service import EXPORT_HEADER, export_rows


def csv_lines(event: Event, *, delimiter: str = ";") -> Iterator[str]:
    """Yield the CSV text: a BOM, the header, then one quoted CRLF line per invitee."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(EXPORT_HEADER)
    for row in export_rows(event):
        yield line(row)
