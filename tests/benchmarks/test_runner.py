"""The benchmark runner end to end (`--quick`), the HiGHS child process, and the model export.

No timing assertions: the numbers depend on the machine. What must hold anywhere: the JSON has
exactly the documented keys, one row per (scenario, peer, strategy), filled <= required, offduty
never fills less than the greedy list, and when offduty and HiGHS both prove a tier optimal they
agree on its value (they solve the same MILP).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from offduty.benchmarks.common import ROW_KEYS
from offduty.benchmarks.runner import QUICK_SCENARIOS, aggregate, markdown_tables, offduty_at, status_text

ROOT = Path(__file__).resolve().parents[2]
HAS_HIGHS = importlib.util.find_spec("highspy") is not None


def _python(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Path, str]:
    out = tmp_path_factory.mktemp("bench") / "tmp" / "bench.json"
    proc = _python("-m", "offduty.benchmarks", "run", "--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    rows = json.loads(out.read_text())
    return rows, out, proc.stdout


def test_quick_rows_have_exactly_the_documented_keys(quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    rows, _, _ = quick
    assert isinstance(rows, list) and rows
    for row in rows:
        assert list(row) == list(ROW_KEYS)
        assert row["status"] != "error", row
        assert isinstance(row["objective"], list) and isinstance(row["bound"], list)


def test_quick_has_one_row_per_scenario_peer_strategy(quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    rows, _, _ = quick
    keys = [(r["scenario"], r["peer"], r["strategy"]) for r in rows]
    assert len(keys) == len(set(keys))
    peers = {"greedy", "offduty", *({"highs"} if HAS_HIGHS else set())}
    assert set(keys) == {(s, p, "seniority") for s in QUICK_SCENARIOS for p in peers}


def test_quick_filled_is_sane_and_offduty_never_below_greedy(
        quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    rows, _, _ = quick
    by = {(r["scenario"], r["peer"]): r for r in rows}
    for row in rows:
        assert row["required"] is not None and 0 <= row["filled"] <= row["required"], row
    for scenario in QUICK_SCENARIOS:
        assert by[(scenario, "offduty")]["filled"] >= by[(scenario, "greedy")]["filled"]


def test_quick_rosters_pass_the_verifier_and_lp_bounds_hold(
        quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    """Every peer's roster is checked by the independent verifier; offduty's LP bound (GLOP) of
    each tier never exceeds the roster's value on it."""
    rows, _, _ = quick
    for row in rows:
        if row["peer"] in ("offduty", "greedy"):
            assert row["verified"] is True, row
        if row["peer"] == "offduty":
            assert len(row["lp_bound"]) == len(row["objective"]), row
            for objective, lp in zip(row["objective"], row["lp_bound"], strict=True):
                assert lp is not None and lp <= objective + 1e-6, row


