"""One backend's run: eventdesk and the reference app side by side, then the rush."""

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import load, processes, rush_mail, seed
from benchmarks.load import Figure

RUSH_GUESTS = 2000
RUSH_SEATS = 500
RUSH_TIME_LIMIT = 300.0
# Every figure's p99 at the benchmark's connections must stay under this.
P99_TARGET_MS = 100.0


@dataclass
class Row:
    """One line of the table: an eventdesk figure against its reference."""

    backend: str
    name: str
    figure: Figure
    reference_name: str = ""
    reference: Figure | None = None
    target: float | None = None
    p99_target_ms: float | None = P99_TARGET_MS

    @property
    def ratio(self) -> float | None:
        if self.reference is None or not self.reference.rate:
            return None
        return self.figure.rate / self.reference.rate

    @property
    def cpu_ratio(self) -> float | None:
        """Return the reference's CPU per request over eventdesk's: the ratio if CPU-bound."""
        if self.reference is None or not self.figure.cpu_ms or not self.reference.cpu_ms:
            return None
        return self.reference.cpu_ms / self.figure.cpu_ms


@dataclass
class Check:
    """A correctness check; a failed one makes the whole run fail."""

    backend: str
    name: str
    passed: bool
    detail: str


@dataclass
class Settings:
    seconds: float = 10.0
    warmup: float = 2.0
    slices: int = 5
    connections: int = 8
    workers: int = 2
    rush_concurrency: int = 16


@dataclass
class BackendResult:
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def _combine(parts: list[Figure]) -> Figure:
    """Add up alternating slices of one figure; latency percentiles are the slices' medians."""
    def median(values: list[float]) -> float:
        return statistics.median(values)

    return Figure(
        requests=sum(p.requests for p in parts),
        seconds=sum(p.seconds for p in parts),
        errors=sum(p.errors for p in parts),
        p50_ms=median([p.p50_ms for p in parts]),
        p95_ms=median([p.p95_ms for p in parts]),
        p99_ms=median([p.p99_ms for p in parts]),
        cpu_seconds=sum(p.cpu_seconds for p in parts),
    )


def measure_pair(url: str, script: str | Callable[[int], str], ref_url: str, ref_script: str,
                 settings: Settings) -> tuple[Figure, Figure]:
    """Measure eventdesk and its reference in alternating slices.

    The machine is shared: load from elsewhere comes and goes within seconds,
    so both sides get slices of the same minutes rather than one block each.
    ``script`` may be a function of the run's number (0 for the warm-up), for
    requests that must not repeat across runs, such as scanning a ticket.
    """
    scripts = script if callable(script) else (lambda run: script)
    for target, lua in ((ref_url, ref_script), (url, scripts(0))):
        load.run_wrk(target, script=lua, seconds=settings.warmup,
                     connections=settings.connections)
    mine: list[Figure] = []
    theirs: list[Figure] = []
    # wrk takes whole seconds.
    slice_seconds = max(1, round(settings.seconds / settings.slices))
    for run in range(1, settings.slices + 1):
        theirs.append(load.run_wrk(ref_url, script=ref_script, seconds=slice_seconds,
                                   connections=settings.connections))
        mine.append(load.run_wrk(url, script=scripts(run), seconds=slice_seconds,
                                 connections=settings.connections))
    return _combine(mine), _combine(theirs)


def run_backend(backend: str, eventdesk_url: str, reference_url: str,
                settings: Settings, log_dir: Path) -> BackendResult:
    """Measure every figure on one database backend."""
    print(f"== {backend}: seeding", flush=True)
    # Enough ticket codes for every check-in run to scan fresh ones at up to 1,000/s.
    run_seconds = max(round(settings.seconds / settings.slices), settings.warmup)
    seeded = seed.seed(eventdesk_url,
                       tickets=max(5000, int(1000 * run_seconds * (settings.slices + 1))))
    result = BackendResult()
    event_page = f"/events/{seed.OPEN_SLUG}"
    with rush_mail.smtp_sink() as (sink, smtp_url):
        # One proxy in front: the load generator says which guest each request is
        # for (load.guest_address), as a reverse proxy would. With an SMTP server
        # `eventdesk serve` runs its mail worker beside gunicorn, as installed.
        env = {"DATABASE_URL": eventdesk_url, "EVENTDESK_SECRET_KEY": seed.SECRET_KEY,
               "EVENTDESK_BASE_URL": seed.BASE_URL, "EVENTDESK_PROXIES": "1",
               "EVENTDESK_SMTP_URL": smtp_url}
        log = log_dir / f"eventdesk-{backend}.log"
        with processes.serve(processes.eventdesk_command(settings.workers), env=env,
                             probe_path=event_page, log=log) as ed, \
             processes.serve(processes.reference_command(reference_url), env={},
                             probe_path="/items/1",
                             log=log_dir / f"reference-{backend}.log") as ref:
            _wait_for_mail_worker(log)
            _figures(backend, ed, ref, seeded, settings, result, eventdesk_url)
            result.rows.append(
                _rush_row(backend, [ed], eventdesk_url, settings, result.checks, sink))
    return result


