"""Tests of `solver.solve.solve`: the Result contract, progress reports, stopping, time limits,
unfilled positions with their reasons, and determinism.

Every roster a test gets is checked with the independent verifier (`solver.verify`).
"""

from __future__ import annotations

import json
import random
import threading
from typing import Any

import pytest
from pydantic import ValidationError

from offduty.models.instance import Instance
from offduty.models.solution import Solution, SolveStatus
from offduty.models.validation import parse_instance
from offduty.solver.params import EngineParams, Progress, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve
from offduty.solver.verify import verify

Raw = dict[str, Any]


def params(**kw: Any) -> SolveParams:
    engine = EngineParams(workers=1, seed=kw.pop("seed", 0), greedy_hint=kw.pop("greedy_hint", True))
    return SolveParams(**{"time_limit": 10, "engine": engine, **kw})


def at(clock: str, day: str = "2026-09-13") -> str:
    return f"{day}T{clock}:00-05:00"


def checked(inst: Instance, result: Result, **kw: Any) -> Result:
    if result.has_solution:
        violations = verify(inst, result.pairs(), **kw)
        assert violations == [], [str(v) for v in violations]
    return result


def small() -> Instance:
    """Three members for two overlapping shifts (P1 2 slots, P2 1 slot, P3 k9 only)."""
    return parse_instance({
        "name": "small",
        "members": [
            {"id": "S", "seniority_date": "2000-01-01", "certifications": ["k9"]},
            {"id": "A", "seniority_date": "2005-01-01"},
            {"id": "J", "seniority_date": "2015-01-01"},
        ],
        "employers": [{"id": "E1", "name": "Chiefs"}],
        "events": [{"id": "EV1", "employer": "E1", "name": "game", "shifts": [
            {"id": "X1", "start": at("08:00"), "end": at("12:00"),
             "positions": [{"id": "P1", "count": 2, "pay_rate": 55.0}]},
            {"id": "X2", "start": at("11:00"), "end": at("15:00"),
             "positions": [{"id": "P2", "count": 1, "priority": 2},
                           {"id": "P3", "count": 1, "certifications": ["k9"]}]},
        ]}],
    })


