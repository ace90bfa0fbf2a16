"""Where a request's time goes under load: ``python -m benchmarks.underload FIGURE``.

Serves eventdesk as the suite does (``eventdesk serve``, its mail worker sending
to a sink), loads one figure (``page``, ``register`` or ``checkin``) with wrk at
8 connections, and meanwhile records every gunicorn worker and the mail worker
with py-spy (``pip install py-spy``), and on PostgreSQL samples what the
backends wait for in ``pg_stat_activity``. Prints the rate, the CPU per request
of each process, the py-spy shares of the request threads, and the waits.
"""

import argparse
import collections
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks import load, processes, rush_mail, seed, suite


def _children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [(int(line.split(None, 1)[0]), line.split(None, 1)[1])
            for line in out.strip().splitlines()]


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / processes.os.sysconf("SC_CLK_TCK")


def _script(figure: str, base: str, seeded: seed.Seeded) -> tuple[str, str]:
    page = f"/events/{seed.OPEN_SLUG}"
    if figure == "page":
        return base + page, ""
    if figure == "register":
        sessions = load.form_session(base, page, count=16)
        time.sleep(load.FORM_FILL_SECONDS)
        return base + page + "/register", load.post_script(
            f"{page}/register", headers={"Content-Type": "application/x-www-form-urlencoded"},
            header_rotation=sessions,
            bodies_lua=('"csrf_token=" .. h["_token"] .. "&form_issued=" .. h["_stamp"] '
                        '.. "&name=Guest+" .. n .. "&email=u" .. tid .. "-" .. n .. '
                        f'"%40example.org&organisation=Techport&consent=y&'
                        f'{seeded.question_field}=yes"'),
            headers_lua={"X-Forwarded-For": ('"10.8." .. (tid % 250) .. "." .. '
                                             '(math.floor(n / 250) % 250) .. "." .. (n % 250)')})
    path = f"/api/v1/events/{seed.DOOR_SLUG}/checkins"
    return base + path, load.post_script(
        path, headers={"Content-Type": "application/json",
                       "Authorization": f"Bearer {seeded.door_token}"},
        header_rotation=[{"_code": code} for code in seeded.ticket_codes],
        bodies_lua='\'{"code": "\' .. h["_code"] .. \'"}\'')


def _waits(url: str, seconds: float, into: collections.Counter) -> None:
    import psycopg

    server, name = url.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for row in connection.execute(
                    "SELECT state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-'), "
                    "left(query, 60) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)):
                into[tuple(row)] += 1
            into["samples"] += 1
            time.sleep(0.02)


def _shares(files: list[Path], top: int) -> list[str]:
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    for file in files:
        for line in file.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            if not any("handle_request" in frame for frame in frames):
                continue  # not a request thread
            total += int(count)
            for name in {frame.split(":")[0] for frame in frames}:
                inclusive[name] += int(count)
    return [f"{100 * n / total:5.1f} %  {name}" for name, n in inclusive.most_common(top)]


def main() -> int:
    """Load one figure, profile the workers, print where the time goes."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.underload", description=__doc__)
    parser.add_argument("figure", choices=["page", "register", "checkin"])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--top", type=int, default=60, help="how many frames to print")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is missing: pip install py-spy")
    folder = suite.temp_folder()

    def run(url: str) -> None:
        seeded = seed.seed(url, tickets=max(5000, 1000 * args.seconds))
        with rush_mail.smtp_sink() as (_, smtp_url):
            env = {"DATABASE_URL": url, "EVENTDESK_SECRET_KEY": seed.SECRET_KEY,
                   "EVENTDESK_BASE_URL": seed.BASE_URL, "EVENTDESK_PROXIES": "1",
                   "EVENTDESK_SMTP_URL": smtp_url}
            with processes.serve(processes.eventdesk_command(2), env=env,
                                 probe_path=f"/events/{seed.OPEN_SLUG}",
                                 log=folder / "eventdesk.log") as base:
                suite._wait_for_mail_worker(folder / "eventdesk.log")
                target, script = _script(args.figure, base, seeded)
                load.run_wrk(target, script=script, seconds=2)  # warm-up
                kids = _children(processes.SERVED[base])
                before = {pid: _cpu(pid) for pid, _ in kids}
                done: dict[str, load.Figure] = {}
                loader = threading.Thread(target=lambda: done.setdefault("figure", load.run_wrk(
                    target, script=script, seconds=args.seconds)))
                loader.start()
                time.sleep(1)
                waits: collections.Counter = collections.Counter()
                sampler = threading.Thread(target=_waits, args=(url, args.seconds - 3, waits))
                if url.startswith("postgresql"):
                    sampler.start()
                spies = [subprocess.Popen(
                    [py_spy, "record", "-p", str(pid), "-d", str(args.seconds - 3), "-r", "200",
                     "-f", "raw", "-o", str(folder / f"spy-{pid}.txt"), "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid, _ in kids]
                for spy in spies:
                    spy.wait()
                loader.join()
                if sampler.is_alive() or url.startswith("postgresql"):
                    sampler.join()
                figure = done["figure"]
                print(f"{args.figure} on {args.backend}: {figure.rate:.0f}/s, p50 "
                      f"{figure.p50_ms:.1f} ms, p99 {figure.p99_ms:.1f} ms, errors {figure.errors}")
                for pid, command in kids:
                    kind = "mail worker" if "--parent-pid" in command else "gunicorn worker"
                    used = _cpu(pid) - before.get(pid, 0.0)
                    print(f"  {kind} {pid}: {1000 * used / max(figure.requests, 1):.2f} ms CPU "
                          "per request")
                print("py-spy, share of the request threads' samples (inclusive):")
                web = [folder / f"spy-{pid}.txt" for pid, command in kids
                       if "--parent-pid" not in command]
                for line in _shares([f for f in web if f.exists()], args.top):
                    print("  " + line)
                samples = waits.pop("samples", 0)
                if samples:
                    print("PostgreSQL backends (average number) by state, wait, statement:")
                    for key, count in waits.most_common(15):
                        print(f"  {count / samples:5.2f}  {key}")
                print(f"raw profiles in {folder}")

    if args.backend == "sqlite":
        run(f"sqlite:///{folder / 'eventdesk.sqlite'}")
    else:
        with processes.postgres("eventdesk_bench_load") as urls:
            run(urls["eventdesk_bench_load"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