def _wait_for_mail_worker(log: Path, time_limit: float = 60.0) -> None:
    """Wait until the server's mail worker has started (loading the app takes seconds of CPU).

    gunicorn answers before it, and its start would otherwise fall into the
    first figure's slices.
    """
    deadline = time.monotonic() + time_limit
    while "delivering mail" not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            print(f"   the mail worker did not report within {time_limit:.0f} s "
                  f"(see {log})", flush=True)
            return
        time.sleep(0.2)


def _figures(backend: str, ed: str, ref: str, seeded: seed.Seeded, settings: Settings,
             result: BackendResult, eventdesk_url: str) -> None:
    """Measure the page, the registration and the check-in against the reference."""
    event_page = f"/events/{seed.OPEN_SLUG}"

    def pair(name, url, script, ref_name, ref_url, ref_script, target):
        print(f"== {backend}: {name}", flush=True)
        figure, reference = measure_pair(url, script, ref_url, ref_script, settings)
        row = Row(backend, name, figure, ref_name, reference, target)
        result.rows.append(row)
        print(f"   {figure.rate:8.1f}/s against {reference.rate:8.1f}/s "
              f"(ratio {row.ratio:.2f}, errors {figure.errors}); CPU per request "
              f"{figure.cpu_ms or 0:.2f} against {reference.cpu_ms or 0:.2f} ms "
              f"(ratio {row.cpu_ratio or 0:.2f})", flush=True)

    pair("event page GET", ed + event_page, "", "bare GET", ref + "/items/1", "", 0.5)

    sessions = load.form_session(ed, event_page, count=16)
    q = seeded.question_field
    time.sleep(load.FORM_FILL_SECONDS)

    # Each run registers addresses of its own: wrk restarts its counter and
    # its unseeded random numbers every run, so without the run's number
    # later runs would measure repeated registrations, not new guests.
    def register(run: int) -> str:
        return load.post_script(
            f"{event_page}/register",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            header_rotation=sessions,
            bodies_lua=('"csrf_token=" .. h["_token"] .. "&form_issued=" .. h["_stamp"] '
                        '.. "&name=Guest+" .. n .. "&email=g" '
                        f'.. tid .. "-" .. n .. "-r{run}%40example.org'
                        f'&organisation=Techport&consent=y&{q}=yes"'),
            # A guest of their own per request: 10.<run>.<thread>.<request>.
            headers_lua={"X-Forwarded-For": (
                f'"10.{run}." .. (tid % 250) .. "." .. (math.floor(n / 250) % 250) '
                '.. "." .. (n % 250)')},
        )
    insert = load.post_script(
        "/items", headers={"Content-Type": "application/x-www-form-urlencoded"},
        bodies_lua='"name=Guest+" .. n .. "&email=g" .. tid .. "-" .. n .. "%40example.org"')
    pair("registration POST", ed + f"{event_page}/register", register, "bare insert",
         ref + "/items", insert, 0.5)

    # The registrations' mail still queued would be sent during the check-in
    # figure; each figure carries the mail of its own requests only.
    seed.drop_pending_mail(eventdesk_url)
    # Each run scans codes of its own, so the figure is of guests let in,
    # not of the same codes refused as already scanned.
    share = len(seeded.ticket_codes) // (settings.slices + 1)

    def checkin(run: int) -> str:
        codes = seeded.ticket_codes[run * share:(run + 1) * share]
        return load.post_script(
            f"/api/v1/events/{seed.DOOR_SLUG}/checkins",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {seeded.door_token}"},
            header_rotation=[{"_code": code} for code in codes],
            bodies_lua='\'{"code": "\' .. h["_code"] .. \'"}\'')
    hit = ("local k = 0\nfunction request()\n  k = k + 1\n"
           '  return wrk.format("POST", "/items/" .. (k % 100 + 1) .. "/hit")\nend\n')
    pair("check-in API POST", ed + f"/api/v1/events/{seed.DOOR_SLUG}/checkins", checkin,
         "bare update", ref + "/items/1/hit", hit, 0.6)


