"""Bounded load: ``wrk`` for fixed-duration figures, a Python client for counted rushes."""

import http.client
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"

# Every script reports in one parseable line; latencies are in microseconds.
_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Figure:
    """Throughput and latency of one bounded load run."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    notes: list[str] = field(default_factory=list)
    # CPU seconds the server's processes used meanwhile (0 when not measured).
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Return successful requests per second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float | None:
        """Return the server's CPU milliseconds per request, when measured."""
        if not self.cpu_seconds or not self.requests:
            return None
        return 1000 * self.cpu_seconds / self.requests


def lua_string(value: str) -> str:
    """Quote ``value`` as a Lua string literal."""
    return json.dumps(value)  # JSON escapes are valid Lua escapes for these ASCII values


def run_wrk(url: str, *, script: str = "", seconds: float, connections: int = 8,
            threads: int = 2) -> Figure:
    """Load ``url`` for ``seconds`` with wrk and a Lua ``script`` (request/setup hooks).

    When ``url`` is on a server ``processes.serve`` started, the figure also
    says how much CPU that server's processes used meanwhile.
    """
    from benchmarks import processes

    base = next((b for b in processes.SERVED if url.startswith(b)), "")
    cpu_before = processes.tree_cpu_seconds(base) if base else 0.0
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: `make benchmark` installs it (apt-get install wrk).")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + _DONE)
    try:
        completed = subprocess.run(
            [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--timeout", "10s", "-s", lua.name, url],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        )
    finally:
        Path(lua.name).unlink()
    match = re.search(r"^RESULT (\{.*\})$", completed.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(match.group(1))
    return Figure(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"] + data["status_errors"],
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        cpu_seconds=processes.tree_cpu_seconds(base) - cpu_before if base else 0.0,
    )


def post_script(path: str, *, headers: dict[str, str], bodies_lua: str,
                header_rotation: list[dict[str, str]] | None = None,
                headers_lua: dict[str, str] | None = None) -> str:
    """Return a wrk script that POSTs to ``path``.

    ``bodies_lua`` is a Lua expression for the body, seeing ``n`` (this thread's
    request number), ``tid`` (the thread number) and ``h`` (the rotated headers);
    ``headers_lua`` maps header names to Lua expressions that see the same.
    """
    rotation = header_rotation or [{}]
    table = ",\n".join(
        "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in item.items()) + "}"
        for item in rotation
    )
    fixed = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    per_request = "".join(
        f"  headers[{lua_string(k)}] = {v}\n" for k, v in (headers_lua or {}).items()
    )
    return f"""
local rotation = {{ {table} }}
local counter = 1
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local n = 0
function request()
  n = n + 1
  local h = rotation[(n + tid * 7919) % #rotation + 1]
  local headers = {{ {fixed} }}
  for k, v in pairs(h) do
    if string.sub(k, 1, 1) ~= "_" then headers[k] = v end
  end
{per_request}  return wrk.format("POST", {lua_string(path)}, headers, {bodies_lua})
end
"""


def form_session(base: str, path: str, *, count: int) -> list[dict[str, str]]:
    """GET a form page ``count`` times; return the cookie and CSRF token of each session."""
    pairs = []
    for _ in range(count):
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page)
        # The moment the registration form was handed out, which it wants back.
        stamp = re.search(r'name="form_issued" value="([^"]+)"', page)
        connection.close()
        if response.status != 200 or match is None or not cookie:
            raise RuntimeError(f"no form session from {base}{path}: HTTP {response.status}")
        pairs.append({"Cookie": cookie, "_token": urllib.parse.quote(match.group(1), safe=""),
                      "_stamp": urllib.parse.quote(stamp.group(1) if stamp else "", safe="")})
    return pairs


# The bot defences hold a registration for a confirmation by mail when its
# form comes back sooner than a person fills one in (3 s by default): a load
# generator that fetched its forms a moment ago waits that long first, as
# the guests it plays would.
FORM_FILL_SECONDS = 3.5


def guest_address(number: int) -> str:
    """Return a distinct client address for guest ``number``, sent as X-Forwarded-For.

    The defences also count registrations per client address; a load
    generator is one address playing thousands of guests, so the server is
    run with EVENTDESK_PROXIES=1 and told each guest's own address.
    """
    return f"10.{number // 62500 % 250}.{number // 250 % 250}.{number % 250 + 1}"


@dataclass
class RushResult:
    """What a counted rush of requests returned, in the order they were sent."""

    statuses: list[int]
    latencies: list[float]
    seconds: float

    def percentile(self, q: float) -> float:
        """Return the ``q``-th latency percentile in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000


def rush(bases: list[str], path: str, bodies: list[str], *, sessions: list[tuple[str, str]],
         concurrency: int, time_limit: float) -> RushResult:
    """POST each body once, ``concurrency`` at a time, spread over ``bases``; stop at the limit.

    ``sessions`` are (base, cookie) pairs the bodies' CSRF tokens belong to;
    body ``i`` goes to ``sessions[i % len(sessions)]``, from ``guest_address(i)``.
    """
    statuses = [0] * len(bodies)
    latencies = [0.0] * len(bodies)
    next_index = iter(range(len(bodies)))
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def client() -> None:
        connections: dict[str, http.client.HTTPConnection] = {}
        while time.monotonic() < deadline:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            base, cookie = sessions[index % len(sessions)]
            if base not in connections:
                host = urllib.parse.urlsplit(base).netloc
                connections[base] = http.client.HTTPConnection(host, timeout=30)
            connection = connections[base]
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=bodies[index], headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                    "X-Forwarded-For": guest_address(index)})
                response = connection.getresponse()
                response.read()
                statuses[index] = response.status
            except (OSError, http.client.HTTPException):
                statuses[index] = -1
                connection.close()
                del connections[base]
            latencies[index] = time.perf_counter() - started
        for connection in connections.values():
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(concurrency)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return RushResult(statuses, latencies, time.perf_counter() - started)
