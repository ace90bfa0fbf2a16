"""Export and attendee-list benchmark: 100,000 guests to CSV and .xlsx, the list with 10,000.

Run with ``python -m benchmarks.bench_export`` (``--backend postgresql`` starts a
throwaway PostgreSQL). Prints a table; targets: CSV export under 3 s and 150 MB,
.xlsx export under 5 s and 150 MB, list p95 under 200 ms.
"""

import argparse
import contextlib
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta

from sqlalchemy import insert, select

from benchmarks import seed as seed_tools
from eventdesk.auth.models import Role, User
from eventdesk.checkin.models import Door
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus, Question, QuestionKind
from eventdesk.organiser.export import export_chunks
from eventdesk.organiser.xlsx_export import write_workbook
from eventdesk.registration.models import Registration, RegistrationStatus

ORGANISATIONS = ["Tata Steel", "Nova College", "Gemeente Velsen", "Techport", "ROC Nova", ""]


def seed(slug: str, guests: int) -> Event:
    """Insert an event with three questions and ``guests`` registrations, a third checked in."""
    now = utcnow()
    event = Event(slug=slug, status=EventStatus.PUBLISHED, title_nl=slug, starts_at=now,
                  ends_at=now + timedelta(hours=4), capacity=None, confirmed_count=guests)
    event.questions = [
        Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?"),
        Question(position=2, kind=QuestionKind.CHOICE, label_nl="Hoe kom je?",
                 choices=[{"value": "bike", "nl": "Fiets"}, {"value": "car", "nl": "Auto"}]),
        Question(position=3, kind=QuestionKind.TEXT, label_nl="Dieetwensen"),
    ]
    db.session.add(event)
    door = Door(event=event, name="Hoofdingang")
    db.session.add(door)
    db.session.flush()
    q1, q2, q3 = (str(q.id) for q in event.questions)
    batch = []
    for number in range(guests):
        batch.append({
            "uid": secrets.token_hex(16), "event_id": event.id,
            "status": RegistrationStatus.CONFIRMED, "name": f"Gast {number} Çelik-Zoë",
            "email": f"gast{number}@{slug}.example.org",
            "email_normalized": f"gast{number}@{slug}.example.org",
            "organisation": ORGANISATIONS[number % len(ORGANISATIONS)], "language": "nl",
            "answers": {q1: "yes", q2: "bike", q3: "=geen noten" if number % 7 == 0 else ""},
            "manage_token": secrets.token_urlsafe(32), "ticket_code": secrets.token_hex(16),
            "calendar_sequence": 0, "consented_at": now, "created_at": now, "updated_at": now,
            "confirmed_at": now,
            "checked_in_at": now if number % 3 == 0 else None,
            "checked_in_door_id": door.id if number % 3 == 0 else None,
        })
        if len(batch) == 5000:
            db.session.execute(insert(Registration), batch)
            batch = []
    if batch:
        db.session.execute(insert(Registration), batch)
    db.session.commit()
    return event


def run_export(app, slug: str, *, trace: bool) -> tuple[float, int, int, float]:
    """Export once; return seconds, bytes, the tracemalloc peak (0 untraced), CPU seconds."""
    with app.test_request_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        size = sum(len(chunk.encode("utf-8")) for chunk in export_chunks(event))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        db.session.remove()
    return elapsed, size, peak, cpu


