"""Swap and transfer properties: the checkers find planted violations, and optimal solutions of
random small instances have none (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, find, given, settings
from hypothesis import strategies as st

from offduty.models import parse_instance
from offduty.solver.properties import (
    SwapViolation,
    TransferViolation,
    property_violations,
    swap_violations,
    transfer_violations,
)
from offduty.solver.verify import verify
from tests.distribution.helpers import (
    Raw,
    apply,
    instance,
    member,
    position,
    run,
    shift,
    t,
)

# --- the checkers on hand-made rosters --------------------------------------------------------


def two_members(**senior: Any) -> Any:
    return instance([member("S", "2000-01-01", **senior), member("J", "2015-01-01")],
                    [shift("S1", "10:00", "14:00")])


def test_swap_violation_found_when_a_senior_member_is_left_out() -> None:
    found = swap_violations(two_members(), [("J", "S1-P")], "seniority")
    assert found == [SwapViolation("seniority", "S", "J", "S1-P")]
    assert "S ranks better than J" in str(found[0])
    assert swap_violations(two_members(), [("S", "S1-P")], "seniority") == []


def test_no_swap_violation_when_the_better_member_is_not_eligible() -> None:
    inst = two_members(hour_plan=8, tours=[{"start": t("09:00"), "end": t("13:00")}])  # on duty
    assert swap_violations(inst, [("J", "S1-P")], "seniority") == []


def test_no_swap_violation_when_the_swap_breaks_the_work_day_cap() -> None:
    # S's 6-hour tour 16:00-22:00 opens its work day at 08:00 (8-hour plan); S already works
    # 06:00-09:00, 1 h of it inside that day: 6 + 1 + 4 > 10
    inst = instance([member("S", "2000-01-01", hour_plan=8, tours=[{"start": t("16:00"), "end": t("22:00")}]),
                     member("J", "2015-01-01")],
                    [shift("S0", "06:00", "09:00"), shift("S1", "10:00", "14:00")],
                    policy={"work_day_cap_hours": 10})
    assert swap_violations(inst, [("S", "S0-P"), ("J", "S1-P")], "seniority") == []
    # without the cap the same swap is a violation
    tour = [{"start": t("16:00"), "end": t("22:00")}]
    loose = instance([member("S", "2000-01-01", hour_plan=8, tours=tour), member("J", "2015-01-01")],
                     [shift("S0", "06:00", "09:00"), shift("S1", "10:00", "14:00")])
    assert len(swap_violations(loose, [("S", "S0-P"), ("J", "S1-P")], "seniority")) == 1


def test_no_swap_violation_for_a_locked_assignment() -> None:
    raw_inst = two_members()
    raw = raw_inst.model_dump(mode="json")
    raw["assignments"] = [{"member": "J", "position": "S1-P", "locked": True}]
    inst = parse_instance(raw)
    assert swap_violations(inst, [("J", "S1-P")], "seniority") == []


def test_first_come_and_rotation_checkers() -> None:
    inst = instance([member("A", last_worked=t("12:00", "2026-01-01")), member("B")],
                    [shift("S1", "10:00", "14:00")],
                    [apply("A", "S1", "08:00"), apply("B", "S1", "09:00")])
    assert [v.better for v in swap_violations(inst, [("B", "S1-P")], "first_come")] == ["A"]
    # B never worked: B ranks first for rotation
    assert swap_violations(inst, [("B", "S1-P")], "rotation") == []
    assert [v.better for v in swap_violations(inst, [("A", "S1-P")], "rotation")] == ["B"]


def test_first_come_non_applicant_is_never_better() -> None:
    inst = instance([member("A"), member("B")], [shift("S1", "10:00", "14:00")],
                    [apply("B", "S1", "09:00")])
    assert swap_violations(inst, [("B", "S1-P")], "first_come") == []
    assert len(swap_violations(inst, [("A", "S1-P")], "first_come")) == 1


def test_transfer_violation_found_and_not_for_a_fair_split() -> None:
    inst = instance([member("X", hours_ytd=0), member("Y", hours_ytd=3)],
                    [shift("S1", "10:00", "14:00"), shift("S2", "15:00", "19:00")])
    found = transfer_violations(inst, [("X", "S1-P"), ("X", "S2-P")])
    assert {(v.giver, v.receiver) for v in found} == {("X", "Y")}
    assert isinstance(found[0], TransferViolation) and found[0].giver_hours == 8.0
    assert transfer_violations(inst, [("X", "S1-P"), ("Y", "S2-P")]) == []
    # moving 4 h from Y (7) to X (4) would make X 8 > 7: not a violation
    assert transfer_violations(inst, [("X", "S2-P"), ("Y", "S1-P")]) == []


def test_property_violations_dispatches() -> None:
    inst = two_members()
    assert property_violations(inst, [("J", "S1-P")], "balanced") == []
    assert len(property_violations(inst, [("J", "S1-P")], "seniority")) == 1
    with pytest.raises(ValueError, match="transfer_violations"):
        swap_violations(inst, [("J", "S1-P")], "hours")
    with pytest.raises(ValueError, match="unknown"):
        swap_violations(inst, [("NOBODY", "S1-P")], "seniority")


def test_applicants_candidates_limit_the_swaps() -> None:
    # S is senior but did not apply: not a candidate under `applicants`
    inst = instance([member("S", "2000-01-01"), member("J", "2015-01-01")],
                    [shift("S1", "10:00", "14:00")], [apply("J", "S1", "08:00")])
    assert len(swap_violations(inst, [("J", "S1-P")], "seniority")) == 1
    assert swap_violations(inst, [("J", "S1-P")], "seniority", candidates="applicants") == []


# --- optimal solutions of random instances ----------------------------------------------------

WINDOWS = [("06:00", "10:00"), ("08:00", "12:00"), ("10:00", "14:00"), ("12:30", "17:00"),
           ("14:00", "16:00"), ("15:00", "21:30"), ("18:00", "23:00")]
DATES = ["2000-01-01", "2005-06-01", "2010-01-01", "2012-03-04", "2018-09-01"]
LAST = [None, "2026-01-15T12:00:00-06:00", "2026-08-01T12:00:00-05:00", "2026-09-06T20:00:00-05:00"]


@st.composite
def small_instances(draw: st.DrawFn) -> tuple[Any, str]:
    n_members = draw(st.integers(3, 6))
    members: list[Raw] = []
    for i in range(n_members):
        kw: Raw = {
            "hours_ytd": draw(st.sampled_from([0, 1.5, 4, 8, 12, 20])),
            "certifications": draw(st.sampled_from([[], [], ["traffic"]])),
            "rank": draw(st.sampled_from(["officer", "officer", "sergeant"])),
        }
        last = draw(st.sampled_from(LAST))
        if last is not None:
            kw["last_worked"] = last
        if draw(st.integers(0, 3)) == 0:
            start, end = draw(st.sampled_from([("05:00", "13:00"), ("13:00", "21:00"), ("22:00", "23:30")]))
            kw["tours"] = [{"start": t(start), "end": t(end)}]
            kw["hour_plan"] = draw(st.sampled_from([8, 10]))
        members.append(member(f"M{i}", draw(st.sampled_from(DATES)), **kw))
    windows = draw(st.lists(st.sampled_from(WINDOWS), min_size=1, max_size=4, unique=True))
    shifts = []
    for k, (start, end) in enumerate(windows):
        positions = [position(f"S{k}-P", count=draw(st.integers(1, 2)))]
        if draw(st.booleans()):
            extra: Raw = draw(st.sampled_from([{"certifications": ["traffic"]},
                                               {"min_rank": "sergeant"}, {}]))
            positions.append(position(f"S{k}-Q", count=1, **extra))
        shifts.append(shift(f"S{k}", start, end, positions))
    apps = []
    for i in range(n_members):
        for k in range(len(shifts)):
            if draw(st.booleans()):
                apps.append(apply(f"M{i}", f"S{k}", draw(st.sampled_from(["08:00", "08:05", "09:30"]))))
    policy = {"work_day_cap_hours": draw(st.sampled_from([10, 16])),
              "min_rest_hours": draw(st.sampled_from([0, 1]))}
    candidates = draw(st.sampled_from(["all_eligible", "applicants"]))
    return instance(members, shifts, apps, policy=policy), candidates


SETTINGS = settings(max_examples=75, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["seniority", "first_come", "rotation", "hours"])
@SETTINGS
@given(case=small_instances())
def test_optimal_solutions_have_the_property(name: str, case: tuple[Any, str]) -> None:
    inst, candidates = case
    result = run(inst, name, candidates=candidates)
    event(f"status {result.status.value}")
    if result.status != "optimal":
        return
    event(f"{len(result.assignments)} assignments")
    assert verify(inst, result.assignments, candidates=candidates) == []
    assert property_violations(inst, result.assignments, name, candidates=candidates) == []


@pytest.mark.parametrize(("made_by", "checked"), [("first_come", "seniority"), ("seniority", "hours"),
                                                  ("hours", "rotation"), ("rotation", "first_come")])
def test_the_generator_makes_rosters_the_checkers_reject(made_by: str, checked: str) -> None:
    """The property test is not vacuous: another strategy's optimum often breaks the property."""

    def broken(case: tuple[Any, str]) -> bool:
        inst, candidates = case
        result = run(inst, made_by, candidates=candidates)
        return result.status == "optimal" and bool(
            property_violations(inst, result.assignments, checked, candidates=candidates))

    find(small_instances(), broken, settings=settings(max_examples=200, deadline=None, derandomize=True,
                                                      database=None, phases=[Phase.generate]))
