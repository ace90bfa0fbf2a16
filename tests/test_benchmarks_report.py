"""The benchmark's RESULTS.md: a run rewrites its figures and keeps what was written by hand."""

from benchmarks import report, suite
from benchmarks.load import Figure


def _row(p99_ms: float) -> suite.Row:
    figure = Figure(requests=300, seconds=1.0, errors=0, p50_ms=10, p95_ms=20, p99_ms=p99_ms,
                    cpu_seconds=0.9)
    reference = Figure(requests=900, seconds=1.0, errors=0, p50_ms=5, p95_ms=8, p99_ms=9,
                       cpu_seconds=0.9)
    return suite.Row("SQLite", "registration POST", figure, "bare insert", reference, 0.5)


def test_a_run_keeps_the_hand_written_part(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# old figures\n\n| stale | table |\n\n" + report.KEPT
                       + "\n\n## Where the time goes\n\nWritten by hand.\n")

    report.write_results(results, [_row(150.0)], [], settings=suite.Settings(), notes=[])

    text = results.read_text()
    assert "stale" not in text
    assert "| SQLite | registration POST | 300 |" in text
    assert text.index("| SQLite | registration POST") < text.index(report.KEPT)
    assert text.endswith(report.KEPT + "\n\n## Where the time goes\n\nWritten by hand.\n")


def test_each_figure_is_judged_by_ratio_and_p99():
    slow, quick = report.table([_row(150.0)]), report.table([_row(40.0)])

    assert "≥ 0.5 BELOW; p99 < 100 ABOVE" in slow
    assert "p99 < 100 ok" in quick
    # CPU per request of both sides, and the reference's over eventdesk's.
    assert "| 3.00 | 1.00 | 0.33 |" in quick