def test_quick_peers_agree_on_proven_tiers(quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    rows, _, _ = quick
    if not HAS_HIGHS:
        pytest.skip("highspy is not installed")
    by = {(r["scenario"], r["peer"]): r for r in rows}
    for scenario in QUICK_SCENARIOS:
        a, b = by[(scenario, "offduty")], by[(scenario, "highs")]
        if a["status"] == b["status"] == "optimal":
            assert a["objective"] == b["objective"], (scenario, a, b)


def test_quick_prints_tables_and_appends_history(quick: tuple[list[dict[str, Any]], Path, str]) -> None:
    _, out, stdout = quick
    for scenario in QUICK_SCENARIOS:
        assert scenario in stdout
    assert "offduty/peer" in stdout
    lines = (out.parent / "bench-history.jsonl").read_text().splitlines()
    entry = json.loads(lines[-1])
    assert {"timestamp", "commit", "settings", "rows", "runs"} <= set(entry)
    assert entry["settings"]["quick"] is True


@pytest.mark.skipif(not HAS_HIGHS, reason="highspy is not installed (pip install -e '.[bench]')")
def test_highs_child_process_solves_the_exported_model(tmp_path: Path) -> None:
    from offduty.benchmarks.instances import instance_path

    instance = instance_path("chiefs-game", 1)
    npz, exported, solved = tmp_path / "m.npz", tmp_path / "export.json", tmp_path / "highs.json"
    proc = _python("-m", "offduty.benchmarks.worker", "export", "--instance", str(instance), "--scenario",
                   "chiefs-game", "--npz", str(npz), "--out", str(exported))
    assert proc.returncode == 0, proc.stderr
    proc = _python("-m", "offduty.benchmarks.highs_peer", "--npz", str(npz), "--time-limit", "20",
                   "--out", str(solved))
    assert proc.returncode == 0, proc.stderr
    export, result = json.loads(exported.read_text()), json.loads(solved.read_text())
    assert result["peer"] == "highs" and result["scenario"] == "chiefs-game"
    assert result["status"] in ("optimal", "feasible")
    assert [t["name"] for t in result["tiers"]] == ["coverage", "seniority"]
    assert 0 < result["filled"] <= result["required"]
    # build = offduty's builder + HiGHS passModel
    extra = result["extra"]
    assert extra["offduty_build_s"] == export["build_s"]
    assert result["build_s"] == pytest.approx(extra["offduty_build_s"] + extra["pass_model_s"], abs=2e-4)
    assert extra["pairs"] == export["pairs"] and result["peak_mb"] > 0


def test_proto_conversion_handles_negated_literals_and_bounds(tmp_path: Path) -> None:
    from ortools.sat import cp_model_pb2
    from ortools.sat.python import cp_model

    from offduty.benchmarks.milp import proto_to_arrays

    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add_at_most_one([x, ~y])  # x + (1 - y) <= 1
    model.add(2 * x + 3 * z >= 2)
    path = tmp_path / "tiny-model.pb"
    assert model.export_to_file(str(path))
    proto = cp_model_pb2.CpModelProto()
    proto.ParseFromString(path.read_bytes())
    col_lo, col_hi, row_lo, row_hi, start, index, value = proto_to_arrays(proto)
    assert col_lo.tolist() == [0, 0, 0] and col_hi.tolist() == [1, 1, 1]
    assert start.tolist() == [0, 2, 4]
    assert index[:2].tolist() == [0, 1] and value[:2].tolist() == [1, -1]
    assert row_lo[0] == -np.inf and row_hi[0] == 0  # x - y <= 0
    assert index[2:].tolist() == [0, 2] and value[2:].tolist() == [2, 3]
    assert row_lo[1] == 2 and row_hi[1] == np.inf


def test_aggregate_takes_medians_and_keeps_exact_keys() -> None:
    runs = [{"scenario": "s", "peer": "p", "strategy": "seniority", "build_s": b, "solve_s": 1.0,
             "total_s": t, "first_feasible_s": None, "status": st, "objective": [0, o],
             "bound": [0, o], "gap": 0.0, "filled": f, "required": 10, "peak_mb": 50.0}
            for b, t, st, o, f in [(0.1, 3.0, "optimal", 5, 9), (0.3, 1.0, "optimal", 7, 10),
                                   (0.2, 2.0, "feasible", 6, 10)]]
    row = aggregate(runs)
    assert list(row) == list(ROW_KEYS)
    assert row["build_s"] == 0.2 and row["total_s"] == 2.0 and row["first_feasible_s"] is None
    assert row["status"] == "optimal" and row["objective"] == [0, 6] and row["filled"] == 10


def test_offduty_at_reads_offdutys_trajectory_at_a_peers_time() -> None:
    """Tier 1 final at 0.1 s; tier 2's incumbents 900 at 0.2 s and 850 at 5 s."""
    offduty = {"extra": {"trajectory": [[0.1, 0, 3.0], [0.2, 1, 900.0], [5.0, 1, 850.0], [5.0, 1, 850.0]]}}
    assert offduty_at(offduty, 0.05) is None
    assert offduty_at(offduty, 0.15) == [3.0]
    assert offduty_at(offduty, 4.9) == [3.0, 900.0]
    assert offduty_at(offduty, 60.0) == [3.0, 850.0]
    assert offduty_at({"extra": {}}, 60.0) is None


def test_rows_keep_every_violation_code_and_show_them_in_the_status() -> None:
    runs = [{"scenario": "s", "peer": "timefold", "strategy": "seniority", "status": st, "objective": obj,
             "bound": [], "violations": v, "total_s": 60.0, "offduty_same_time": [0, 5]}
            for st, obj, v in [("invalid", [], {"C-OVERLAP": 2}), ("feasible", [0, 7], {}),
                               ("invalid", [], {"C-OVERLAP": 1, "C-REST": 1})]]
    row = aggregate(runs)
    assert list(row) == list(ROW_KEYS)
    assert row["status"] == "invalid" and row["violations"] == {"C-OVERLAP": 2, "C-REST": 1}
    assert status_text(row) == "invalid: C-OVERLAP ×2, C-REST ×1"
    assert row["offduty_same_time"] == [0, 5]
    assert "invalid: C-OVERLAP ×2, C-REST ×1" in markdown_tables([row])
    unchecked = aggregate([{**runs[1], "peer": "offduty", "violations": None, "offduty_same_time": None}])
    assert unchecked["violations"] is None and status_text(unchecked) == "feasible"


def test_runner_skips_timefold_with_a_message_where_no_jdk_is_found(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # no `java` on it
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "offduty.benchmarks", "run", "--scenarios", "chiefs-game",
                           "--peers", "greedy,timefold", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "peer 'timefold' skipped" in proc.stderr and "JDK" in proc.stderr
    assert [r["peer"] for r in json.loads(out.read_text())] == ["greedy"]
    alone = subprocess.run([sys.executable, "-m", "offduty.benchmarks", "run", "--peers", "timefold"],
                           cwd=ROOT, capture_output=True, text=True, timeout=240, env=env)
    assert alone.returncode == 2 and "peer 'timefold' skipped" in alone.stderr


def test_build_speed_reports_cpu_seconds_per_rule() -> None:
    """`python -m offduty.benchmarks.build_speed`: pairs, rows, CPU seconds per model rule and
    of writing the proto, pairs per CPU second, the load average (no timing is asserted)."""
    from offduty.benchmarks.build_speed import measure
    from offduty.constraints.registry import MODEL_RULES

    row = measure("chiefs-game", "seniority", write_proto=True)
    assert row["pairs"] > 0 and row["rows"] > 0
    assert set(row["rules_cpu_s"]) == {rule.code for rule in MODEL_RULES}
    assert row["pairs_per_cpu_s"] > 0 and row["pairs_per_cpu_s_with_proto"] > 0
    assert len(row["loadavg"]) == 3