def bigger(seed: int = 7, n_members: int = 60, n_shifts: int = 12) -> Instance:
    """A deterministic mid-size instance: members with tours, overlapping shifts, caps that bind,
    and more slots than members can fill."""
    rng = random.Random(seed)
    members = []
    for i in range(n_members):
        m: Raw = {"id": f"M{i:03}", "seniority_date": f"{rng.randint(1995, 2022)}-0{rng.randint(1, 9)}-15",
                  "hour_plan": rng.choice([8, 10, 11]),
                  "certifications": ["traffic"] if rng.random() < 0.3 else []}
        if rng.random() < 0.5:
            start = rng.randrange(0, 48) * 60
            m["tours"] = [{"start": _minute(start), "end": _minute(start + 8 * 60)}]
        members.append(m)
    shifts = []
    for s in range(n_shifts):
        start = 24 * 60 + rng.randrange(24, 80) * 15
        length = rng.randrange(12, 36) * 15
        shifts.append({"id": f"S{s}", "start": _minute(start), "end": _minute(start + length),
                       "positions": [{"id": f"S{s}-P{k}", "count": rng.randint(2, 6),
                                      "priority": rng.randint(1, 3),
                                      "certifications": ["traffic"] if k == 2 else []}
                                     for k in range(3)]})
    return parse_instance({
        "name": f"bigger-{seed}",
        "policy": {"work_day_cap_hours": 12, "min_rest_hours": 1},
        "members": members,
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": shifts[: n_shifts // 2]},
                   {"id": "EV2", "employer": "E1", "shifts": shifts[n_shifts // 2:]}],
    })


def _minute(m: int) -> str:
    day, rest = divmod(m, 24 * 60)
    return at(f"{rest // 60:02}:{rest % 60:02}", f"2026-09-{12 + day:02}")


# --- the Result contract ---------------------------------------------------------------------


def test_result_is_frozen() -> None:
    result = solve(small(), params())
    with pytest.raises(ValidationError):
        result.status = SolveStatus.INFEASIBLE  # type: ignore[misc]
    with pytest.raises(ValidationError):
        result.assignments[0].member = "X"  # type: ignore[misc]


def test_result_round_trips_through_the_solution_format() -> None:
    inst = small()
    result = checked(inst, solve(inst, params()))
    assert result.status == SolveStatus.OPTIMAL
    text = result.to_json()
    doc = json.loads(text)
    # the keys of DESIGN.md's solution format
    assert {"status", "strategy", "candidates", "objective", "bound", "gap", "timings",
            "assignments", "unfilled", "metrics"} <= set(doc)
    assert doc["status"] == "optimal"
    assert doc["strategy"] == "seniority"
    assert doc["candidates"] == "all_eligible"
    for a in doc["assignments"]:
        assert {"member", "position", "shift", "event", "start", "end", "hours", "pay_rate"} <= set(a)
    p1 = [a for a in doc["assignments"] if a["position"] == "P1"]
    assert p1[0] | {"member": None} == {
        "member": None, "position": "P1", "shift": "X1", "event": "EV1",
        "start": "2026-09-13T08:00:00-05:00", "end": "2026-09-13T12:00:00-05:00",
        "hours": 4.0, "pay_rate": 55.0, "locked": False}
    for u in doc["unfilled"]:
        assert {"position", "missing", "reasons"} <= set(u)
    assert {"filled", "required", "hours_gini", "seniority_inversions", "fcfs_inversions"} <= set(
        doc["metrics"])
    # round trips, both as a Result and as the plain Solution model
    assert Result.model_validate_json(text) == result
    assert Solution.model_validate_json(text).model_dump() == result.model_dump()


def test_objective_and_bound_per_tier() -> None:
    inst = small()
    result = solve(inst, params())
    assert result.status == SolveStatus.OPTIMAL
    assert [t.name for t in result.tiers] == ["coverage", "seniority"]
    assert len(result.objective) == len(result.bound) == 2
    assert result.objective == [t.objective for t in result.tiers]
    assert result.bound == [t.bound for t in result.tiers]
    assert all(t.status == "optimal" for t in result.tiers)
    # proven: objective equals bound in every tier, gap 0
    assert result.objective == result.bound
    assert result.gap == 0.0
    # 5 priority-weighted slots (P1 2 x 1, P2 1 x 2, P3 1 x 1); X1 and X2 overlap, so the three
    # members fill at most three slots: best leaves one priority-1 slot empty, all three work
    assert result.objective[0] == pytest.approx(1)
    assert len(result.pairs()) == 3
    assert ("A", "P2") in result.pairs() or ("J", "P2") in result.pairs()
    assert result.objective[1] == pytest.approx(1 + 2 + 3)


def test_timings() -> None:
    result = solve(small(), params())
    assert set(result.timings) == {"build_s", "greedy_s", "solve_s", "total_s"}
    assert all(v >= 0 for v in result.timings.values())
    parts = result.timings["build_s"] + result.timings["greedy_s"] + result.timings["solve_s"]
    assert result.timings["total_s"] + 1e-3 >= parts


def test_changes_tier_with_a_current_roster() -> None:
    raw = json.loads(small().model_dump_json())
    raw["assignments"] = [{"member": "A", "position": "P1", "locked": False}]
    inst = parse_instance(raw)
    result = checked(inst, solve(inst, params()))
    assert [t.name for t in result.tiers] == ["coverage", "seniority", "changes"]
    assert len(result.objective) == 3


def test_objectives_are_exact_integers() -> None:
    # The greedy gives S (the only k9) the earlier P1, so tier 'coverage' is solved by CP-SAT.
    # P0 (captain, priority 1) has no eligible member: the best roster leaves weight 1 unfilled.
    inst = parse_instance({
        "members": [{"id": "J", "seniority_date": "2015-01-01"},
                    {"id": "S", "seniority_date": "2000-01-01", "certifications": ["k9"]}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": [
            {"id": "X1", "start": at("08:00"), "end": at("12:00"),
             "positions": [{"id": "P1", "count": 1, "priority": 3},
                           {"id": "P0", "count": 1, "priority": 1, "min_rank": "captain"}]},
            {"id": "X2", "start": at("11:00"), "end": at("15:00"),
             "positions": [{"id": "P2", "count": 1, "priority": 3, "certifications": ["k9"]}]}]}],
    })
    result = solve(inst, params())
    assert set(result.pairs()) == {("J", "P1"), ("S", "P2")}
    assert result.objective == [1, 3]
    assert result.bound == [1, 3]
    assert [t.objective for t in result.tiers] == [1, 3]


# --- progress and stopping -------------------------------------------------------------------


