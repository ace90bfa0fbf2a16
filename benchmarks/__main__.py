"""Run every benchmark, print one table, keep it in RESULTS.md; exit 1 if a check fails."""

import argparse
import shutil
import sys
from pathlib import Path

from benchmarks import extras, processes, report, suite

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the benchmarks on SQLite and PostgreSQL and report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip the mail, export and invitation benchmarks")
    args = parser.parse_args()
    settings = suite.Settings(seconds=args.seconds, connections=args.connections,
                              workers=args.workers)
    folder = suite.temp_folder()
    rows: list[suite.Row] = []
    checks: list[suite.Check] = []
    notes: list[str] = []
    try:
        if args.backend in ("sqlite", "both"):
            eventdesk_url, reference_url = suite.sqlite_urls(folder)
            done = suite.run_backend("SQLite", eventdesk_url, reference_url, settings, folder)
            rows += done.rows
            checks += done.checks
        if args.backend in ("postgresql", "both"):
            try:
                with processes.postgres("eventdesk_bench", "eventdesk_bench_ref") as urls:
                    done = suite.run_backend("PostgreSQL", urls["eventdesk_bench"],
                                             urls["eventdesk_bench_ref"], settings, folder)
                    rows += done.rows
                    checks += done.checks
            except processes.PostgresUnavailable as error:
                message = f"PostgreSQL skipped: {error} (install the PostgreSQL server)."
                print(message, file=sys.stderr)
                notes.append(message)
        more = [] if args.no_extras else extras.run_extras()
    except BaseException:
        print(f"Server logs kept in {folder}", file=sys.stderr)
        raise
    for extra in more:
        if extra.correctness:
            checks.append(suite.Check("-", f"{extra.title}: nothing lost or doubled",
                                      extra.returncode == 0, f"exit {extra.returncode}"))
        elif extra.returncode:
            notes.append(f"{extra.title}: below its own targets (exit {extra.returncode}).")
    print()
    print(report.table(rows))
    print()
    print(report.checks_table(checks))
    failed = [check for check in checks if not check.passed]
    if not args.no_write:
        report.write_results(HERE / "RESULTS.md", rows, checks, settings=settings, notes=notes,
                             extras=more)
    if failed:
        print(f"\n{len(failed)} correctness check(s) FAILED; server logs in {folder}",
              file=sys.stderr)
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