def run_xlsx(app, slug: str, folder: str, *, trace: bool) -> tuple[float, int, int, float]:
    """Write the workbook once; return seconds, bytes, the tracemalloc peak, CPU seconds."""
    path = os.path.join(folder, f"{slug}.xlsx")
    with app.test_request_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        write_workbook(event, path, language="nl")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        db.session.remove()
    size = os.path.getsize(path)
    os.unlink(path)
    return elapsed, size, peak, cpu


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def list_timings(app, slug: str, requests: int) -> list[float]:
    """Time attendee-list pages (plain, search, sort, filter, deep page) through the app."""
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bench@example.org"))
        if user is None:
            user = User(email="bench@example.org", role=Role.ADMIN, name="Bench")
            user.set_password("benchmark-password")
            db.session.add(user)
            db.session.commit()
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    base = f"/organiser/events/{slug}/attendees"
    queries = ["", "?q=gast123", "?sort=name", "?sort=organisation&order=desc&page=40",
               "?checked=yes&sort=checked_in", "?q=nova&status=confirmed", "?page=150"]
    for query in queries:  # warm up
        response = client.get(base + query)
        assert response.status_code == 200, (response.status_code, response.get_data()[:300])
    timings = []
    for number in range(requests):
        started = time.perf_counter()
        response = client.get(base + queries[number % len(queries)])
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_export", description=__doc__)
    parser.add_argument("--guests", type=int, default=100_000)
    parser.add_argument("--list-guests", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=210)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.backend == "postgresql":
            from benchmarks import processes

            url = stack.enter_context(processes.throwaway_postgres("export_bench"))["export_bench"]
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{folder}/export.sqlite"
        # The test client asks for "localhost": trust it as a site would list it.
        app = seed_tools.empty_app(url, WTF_CSRF_ENABLED=False, TRUSTED_HOSTS=["localhost"])
        with app.app_context():
            started = time.perf_counter()
            seed("export-small", args.guests // 10)
            seed("export-big", args.guests)
            seed("list", args.list_guests)
            seeded = time.perf_counter() - started
        rss_before = maxrss_mb()
        small = run_export(app, "export-small", trace=False)
        big = run_export(app, "export-big", trace=False)
        rss_growth = maxrss_mb() - rss_before
        small_peak = run_export(app, "export-small", trace=True)[2]
        big_peak = run_export(app, "export-big", trace=True)[2]
        out = stack.enter_context(tempfile.TemporaryDirectory())
        rss_before = maxrss_mb()
        xlsx = run_xlsx(app, "export-big", out, trace=False)
        xlsx_rss = maxrss_mb() - rss_before
        xlsx_peak = run_xlsx(app, "export-big", out, trace=True)[2]
        timings = sorted(list_timings(app, "list", args.requests))

    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    rows = [
        ("backend", args.backend, ""),
        ("seeding", f"{args.guests + args.guests // 10 + args.list_guests:,} rows",
         f"{seeded:.1f} s"),
        (f"export {args.guests // 10:,} guests", f"{small[1] / 1e6:.1f} MB CSV",
         f"{small[0]:.2f} s (CPU {small[3]:.2f} s)"),
        (f"export {args.guests:,} guests", f"{big[1] / 1e6:.1f} MB CSV",
         f"{big[0]:.2f} s (CPU {big[3]:.2f} s)"),
        (f"  rows per second ({args.guests:,})", "", f"{args.guests / big[0]:,.0f}"),
        (f"  Python peak, {args.guests // 10:,} guests", "tracemalloc",
         f"{small_peak / 1e6:.1f} MB"),
        (f"  Python peak, {args.guests:,} guests", "tracemalloc", f"{big_peak / 1e6:.1f} MB"),
        ("  process RSS growth during exports", "ru_maxrss", f"{rss_growth:.1f} MB"),
        (f"xlsx {args.guests:,} guests", f"{xlsx[1] / 1e6:.1f} MB .xlsx",
         f"{xlsx[0]:.2f} s (CPU {xlsx[3]:.2f} s)"),
        ("  Python peak, xlsx", "tracemalloc", f"{xlsx_peak / 1e6:.1f} MB"),
        ("  process RSS growth, xlsx", "ru_maxrss", f"{xlsx_rss:.1f} MB"),
        (f"attendee list, {args.list_guests:,} guests", f"{len(timings)} requests",
         f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"),
    ]
    width = max(len(row[0]) for row in rows)
    for name, detail, figure in rows:
        print(f"{name:<{width}}  {detail:<16}  {figure}")
    ok = (big[0] < 3 and big_peak < 150e6 and p95 < 200
          and xlsx[0] < 5 and xlsx_peak < 150e6 and xlsx_rss < 150)
    print("targets (CSV < 3 s, xlsx < 5 s, each < 150 MB; list p95 < 200 ms):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