def _rush_row(backend: str, bases: list[str], database_url: str, settings: Settings,
              checks: list[Check], sink: rush_mail.Sink) -> Row:
    """Let RUSH_GUESTS guests race for RUSH_SEATS seats; check what the database kept."""
    print(f"== {backend}: rush of {RUSH_GUESTS} guests for {RUSH_SEATS} seats", flush=True)
    slug = "bench-rush"
    question = seed.add_event(database_url, slug, capacity=RUSH_SEATS)
    page = f"/events/{slug}"
    sessions = []
    for index in range(settings.rush_concurrency):
        base = bases[index % len(bases)]
        pair = load.form_session(base, page, count=1)[0]
        sessions.append((base, pair["Cookie"], pair["_token"], pair["_stamp"]))
    time.sleep(load.FORM_FILL_SECONDS)
    bodies = [
        f"csrf_token={sessions[i % len(sessions)][2]}&form_issued={sessions[i % len(sessions)][3]}"
        f"&name=Guest+{i}"
        f"&email=rush-{i:05d}%40example.org&consent=y&{question}=yes"
        for i in range(RUSH_GUESTS)
    ]
    # The load figures' unsent backlog would only slow the rush's own mail.
    seed.drop_pending_mail(database_url)
    # The server's mail worker renders and sends while the guests pour in.
    outcome = load.rush(bases, f"{page}/register", bodies,
                        sessions=[(base, cookie) for base, cookie, _, _ in sessions],
                        concurrency=settings.rush_concurrency, time_limit=RUSH_TIME_LIMIT)
    rush_ended = time.monotonic()
    delivered = sink.wait_for("rush-", RUSH_GUESTS, time_limit=RUSH_TIME_LIMIT)
    mail_lag = max(sink.last_at - rush_ended, 0.0)
    rush_ids = [mid for mid, to in zip(sink.message_ids, sink.recipients, strict=True)
                if to.startswith("rush-")]
    # Status 0: never sent, because the time bound ran out first.
    unsent = outcome.statuses.count(0)
    errors = sum(1 for status in outcome.statuses if status not in (0, 302))
    figure = Figure(requests=len(bodies) - unsent, seconds=outcome.seconds, errors=errors,
                    p50_ms=outcome.percentile(50), p95_ms=outcome.percentile(95),
                    p99_ms=outcome.percentile(99))
    db = seed.check_rush(database_url, slug)
    # Arrival order as the server saw it is the registration id; every waiting
    # guest must have arrived after every seated one.
    in_order = db.last_confirmed_id < db.first_waitlisted_id
    sent = sorted(f"rush-{i:05d}@example.org" for i in range(RUSH_GUESTS))
    checks.extend([
        Check(backend, "rush: no errors", errors == 0,
              f"{errors} of {RUSH_GUESTS} requests failed "
              f"({json.dumps(_status_counts(outcome.statuses))})"),
        Check(backend, f"rush: every guest served within {RUSH_TIME_LIMIT:.0f} s", unsent == 0,
              f"{RUSH_GUESTS - unsent} served in {outcome.seconds:.1f} s, {unsent} not sent"),
        Check(backend, "rush: exactly the seats confirmed",
              db.confirmed == RUSH_SEATS and db.confirmed_count == RUSH_SEATS,
              f"{db.confirmed} confirmed, seat counter {db.confirmed_count}, "
              f"capacity {RUSH_SEATS}"),
        Check(backend, "rush: everyone else waitlisted",
              db.waitlisted == RUSH_GUESTS - RUSH_SEATS and sorted(db.emails_by_id) == sent,
              f"{db.waitlisted} waitlisted, {db.registrations} registrations"),
        Check(backend, "rush: waitlisted in arrival order", in_order,
              f"last seat id {db.last_confirmed_id}, first waiting id {db.first_waitlisted_id}"),
        Check(backend, "rush: one mail queued per guest",
              db.mails == RUSH_GUESTS and db.registrations_without_one_mail == 0,
              f"{db.mails} mails, {db.registrations_without_one_mail} guests without exactly one"),
        Check(backend, "rush: every mail rendered and delivered once",
              delivered and len(rush_ids) == len(set(rush_ids)) == RUSH_GUESTS,
              f"{len(rush_ids)} delivered, {len(set(rush_ids))} distinct Message-IDs; "
              f"the last {mail_lag:.1f} s after the last registration"),
    ])
    # Its p99 is at rush_concurrency clients, not at the figures' 8 connections.
    return Row(backend, f"rush {RUSH_GUESTS} guests / {RUSH_SEATS} seats from "
               f"{settings.rush_concurrency} clients, mail sent meanwhile", figure,
               p99_target_ms=None)


def _status_counts(statuses: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def sqlite_urls(folder: Path) -> tuple[str, str]:
    """Return fresh SQLite URLs for eventdesk and the reference app."""
    return (f"sqlite:///{folder / 'eventdesk.sqlite'}", f"sqlite:///{folder / 'reference.sqlite'}")


def temp_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="eventdesk-bench."))
