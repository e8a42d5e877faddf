"""compare(), write() and diff() on a small instance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from offduty.service.reports.comparison import write_comparison as write
from offduty.service.usecases.comparison import COLUMNS, ComparisonReport, compare, diff
from offduty.solver.params import EngineParams, SolveParams
from tests.distribution.helpers import distinguishing_instance

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STRATEGIES = ["seniority", "first_come", "hours"]


@pytest.fixture(scope="module")
def report() -> ComparisonReport:
    params = SolveParams(time_limit=10, engine=EngineParams(seed=0))
    return compare(distinguishing_instance(), STRATEGIES, params)


def test_compare_table_has_one_row_per_strategy_and_method(report: ComparisonReport) -> None:
    table = report.table
    assert list(table.columns) == COLUMNS
    assert sorted(zip(table.strategy, table.method, strict=True)) == sorted(
        (s, m) for s in STRATEGIES for m in ("optimizer", "greedy"))
    optimizer = table[table.method == "optimizer"]
    assert set(optimizer.status) == {"optimal"}
    assert (table.filled == 1).all() and (table.required == 1).all()
    row = table[(table.strategy == "seniority") & (table.method == "optimizer")].iloc[0]
    assert row.seniority_inversions == 0 and row.fcfs_inversions > 0


def test_write_produces_the_files(report: ComparisonReport, tmp_path: Path) -> None:
    paths = write(report, tmp_path / "out")
    assert {p.name for p in paths.values()} == {"comparison.csv", "comparison.md",
                                                "hours_distribution.png", "lorenz.png"}
    for path in paths.values():
        assert path.exists() and path.stat().st_size > 0
    for name in ("hours_distribution.png", "lorenz.png"):
        assert paths[name].read_bytes()[:8] == PNG_MAGIC
    csv = pd.read_csv(paths["comparison.csv"])
    assert len(csv) == 2 * len(STRATEGIES)
    assert set(zip(csv.strategy, csv.method, strict=True)) == {
        (s, m) for s in STRATEGIES for m in ("optimizer", "greedy")}
    md = paths["comparison.md"].read_text()
    assert md.count("\n| ") == 1 + 2 * len(STRATEGIES)


def test_diff_lists_gains_and_losses(report: ComparisonReport) -> None:
    d = diff(report, "seniority", "hours")
    assert list(d.columns) == ["member", "ytd", "seniority", "hours", "change"]
    assert d.member.tolist() == ["C", "A"]  # C gains the 4 hours A loses
    assert d.change.tolist() == [4.0, -4.0]
    same = diff(report, "hours", "hours:greedy")
    assert (same.change == 0).all()
    with pytest.raises(ValueError, match="is not compared"):
        diff(report, "rotation", "hours")


def test_compare_sequential_matches_and_rejects_unknown() -> None:
    seq = compare(distinguishing_instance(), ["rotation"], SolveParams(time_limit=10), parallel=False)
    assert len(seq.table) == 2
    assert seq.hours.columns.tolist() == ["rotation/optimizer", "rotation/greedy"]
    with pytest.raises(ValueError, match="unknown strategies"):
        compare(distinguishing_instance(), ["lottery"], SolveParams())
