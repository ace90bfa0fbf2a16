"""The other benchmark scripts (ticket mail, export, invitations), folded into one run.

Each prints its own table of medians against its own reference and exits 1
when its figures miss their targets; the mail benchmark also exits 1 when a
mail went missing or was sent twice, which is a correctness failure here.
"""

import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks.processes import ROOT

EXTRAS = [
    # (title, module, a non-zero exit means a correctness failure)
    ("Ticket mail rendering and outbox delivery", "benchmarks.bench_mail", True),
    ("CSV export of 100,000 attendees and the attendee list", "benchmarks.bench_export", False),
    ("Invitations", "benchmarks.bench_invitations", False),
]


@dataclass
class Extra:
    title: str
    module: str
    output: str
    returncode: int
    seconds: float
    correctness: bool


def run_extras(*, backend_args: list[str] | None = None, timeout: float = 600) -> list[Extra]:
    """Run each extra benchmark in its own process; keep what it printed."""
    done = []
    for title, module, correctness in EXTRAS:
        print(f"== {title} ({module})", flush=True)
        started = time.monotonic()
        try:
            completed = subprocess.run(
                [sys.executable, "-m", module, *(backend_args or [])], cwd=ROOT,
                capture_output=True, text=True, timeout=timeout,
            )
            output, code = completed.stdout.strip(), completed.returncode
            if code and completed.stderr:
                output += "\n" + completed.stderr.strip()[-2000:]
        except subprocess.TimeoutExpired:
            output, code = f"timed out after {timeout:.0f} s", -1
        done.append(Extra(title, module, output, code, time.monotonic() - started, correctness))
        print(output, flush=True)
    return done
