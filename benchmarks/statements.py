"""Count SQL statements and transactions per request: ``python -m benchmarks.statements``.

eventdesk's event page, registration and check-in, and the reference app's
page, insert and update, each run in process (Flask's test client) on SQLite or
PostgreSQL, with SQLAlchemy's events counting what reaches the database. Prints
per request: statements (by their first word), transactions begun and committed,
and the CPU time per request in process.
"""

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from benchmarks import processes, seed


class Tally:
    """What reached the database while counting was on."""

    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()
        self.begins = 0
        self.commits = 0
        self.rollbacks = 0
        self.on = False

    def attach(self, engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def statement(conn, cursor, sql, params, context, executemany):
            if self.on:
                word = sql.lstrip().split(None, 1)[0].upper()
                if word == "INSERT" and "ON CONFLICT" in sql.upper():
                    word = "INSERT ON CONFLICT"
                self.statements[word] += 1

        @event.listens_for(engine, "begin")
        def begin(conn):
            if self.on:
                self.begins += 1

        @event.listens_for(engine, "commit")
        def commit(conn):
            if self.on:
                self.commits += 1

        @event.listens_for(engine, "rollback")
        def rollback(conn):
            if self.on:
                self.rollbacks += 1

    @contextmanager
    def counting(self):
        self.statements.clear()
        self.begins = self.commits = self.rollbacks = 0
        self.on = True
        try:
            yield
        finally:
            self.on = False

    def line(self, name: str, requests: int, cpu: float) -> str:
        per = ", ".join(f"{word} {count / requests:g}"
                        for word, count in sorted(self.statements.items()))
        total = sum(self.statements.values()) / requests
        return (f"{name:<28} {total:5.2f} statements ({per}); transactions begun "
                f"{self.begins / requests:g}, committed {self.commits / requests:g}, "
                f"rolled back {self.rollbacks / requests:g}; CPU {cpu / requests * 1000:.2f} ms")


def _run(tally: Tally, name: str, call, requests: int) -> str:
    with tally.counting():
        started = time.process_time()
        for n in range(requests):
            call(n)
        cpu = time.process_time() - started
    return tally.line(name, requests, cpu)


def eventdesk_lines(url: str, requests: int) -> list[str]:
    """Count the event page, a registration and a check-in."""
    from eventdesk.db import db

    seeded = seed.seed(url, tickets=requests + 10)
    app = seed.create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": seed.SECRET_KEY,
                           "BASE_URL": seed.BASE_URL, "REGISTRATION_MIN_FILL_SECONDS": 0})
    tally = Tally()
    with app.app_context():
        tally.attach(db.engine)
    client = app.test_client()
    page = f"/events/{seed.OPEN_SLUG}"
    # Only the base URL's host is answered.
    base = seed.BASE_URL
    html = client.get(page, base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    stamp = re.search(r'name="form_issued" value="([^"]+)"', html)
    for _ in range(20):
        client.get(page, base_url=base)

    def get(n: int) -> None:
        assert client.get(page, base_url=base).status_code == 200

    def post(n: int) -> None:
        response = client.post(f"{page}/register", data={
            "csrf_token": token, "form_issued": stamp.group(1) if stamp else "",
            "name": f"Guest {n}", "email": f"s{n}@example.org", "organisation": "Techport",
            "consent": "y", seeded.question_field: "yes"},
            base_url=base, environ_base={"REMOTE_ADDR": f"10.9.{n // 250 % 250}.{n % 250}"})
        assert response.status_code == 302, response.status_code

    codes = iter(seeded.ticket_codes)

    def check_in(n: int) -> None:
        response = client.post(f"/api/v1/events/{seed.DOOR_SLUG}/checkins",
                               json={"code": next(codes)}, base_url=base,
                               headers={"Authorization": f"Bearer {seeded.door_token}"})
        assert response.json["status"] == "ok", response.json

    return [_run(tally, "eventdesk event page GET", get, requests),
            _run(tally, "eventdesk registration POST", post, requests),
            _run(tally, "eventdesk check-in POST", check_in, requests)]


def reference_lines(url: str, requests: int) -> list[str]:
    """Count the reference app's page, insert and update."""
    from benchmarks import reference_app

    app = reference_app.create_reference_app(url)
    reference_app.prepare(app)
    tally = Tally()
    with app.app_context():
        tally.attach(reference_app.db.engine)
    client = app.test_client()
    for _ in range(20):
        client.get("/items/1")

    def get(n: int) -> None:
        assert client.get("/items/1").status_code == 200

    def post(n: int) -> None:
        assert client.post("/items", data={"name": "Guest", "email": "g@example.org"}
                           ).status_code == 302

    def hit(n: int) -> None:
        assert client.post(f"/items/{n % 100 + 1}/hit").json["status"] == "ok"

    return [_run(tally, "reference bare GET", get, requests),
            _run(tally, "reference bare insert", post, requests),
            _run(tally, "reference bare update", hit, requests)]


def main() -> int:
    """Print the counts for SQLite and PostgreSQL."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.statements",
                                     description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="eventdesk-statements."))
    if args.backend in ("sqlite", "both"):
        print("SQLite")
        for line in reference_lines(f"sqlite:///{folder / 'ref.sqlite'}", args.requests):
            print("  " + line)
        for line in eventdesk_lines(f"sqlite:///{folder / 'ed.sqlite'}", args.requests):
            print("  " + line)
    if args.backend in ("postgresql", "both"):
        print("PostgreSQL")
        with processes.postgres("eventdesk_bench_stmt", "eventdesk_bench_stmt_ref") as urls:
            for line in reference_lines(urls["eventdesk_bench_stmt_ref"], args.requests):
                print("  " + line)
            for line in eventdesk_lines(urls["eventdesk_bench_stmt"], args.requests):
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
