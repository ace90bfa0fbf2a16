"""Invitation benchmark: checking and importing a 5,000-row list, queueing 5,000 invitations.

Run with ``python -m benchmarks.bench_invitations`` (``--backend postgresql``
starts a throwaway PostgreSQL). Prints a table of medians with a bare
reference measured in the same run, because these machines are shared and
noisy. Targets: preview + import under 3 s, queueing under 10 s.

- preview: decode, parse and check every row of an Excel-saved (Windows-1252,
  ``;``, CRLF) list against the invitees already there; reference: the csv
  module alone reading the same bytes;
- import: preview plus the all-or-nothing insert and commit;
- queue: one invitation mail per invitee rendered in their language, written
  to the outbox, marked as sent, committed; reference: bulk-inserting the
  same number of outbox rows of the same size without rendering.
"""

import argparse
import contextlib
import csv
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import insert

from benchmarks import seed
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus
from eventdesk.invitations import sending, service
from eventdesk.mail.models import OutboxMessage

ROWS = 5_000
PREVIEW_IMPORT_TARGET = 3.0
QUEUE_TARGET = 10.0
ORGANISATIONS = ["Tata Steel", "Nova College", "Gemeente Velsen", "Techport", "Zeehaven", ""]


@dataclass(frozen=True)
class Figure:
    """One line of the table."""

    name: str
    seconds: float
    reference: float | None
    target: float | None

    @property
    def ok(self) -> bool:
        return self.target is None or self.seconds < self.target


def excel_list(rows: int) -> bytes:
    """Return an invitee list as Dutch Excel saves it: Windows-1252, ``;``, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Naam", "E-mail", "Organisatie", "Taal", "Extra gasten", "Opmerking"])
    for number in range(rows):
        writer.writerow([
            f"Gast {number} Çelik-Zoë", f"gast{number}@partner{number % 70}.example",
            ORGANISATIONS[number % len(ORGANISATIONS)], "nl" if number % 4 else "en",
            str(number % 3), "=SUM(A1)" if number % 50 == 0 else "",
        ])
    return buffer.getvalue().encode("cp1252")


def new_event(slug: str) -> Event:
    now = utcnow()
    event = Event(slug=slug, status=EventStatus.PUBLISHED, title_nl="10 jaar Techport",
                  title_en="10 years of Techport", venue="Techport Centre",
                  address="Kanaalstraat 1, IJmuiden", starts_at=now + timedelta(days=40),
                  ends_at=now + timedelta(days=40, hours=5), capacity=None)
    db.session.add(event)
    db.session.commit()
    return event


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(url: str, rounds: int = 3) -> list[Figure]:
    """Measure every figure ``rounds`` times on the database at ``url``; return medians."""
    app = seed.empty_app(url, BASE_URL="https://events.example.org",
                         MAIL_FROM="Techport <events@techport.example.org>")
    data = excel_list(ROWS)
    samples: dict[str, list[float]] = {key: [] for key in
                                       ("csv", "preview", "import", "queue", "bulk")}
    with app.app_context(), force_locale("en"):
        for number in range(rounds):
            event = new_event(f"bench-{number}")
            samples["csv"].append(timed(
                lambda: list(csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";"))
            ))
            samples["preview"].append(
                timed(lambda event=event: service.preview_upload(event, data))
            )

            def import_all(event=event) -> None:
                checked = service.preview_upload(event, data)
                assert checked.importable and len(checked.new_rows) == ROWS
                service.import_rows(event, checked.new_rows, now=utcnow())
                db.session.commit()

            samples["import"].append(timed(import_all))

            def queue(event=event) -> None:
                assert sending.send_invitations(event, now=utcnow()) == ROWS
                db.session.commit()

            samples["queue"].append(timed(queue))
            raw = db.session.scalar(OutboxMessage.__table__.select().with_only_columns(
                OutboxMessage.raw).limit(1))

            def bulk(number=number, raw=raw) -> None:
                now = utcnow()
                db.session.execute(insert(OutboxMessage), [
                    {"message_id": f"<ref-{number}-{n}@bench>", "kind": "reference",
                     "recipient": f"r{n}@example.org", "subject": "Invitation", "raw": raw,
                     "next_attempt_at": now}
                    for n in range(ROWS)
                ])
                db.session.commit()

            samples["bulk"].append(timed(bulk))
        db.session.remove()
    median = {key: statistics.median(values) for key, values in samples.items()}
    return [
        Figure(f"preview {ROWS:,}-row Excel list", median["preview"], median["csv"], None),
        Figure(f"preview + import {ROWS:,} rows", median["import"], median["csv"],
               PREVIEW_IMPORT_TARGET),
        Figure(f"queue {ROWS:,} invitations", median["queue"], median["bulk"], QUEUE_TARGET),
    ]


def print_table(backend: str, figures: list[Figure]) -> None:
    print(f"\nInvitations on {backend} (medians)")
    print(f"{'figure':<34} {'seconds':>8} {'reference':>10} {'ratio':>7} {'target':>8}  ok")
    for figure in figures:
        reference = f"{figure.reference:.3f}" if figure.reference else "-"
        ratio = f"{figure.seconds / figure.reference:.1f}x" if figure.reference else "-"
        target = f"< {figure.target:g}" if figure.target else "-"
        print(f"{figure.name:<34} {figure.seconds:>8.3f} {reference:>10} {ratio:>7} "
              f"{target:>8}  {'yes' if figure.ok else 'NO'}")
    print("reference: csv module alone for preview/import; bulk outbox insert for queue")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_invitations",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.backend == "postgresql":
            from benchmarks import processes

            urls = stack.enter_context(processes.throwaway_postgres("invitations_bench"))
            url = urls["invitations_bench"]
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{folder}/invitations.sqlite"
        figures = run(url, rounds=args.rounds)
    print_table(args.backend, figures)
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
