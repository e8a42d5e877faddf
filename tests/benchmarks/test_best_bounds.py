"""Best-known bounds (`benchmarks.best_bounds`): how a recorded bound enters the runner's rows,
when it is ignored, and the command end to end on a small scenario."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from offduty.benchmarks.best_bounds import best_columns, best_for, digest, key, merged

ROOT = Path(__file__).resolve().parents[2]


def _row(objective: list[float], bound: list[float | None], lp: list[float | None] | None = None) -> dict:
    """A runner row with what `best_columns` reads."""
    return {"status": "feasible", "objective": objective, "bound": bound, "lp_bound": lp}


def test_best_bound_is_the_largest_known_per_tier_and_the_gap_is_to_it() -> None:
    row = _row([131, 188_400], [131, 187_439], [131, 187_493])
    best_columns(row, [131, 187_900])
    assert row["best_bound"] == [131, 187_900]
    assert abs(row["best_gap"] - 500 / 188_400) < 1e-12
    stronger_own = _row([0, 100], [0, 99], None)
    best_columns(stronger_own, [0, 90])
    assert stronger_own["best_bound"] == [0, 99] and stronger_own["status"] == "feasible"


def test_without_a_record_the_best_bound_is_the_runs_own() -> None:
    row = _row([0, 100], [0, 95], [0, 97])
    best_columns(row, None)
    assert row["best_bound"] == [0, 97]
    unbounded = _row([0, 100], [0, None], None)
    best_columns(unbounded, None)
    assert unbounded["best_gap"] is None


def test_a_roster_below_a_recorded_bound_is_flagged() -> None:
    """Such a bound is wrong (proven on other rules, say): the row must not hide it."""
    row = _row([0, 100], [0, 95])
    best_columns(row, [0, 101])
    assert row["status"] == "feasible: below the recorded bound"


def test_a_record_is_used_only_for_the_instance_it_was_proven_on(tmp_path: Path) -> None:
    instance = tmp_path / "i.json"
    instance.write_text('{"name": "a"}')
    best = {key("s", 1, "seniority"): {"digest": digest(instance), "bound": [0, 7]}}
    assert best_for(best, "s", 1, "seniority", instance) == [0, 7]
    assert best_for(best, "s", 2, "seniority", instance) is None
    instance.write_text('{"name": "b"}')
    assert best_for(best, "s", 1, "seniority", instance) is None


def test_a_recorded_bound_never_falls_back_to_a_weaker_runs() -> None:
    old = {"digest": "d", "bound": [0, 10], "command": "old"}
    assert merged(old, {"digest": "d", "bound": [0, 9], "command": "new"}) is old
    assert merged(old, {"digest": "d", "bound": [0, 11], "command": "new"})["command"] == "new"
    assert merged(old, {"digest": "e", "bound": [0, 5], "command": "new"})["command"] == "new"


def test_best_bound_command_records_a_bound_no_roster_beats(tmp_path: Path) -> None:
    """The royals homestand (several day windows): the recorded bound is at most the roster the
    proof run found, and carries the digest and the command that gives it."""
    out = tmp_path / "best.json"
    proc = subprocess.run([sys.executable, "-m", "offduty.benchmarks", "best-bound", "--scenarios",
                           "royals-homestand", "--bound-seconds", "2", "--time-limit", "60",
                           "--file", str(out), "--cache-dir", str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads(out.read_text())[key("royals-homestand", 1, "seniority")]
    assert len(record["digest"]) == 16 and "best-bound --scenarios royals-homestand" in record["command"]
    assert all(b is not None and b <= o for b, o in zip(record["bound"], record["objective"], strict=True))
