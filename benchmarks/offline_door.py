"""Offline door benchmark: snapshot size and load, scan to colour offline and online, sync.

Run with ``python -m benchmarks.offline_door`` (Debian chromium, headless). It seeds a
SQLite database with 5,000 tickets, serves eventdesk on 127.0.0.1 (werkzeug, threaded:
slower than gunicorn, so the online figure is on the safe side) and drives the door page.
Targets: snapshot of 5,000 guests under 1 MB and loaded under 2 s; offline scan to
colour under 100 ms; online p95 under 250 ms; 500 queued scans synced under 10 s.
"""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from benchmarks import seed as seed_tools
from eventdesk.db import db
from eventdesk.registration.models import Registration

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]
GUESTS = 5000
QUEUED = 500
ONLINE_SCANS = 100


def _submit(page, code: str) -> None:
    page.evaluate("""code => {
        const input = document.getElementById("ci-code");
        input.value = code;
        document.getElementById("ci-scan-form").requestSubmit();
    }""", code)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> int:
    """Seed, serve, measure in chromium, print a table; exit 1 when a target is missed."""
    folder = Path(tempfile.mkdtemp(prefix="eventdesk-offline-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    seeded = seed_tools.seed(url, tickets=GUESTS)
    app = seed_tools.app_for(url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["TRUSTED_HOSTS"] = None
    codes = seeded.ticket_codes
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = context.new_page()
        page.goto(f"{base}/door/{seeded.door_token}")
        page.wait_for_function(f"() => window.checkinStats.tickets === {GUESTS}", timeout=60_000)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(2_500)  # the encrypted copy is written 1.5 s after a change
        size = page.evaluate("""name => new Promise(resolve => {
            const open = indexedDB.open(name);
            open.onsuccess = () => {
                const get = open.result.transaction("meta").objectStore("meta").get("snapshot");
                get.onsuccess = () => { resolve(get.result.data.byteLength); open.result.close(); };
            };
        })""", f"eventdesk-door:{seed_tools.DOOR_SLUG}")
        rows.append(("snapshot of 5,000 guests, encrypted, in IndexedDB", size / 1e6, "MB",
                     size < 1_000_000, "< 1 MB"))

        # Reload without a network: page from the service worker, snapshot from IndexedDB.
        context.set_offline(True)
        started = time.perf_counter()
        page.reload()
        page.wait_for_function(f"() => window.checkinStats.tickets === {GUESTS}", timeout=60_000)
        load = time.perf_counter() - started
        rows.append(("offline reload until the snapshot is decrypted and ready", load, "s",
                     load < 2, "< 2 s"))

        for code in codes[:QUEUED]:
            _submit(page, code)
        page.wait_for_function(f"() => window.checkinStats.waiting === {QUEUED}",
                               timeout=60_000)
        offline_ms = page.evaluate("window.checkinStats.resultMs.slice()")
        rows.append((f"offline scan to colour, median of {len(offline_ms)}",
                     statistics.median(offline_ms), "ms", True, ""))
        rows.append(("offline scan to colour, p95", _p95(offline_ms), "ms",
                     _p95(offline_ms) < 100, "< 100 ms"))

        started = time.perf_counter()
        context.set_offline(False)
        page.wait_for_function("() => window.checkinStats.waiting === 0", timeout=120_000)
        sync = time.perf_counter() - started
        rows.append((f"sync of {QUEUED} queued scans after the network returns", sync, "s",
                     sync < 10, "< 10 s"))

        page.evaluate("window.checkinStats.resultMs.length = 0")
        for code in codes[QUEUED:QUEUED + ONLINE_SCANS]:
            _submit(page, code)
            page.wait_for_timeout(60)
        page.wait_for_function(f"() => window.checkinStats.resultMs.length === {ONLINE_SCANS}",
                               timeout=60_000)
        online_ms = page.evaluate("window.checkinStats.resultMs.slice()")
        offline_answers = page.evaluate("window.checkinStats.offline")
        rows.append((f"online scan to colour, p95 of {len(online_ms)} (API round trip)",
                     _p95(online_ms), "ms", _p95(online_ms) < 250, "< 250 ms"))
        browser.close()
    server.shutdown()
    with app.app_context():
        admitted = db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.checked_in_at.is_not(None)))
        db.engine.dispose()
    expected = QUEUED + ONLINE_SCANS
    rows.append(("check-ins on the server afterwards", admitted, "", admitted == expected,
                 f"= {expected}"))
    print("| figure | value | target | ok |\n|---|--:|---|---|")
    for title, value, unit, ok, target in rows:
        shown = f"{value:.2f} {unit}" if isinstance(value, float) else f"{value} {unit}"
        print(f"| {title} | {shown.strip()} | {target} | {'ok' if ok else 'MISSED'} |")
    print(f"\n({offline_answers} answers decided offline in total)")
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