def test_progress_reports_each_tier() -> None:
    inst = bigger(n_members=30, n_shifts=8)
    events: list[Progress] = []
    result = checked(inst, solve(inst, params(), progress=events.append))
    assert result.has_solution
    assert events and all(isinstance(e, Progress) for e in events)
    assert {e.tier for e in events} == {"coverage", "seniority"}
    assert all((e.tier, e.tier_index) in {("coverage", 0), ("seniority", 1)} for e in events)
    # tiers in order, time moving forward
    assert [e.tier_index for e in events] == sorted(e.tier_index for e in events)
    assert [e.elapsed_s for e in events] == sorted(e.elapsed_s for e in events)
    assert all(e.solutions >= 1 for e in events)
    last = events[-1]
    assert last.objective == result.objective[-1]


def test_progress_names_the_changes_tier() -> None:
    raw = json.loads(small().model_dump_json())
    raw["assignments"] = [{"member": "A", "position": "P1", "locked": False}]
    events: list[Progress] = []
    solve(parse_instance(raw), params(), progress=events.append)
    assert [e.tier for e in events][-1] == "changes"
    assert {e.tier for e in events} == {"coverage", "seniority", "changes"}


def test_stop_from_the_progress_callback() -> None:
    inst = bigger()
    stop = threading.Event()
    events: list[Progress] = []

    def on_progress(p: Progress) -> None:
        events.append(p)
        stop.set()

    result = checked(inst, solve(inst, params(time_limit=30), progress=on_progress, stop=stop))
    assert isinstance(result, Result)
    assert result.status == SolveStatus.FEASIBLE  # the greedy roster, at least
    assert events
    # the search stopped after the first report: the strategy tier has a value but no proof
    assert [t.name for t in result.tiers] == ["coverage", "seniority"]
    strategy_tier = result.tiers[1]
    assert strategy_tier.status == "unknown" and strategy_tier.bound is None and strategy_tier.gap is None
    assert result.gap is None  # "not proven", never 0 %
    assert any("stopped by request" in text for text in result.explanation)


def test_stop_set_before_solving_returns_a_result() -> None:
    stop = threading.Event()
    stop.set()
    result = solve(small(), params(), stop=stop)
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.UNKNOWN)
    assert result.explanation


# --- time limits -----------------------------------------------------------------------------


def test_short_time_limit_on_a_bigger_instance_returns_a_result() -> None:
    inst = bigger(seed=11, n_members=120, n_shifts=24)
    result = checked(inst, solve(inst, params(time_limit=0.5)))
    assert isinstance(result, Result)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.UNKNOWN)
    if result.status == SolveStatus.UNKNOWN:
        assert result.explanation


def test_a_time_limit_shorter_than_the_build_returns_the_greedy_roster() -> None:
    """Anytime: the greedy roster exists before the model is built; out of time, it is the answer,
    feasible, with the coverage tier bounded by the unavoidable unfilled slots and the strategy tier
    unproven (its terms were never built)."""
    inst = bigger(seed=11, n_members=120, n_shifts=24)
    result = checked(inst, solve(inst, params(time_limit=1e-6)))
    assert result.status == SolveStatus.FEASIBLE
    assert result.assignments
    coverage, strategy = result.tiers
    assert coverage.objective is not None and coverage.bound is not None
    assert strategy.objective is None and strategy.bound is None and strategy.status == "unknown"
    assert result.gap is None
    assert any("greedy list roster is returned" in line for line in result.explanation)


def test_no_roster_at_all_is_unknown_not_a_false_answer() -> None:
    """Without the greedy list and without time, there is no roster: status unknown, no gap."""
    inst = bigger(seed=11, n_members=120, n_shifts=24)
    result = solve(inst, params(time_limit=1e-6, greedy_hint=False))
    assert result.status == SolveStatus.UNKNOWN
    assert result.assignments == [] and result.gap is None
    assert result.explanation


def test_headline_gap_is_the_worst_tier() -> None:
    result = checked(small(), solve(small(), params()))
    assert result.gap == max(t.gap for t in result.tiers if t.gap is not None)


# --- unfilled positions ----------------------------------------------------------------------


