"""Find the reference app's own fastest configuration: ``python -m benchmarks.yardstick``.

Every configuration below is served at once (each on a database of its own),
then measured in short interleaved rounds, so that the load others put on a
shared machine falls on all of them alike. Prints a table of rates per figure
(the sum over the rounds); the best all-round configuration becomes the
defaults in ``benchmarks/reference_app.py``.
"""

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from benchmarks import load, processes

# (name, reference_app options); the SQLite journal option only matters on SQLite.
CONFIGURATIONS = [
    ("sync 2 workers", ["--worker-class", "sync", "--workers", "2"]),
    ("sync 3 workers", ["--worker-class", "sync", "--workers", "3"]),
    ("sync 4 workers", ["--worker-class", "sync", "--workers", "4"]),
    ("gthread 2 x 4 threads", ["--worker-class", "gthread", "--workers", "2", "--threads", "4"]),
    ("gthread 4 x 2 threads", ["--worker-class", "gthread", "--workers", "4", "--threads", "2"]),
]
SQLITE_ONLY = [
    ("sync 2 workers, rollback journal", ["--worker-class", "sync", "--workers", "2",
                                          "--journal", "delete"]),
    ("sync 4 workers, rollback journal", ["--worker-class", "sync", "--workers", "4",
                                          "--journal", "delete"]),
]

INSERT = load.post_script(
    "/items", headers={"Content-Type": "application/x-www-form-urlencoded"},
    bodies_lua='"name=Guest+" .. n .. "&email=g" .. tid .. "-" .. n .. "%40example.org"')
HIT = ("local k = 0\nfunction request()\n  k = k + 1\n"
       '  return wrk.format("POST", "/items/" .. (k % 100 + 1) .. "/hit")\nend\n')
FIGURES = [("bare GET", "/items/1", ""), ("bare insert", "/items", INSERT),
           ("bare update", "/items/1/hit", HIT)]


def measure(backend: str, urls: list[str], configurations, *, rounds: int, seconds: int,
            connections: int, folder: Path) -> dict[str, dict[str, load.Figure]]:
    """Serve every configuration, then measure each figure in interleaved rounds."""
    results: dict[str, dict[str, list[load.Figure]]] = {}
    with ExitStack() as stack:
        bases = []
        for (_name, options), url in zip(configurations, urls, strict=True):
            log = folder / f"yardstick-{backend}-{len(bases)}.log"
            bases.append(stack.enter_context(processes.serve(
                processes.reference_command(url, *options), env={}, probe_path="/items/1",
                log=log)))
        for _, path, script in FIGURES:
            for base in bases:  # warm-up
                load.run_wrk(base + path, script=script, seconds=1, connections=connections)
        # Round after round of every figure, so that a noisy minute falls on every
        # figure and configuration alike.
        for round_number in range(rounds):
            for figure, path, script in FIGURES:
                order = list(zip(configurations, bases, strict=True))
                if round_number % 2:
                    order.reverse()
                for (name, _), base in order:
                    done = load.run_wrk(base + path, script=script, seconds=seconds,
                                        connections=connections)
                    results.setdefault(name, {}).setdefault(figure, []).append(done)
            print(f"   {backend} round {round_number + 1}: " + "; ".join(
                f"{name} " + "/".join(f"{_rate(results[name][f]):.0f}" for f, _, _ in FIGURES)
                for name, _ in configurations), flush=True)
    return {name: {figure: _total(parts) for figure, parts in by_figure.items()}
            for name, by_figure in results.items()}


def _rate(parts: list[load.Figure]) -> float:
    return _total(parts).rate


def _total(parts: list[load.Figure]) -> load.Figure:
    ordered = sorted(p.p99_ms for p in parts)
    return load.Figure(requests=sum(p.requests for p in parts),
                       seconds=sum(p.seconds for p in parts),
                       errors=sum(p.errors for p in parts),
                       p50_ms=sorted(p.p50_ms for p in parts)[len(parts) // 2],
                       p95_ms=sorted(p.p95_ms for p in parts)[len(parts) // 2],
                       p99_ms=ordered[len(parts) // 2])


def table(backend: str, results: dict[str, dict[str, load.Figure]]) -> str:
    """Return one backend's configurations as a Markdown table, best all-round first."""
    def score(name: str) -> float:
        # Geometric mean of the three rates relative to the best of each.
        product = 1.0
        for figure, _, _ in FIGURES:
            best = max(r[figure].rate for r in results.values()) or 1.0
            product *= results[name][figure].rate / best
        return product ** (1 / len(FIGURES))

    lines = [f"| {backend} configuration | GET/s | insert/s | update/s | "
             "p99 GET / insert / update ms | errors | all-round |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for name in sorted(results, key=score, reverse=True):
        r = results[name]
        lines.append(
            f"| {name} | " + " | ".join(f"{r[f].rate:.0f}" for f, _, _ in FIGURES)
            + " | " + " / ".join(f"{r[f].p99_ms:.0f}" for f, _, _ in FIGURES)
            + f" | {sum(r[f].errors for f, _, _ in FIGURES)} | {score(name):.2f} |")
    return "\n".join(lines)


def main() -> int:
    """Try the reference app's configurations on SQLite and PostgreSQL."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.yardstick", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=2, help="per configuration and round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="eventdesk-yardstick."))
    tables = []
    common = dict(rounds=args.rounds, seconds=args.seconds, connections=args.connections,
                  folder=folder)
    if args.backend in ("sqlite", "both"):
        configurations = CONFIGURATIONS + SQLITE_ONLY
        urls = [f"sqlite:///{folder / f'ref-{n}.sqlite'}" for n in range(len(configurations))]
        tables.append(table("SQLite", measure("SQLite", urls, configurations, **common)))
    if args.backend in ("postgresql", "both"):
        names = [f"eventdesk_bench_yard{n}" for n in range(len(CONFIGURATIONS))]
        with processes.postgres(*names) as urls:
            tables.append(table("PostgreSQL", measure(
                "PostgreSQL", [urls[n] for n in names], CONFIGURATIONS, **common)))
    print()
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
