"""The results table, on the terminal and in RESULTS.md, with the machine described."""

import contextlib
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.load import WRK
from benchmarks.suite import Check, Row

HEADER = ("| backend | figure | rate/s | p50 ms | p95 ms | p99 ms | errors "
          "| reference | ref rate/s | ratio | target | CPU ms/req | ref CPU ms/req | CPU ratio |")


def _cell(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def table(rows: list[Row]) -> str:
    """Return the figures as a Markdown table."""
    lines = [HEADER, HEADER_RULE]
    for row in rows:
        f, ref = row.figure, row.reference
        verdicts = []
        if row.target is not None and row.ratio is not None:
            verdicts.append(f"≥ {row.target:g} " + ("ok" if row.ratio >= row.target else "BELOW"))
        if row.p99_target_ms is not None:
            verdicts.append(f"p99 < {row.p99_target_ms:g} "
                            + ("ok" if f.p99_ms < row.p99_target_ms else "ABOVE"))
        verdict = "; ".join(verdicts)
        lines.append(
            f"| {row.backend} | {row.name} | {f.rate:.0f} | {f.p50_ms:.1f} | {f.p95_ms:.1f} "
            f"| {f.p99_ms:.1f} | {f.errors} | {row.reference_name} "
            f"| {_cell(ref.rate if ref else None, 0)} | {_cell(row.ratio, 2)} | {verdict} "
            f"| {_cell(f.cpu_ms, 2)} | {_cell(ref.cpu_ms if ref else None, 2)} "
            f"| {_cell(row.cpu_ratio, 2)} |"
        )
    return "\n".join(lines)


HEADER_RULE = "|---|---|--:|--:|--:|--:|--:|---|--:|--:|---|--:|--:|--:|"


def checks_table(checks: list[Check]) -> str:
    """Return the correctness checks as a Markdown table."""
    lines = ["| backend | check | result | detail |", "|---|---|---|---|"]
    for check in checks:
        lines.append(f"| {check.backend} | {check.name} | {'pass' if check.passed else 'FAIL'} "
                     f"| {check.detail} |")
    return "\n".join(lines)


def machine() -> str:
    """Describe the machine the figures come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    postgres = "not run"
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        postgres = subprocess.run(["postgres", "--version"], capture_output=True, text=True,
                                  check=True).stdout.strip()
    wrk = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout
    return (f"{os.cpu_count()} cores ({cpu}){memory}; {platform.platform()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
            f"{postgres}; {wrk.splitlines()[0] if wrk else 'wrk'}")


# RESULTS.md from this line on is written by hand (findings, other benchmarks'
# figures) and kept as it is when a run rewrites the part above it.
KEPT = "<!-- Written by hand below this line; python -m benchmarks keeps it. -->"


def configurations(settings) -> str:
    """Describe how each side is served, from the code that serves it."""
    from benchmarks import reference_app
    from eventdesk.server import gunicorn_options

    ours = gunicorn_options(host="127.0.0.1", port=0, workers=settings.workers)
    threads = ours.get("threads", 1)
    ref_threads = (f" with {reference_app.DEFAULT_THREADS} threads"
                   if reference_app.DEFAULT_WORKER_CLASS == "gthread" else "")
    return (
        f"eventdesk as `eventdesk serve --workers {settings.workers}` ships it: gunicorn, "
        f"{ours['workers']} {ours['worker_class']} workers"
        + (f" with {threads} threads" if ours["worker_class"] == "gthread" else "")
        + ", access log on, and its mail worker beside them sending every queued mail to an "
        "SMTP sink on loopback throughout; SQLite as `eventdesk/sqlite_tuning.py` sets it up "
        "(WAL, synchronous=NORMAL, BEGIN IMMEDIATE, the writers' turn). The reference "
        f"(`benchmarks/reference_app.py`) in its own fastest configuration "
        f"(`python -m benchmarks.yardstick`): gunicorn, {reference_app.DEFAULT_WORKERS} "
        f"{reference_app.DEFAULT_WORKER_CLASS} workers{ref_threads}, no access log, SQLite "
        f"journal {reference_app.DEFAULT_JOURNAL.upper()}"
        + (" with synchronous=NORMAL" if reference_app.DEFAULT_JOURNAL == "wal" else "")
        + ", template compiled once."
    )


def write_results(path: Path, rows: list[Row], checks: list[Check], *, settings,
                  notes: list[str], extras=()) -> None:
    """Write RESULTS.md with the table, the checks and the conditions of the run."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    kept = ""
    if path.exists():
        previous = path.read_text()
        if KEPT in previous:
            kept = previous[previous.index(KEPT):]
    text = f"""# Benchmark results

Last run: {when}, with `python -m benchmarks`.

Machine: {machine()}.

Conditions: {configurations(settings)} Both on 127.0.0.1; `wrk` with
{settings.connections} connections and 2 threads, {settings.warmup:g} s warm-up, then
{settings.seconds:g} s per figure in {settings.slices} slices alternating with the
reference's (latency percentiles: median over the slices); PostgreSQL databases with
synchronous_commit=off, like SQLite's synchronous=NORMAL. The machine is shared, so absolute
figures are noisy: compare the ratios, measured against the reference in the same run,
seconds apart. "CPU ms/req" is the CPU time all of a server's processes used during its
slices (gunicorn master and workers; for eventdesk also the mail worker, which sends the
registrations' mail during that figure) per request; "CPU ratio" (the reference's CPU
per request over eventdesk's) is what the ratio would be with both alone and CPU-bound,
and moves less with the machine's other load than the rates do.

{table(rows)}

## Correctness checks

{checks_table(checks)}
"""
    for extra in extras:
        text += (f"\n## {extra.title}\n\n`python -m {extra.module}` ({extra.seconds:.0f} s, "
                 f"exit {extra.returncode}):\n\n```\n{extra.output}\n```\n")
    text += "\nProfile findings and what each change gained: [PROFILE.md](PROFILE.md).\n"
    if notes:
        text += "\n## Notes\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"
    path.write_text(text + ("\n" + kept if kept else ""))