def test_unfilled_positions_carry_eligible_and_reasons() -> None:
    inst = parse_instance({
        "policy": {"work_day_cap_hours": 10},
        "members": [
            {"id": "OK", "seniority_date": "2001-01-01"},
            {"id": "SUSP", "seniority_date": "2002-01-01", "privileges": "suspended"},
            {"id": "DUTY", "seniority_date": "2003-01-01", "hour_plan": 8,
             "tours": [{"start": at("09:00"), "end": at("13:00")}]},
            {"id": "TIRED", "seniority_date": "2004-01-01", "hour_plan": 8,
             "tours": [{"start": at("00:00"), "end": at("08:00")}]},
            {"id": "BUSY", "seniority_date": "2005-01-01"},
        ],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": [
            {"id": "X0", "start": at("06:00"), "end": at("16:00"),
             "positions": [{"id": "P0", "count": 1, "priority": 3}]},
            {"id": "X1", "start": at("10:00"), "end": at("14:00"),
             "positions": [{"id": "P1", "count": 4}]},
        ]}],
    })
    result = checked(inst, solve(inst, params()))
    assert result.status == SolveStatus.OPTIMAL
    unfilled = {u.position: u for u in result.unfilled}
    p1 = unfilled["P1"]
    # OK and BUSY are eligible for P1; BUSY (or OK) holds P0 (priority 3) and cannot also work
    # P1: 1 of 4 filled
    assert p1.missing == 3
    assert p1.eligible == 2
    # TIRED: 8 h tour + 4 h detail > 10 h in the work day (a model rule pruning the pair)
    assert p1.reasons == {"E-PRIVILEGES": 1, "E-ON-DUTY": 1, "C-WORK-DAY-CAP": 1}
    assert "P0" not in unfilled
    assert result.metrics["filled"] == 2
    assert result.metrics["required"] == 5


def test_a_position_nobody_may_take() -> None:
    inst = parse_instance({
        "members": [{"id": "A", "seniority_date": "2001-01-01"},
                    {"id": "B", "seniority_date": "2001-01-01", "rank": "sergeant"}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": [
            {"id": "X", "start": at("10:00"), "end": at("14:00"),
             "positions": [{"id": "P", "count": 2, "min_rank": "captain"}]}]}],
    })
    result = solve(inst, params())
    assert result.status == SolveStatus.OPTIMAL
    assert result.assignments == []
    assert [(u.position, u.missing, u.eligible, u.reasons) for u in result.unfilled] == [
        ("P", 2, 0, {"E-RANK": 2})]


# --- infeasibility ---------------------------------------------------------------------------


def test_unreachable_floor_is_infeasible_with_an_explanation() -> None:
    inst = parse_instance({
        "members": [{"id": "A", "seniority_date": "2001-01-01"}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "venue": "reserved_no_alcohol",
                    "attendance": 2000, "shifts": [
                        {"id": "X", "start": at("10:00"), "end": at("14:00"),
                         "positions": [{"id": "P", "count": 3}]}]}],
    })
    result = solve(inst, params())
    assert result.status == SolveStatus.INFEASIBLE
    assert result.assignments == []
    assert any("EV1" in text for text in result.explanation)
    relaxed = checked(inst, solve(inst, params(allow_understaffed=True)), allow_understaffed=True)
    assert relaxed.status == SolveStatus.OPTIMAL
    assert [(s.event, s.floor, s.achieved) for s in relaxed.shortages] == [("EV1", 2, 1)]


def test_clashing_locked_assignments_are_infeasible() -> None:
    inst = parse_instance({
        "members": [{"id": "M1", "seniority_date": "2001-01-01"},
                    {"id": "M2", "seniority_date": "2005-01-01"}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": [
            {"id": "S1", "start": at("10:00"), "end": at("14:00"),
             "positions": [{"id": "P1", "count": 1}]},
            {"id": "S2", "start": at("12:00"), "end": at("18:00"),
             "positions": [{"id": "P2", "count": 1}]}]}],
        "assignments": [{"member": "M1", "position": "P1", "locked": True},
                        {"member": "M1", "position": "P2", "locked": True}],
    })
    # no roster passes the verifier: both locked pairs must be kept, and they overlap
    assert [v.code for v in verify(inst, [("M1", "P1"), ("M1", "P2")])] == ["C-OVERLAP"]
    result = solve(inst, params())
    assert result.status == SolveStatus.INFEASIBLE, (result.status, result.pairs(),
                                                     result.explanation)
    assert result.assignments == []
    assert any("C-OVERLAP" in text for text in result.explanation), result.explanation


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_same_assignments() -> None:
    inst = bigger(seed=3, n_members=25, n_shifts=8)
    first = checked(inst, solve(inst, params(seed=5)))
    second = solve(inst, params(seed=5))
    assert first.has_solution
    assert first.status == second.status
    assert first.pairs() == second.pairs()
    assert first.objective == second.objective
    # and a re-parsed copy of the same instance gives the same roster too
    again = solve(parse_instance(json.loads(inst.model_dump_json())), params(seed=5))
    assert again.pairs() == first.pairs()


@pytest.mark.parametrize(("field", "value"), [("workers", 0), ("proof_workers", 0), ("relative_gap", 1.0),
                                              ("window_share", 0.0), ("bound_seconds", -1.0)])
def test_engine_params_name_the_field_out_of_range(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        EngineParams(**{field: value})
