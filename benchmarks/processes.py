"""Start and stop what a benchmark needs: gunicorn servers and a throwaway PostgreSQL."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, *, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers; fail early when ``process`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started (gunicorn shuts down on SIGTERM)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve(command: list[str], *, env: dict, probe_path: str, log: Path) -> Iterator[str]:
    """Run a server command on a free loopback port; yield its base URL."""
    port = free_port()
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        SERVED[base] = process.pid
        try:
            wait_until_up(base + probe_path, process=process)
            yield base
        finally:
            SERVED.pop(base, None)
            stop(process)


# The process id behind each base URL being served.
SERVED: dict[str, int] = {}


def tree_cpu_seconds(base: str) -> float:
    """Return the CPU seconds used so far by the server at ``base`` and its live children.

    That is the gunicorn master, its workers, and for eventdesk the mail worker:
    every process the served app runs on this machine.
    """
    root = SERVED.get(base)
    if root is None:
        return 0.0
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # Fields after the name: state, ppid, ..., utime (12th), stime (13th).
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree, total = {root}, 0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    total = sum(stats[pid][1] for pid in tree if pid in stats)
    return total / os.sysconf("SC_CLK_TCK")


def eventdesk_command(workers: int) -> list[str]:
    """Return the command that serves eventdesk under gunicorn."""
    return [sys.executable, "-c", "from eventdesk.cli import main; main()", "serve",
            "--workers", str(workers)]


def reference_command(database_url: str, *options: str) -> list[str]:
    """Return the command that serves the bare reference app (its own best way by default)."""
    return [sys.executable, "-m", "benchmarks.reference_app", "--database-url", database_url,
            *options]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, or no ``postgres`` user to run them."""


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise PostgresUnavailable(f"{name} not found")


@contextmanager
def postgres_databases(server_url: str, *databases: str) -> Iterator[dict[str, str]]:
    """Create fresh ``databases`` on a running server; yield a URL per database, then drop them.

    ``server_url`` is a SQLAlchemy URL without a database name, e.g.
    ``postgresql+psycopg://postgres@127.0.0.1:55432``. Each database skips the
    flush per commit (synchronous_commit=off), like SQLite's WAL with
    synchronous=NORMAL, for both apps alike.
    """
    import psycopg

    base = server_url.rstrip("/")
    plain = base.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        connection = psycopg.connect(f"{plain}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise PostgresUnavailable(str(error).strip()) from None
    with connection:
        for name in databases:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
            connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield {name: f"{base}/{name}" for name in databases}
    finally:
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as connection:
            for name in databases:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres(*databases: str) -> Iterator[dict[str, str]]:
    """Yield a URL per database: on EVENTDESK_BENCH_POSTGRES's server, else a private one."""
    server = os.environ.get("EVENTDESK_BENCH_POSTGRES")
    if server:
        with postgres_databases(server, *databases) as urls:
            yield urls
    else:
        with throwaway_postgres(*databases) as urls:
            yield urls


@contextmanager
def throwaway_postgres(*databases: str) -> Iterator[dict[str, str]]:
    """Start a private PostgreSQL on a free loopback port; yield a URL per database."""
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        # The server refuses to run as root.
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root without runuser")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="eventdesk-bench-pg."))
    data = folder / "data"
    if as_postgres:
        shutil.chown(folder, "postgres")
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    subprocess.run([*as_postgres, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, **quiet)
    # synchronous_commit=off matches SQLite's WAL with synchronous=NORMAL: both
    # skip the flush per commit; both apps get the same server.
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
               "-c synchronous_commit=off")
    subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"),
                    "-o", options, "-w", "start"], check=True, **quiet)
    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                             autocommit=True) as connection:
            for name in databases:
                connection.execute(f'CREATE DATABASE "{name}"')
        yield {name: f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"
               for name in databases}
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                       **quiet)
        shutil.rmtree(folder, ignore_errors=True)
