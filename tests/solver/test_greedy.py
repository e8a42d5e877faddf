"""Tests of the greedy list method (`solver.greedy.solve_greedy`), the optimizer's peer and hint.

The greedy walks positions in time order (higher priority first at equal start times) and gives
each slot to the best-ranked member (seniority: earliest `seniority_date`) who still fits every
rule given what it already handed out; then it empties tavern shifts left below the minimum.
Every roster it returns is checked with the independent verifier.

Times are Sunday 2026-09-13 in daylight time (-05:00) unless said otherwise; 2026-09-14 is a
Monday, so it opens a new ISO week.
"""

from __future__ import annotations

import json
from typing import Any

from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus
from offduty.models.validation import parse_instance
from offduty.solver.greedy import solve_greedy
from offduty.solver.params import EngineParams, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve
from offduty.solver.verify import verify

PARAMS = SolveParams(time_limit=10, engine=EngineParams(workers=1, seed=0))

Raw = dict[str, Any]


def at(clock: str, day: str = "2026-09-13") -> str:
    return f"{day}T{clock}:00-05:00"


def member(mid: str, seniority: str, **kw: Any) -> Raw:
    return {"id": mid, "seniority_date": seniority, **kw}


#: Three members in seniority order: S before A before J.
S = member("S", "2000-01-01")
A = member("A", "2005-01-01")
J = member("J", "2015-01-01")


def position(pid: str, count: int = 1, **kw: Any) -> Raw:
    return {"id": pid, "count": count, **kw}


def shift(sid: str, start: str, end: str, *positions: Raw) -> Raw:
    return {"id": sid, "start": start, "end": end, "positions": list(positions)}


def instance(members: list[Raw], *shifts: Raw, policy: Raw | None = None,
             employers: list[Raw] | None = None, events: list[Raw] | None = None,
             **kw: Any) -> Instance:
    """One event EV1 of employer E1 holding `shifts`, unless `events` are given."""
    raw: Raw = {
        "policy": policy or {},
        "members": members,
        "employers": employers or [{"id": "E1"}],
        "events": events if events is not None else [{"id": "EV1", "employer": "E1",
                                                       "shifts": list(shifts)}],
        **kw,
    }
    return parse_instance(raw)


def greedy(inst: Instance, params: SolveParams = PARAMS) -> Result:
    """solve_greedy, with its roster checked by the verifier whenever it calls it feasible."""
    result = solve_greedy(inst, params)
    if result.status == SolveStatus.FEASIBLE:
        violations = verify(inst, result.pairs(), candidates=params.candidates.value,
                            allow_understaffed=params.allow_understaffed)
        assert violations == [], [str(v) for v in violations]
    return result


def roster(result: Result) -> set[tuple[str, str]]:
    return set(result.pairs())


# --- list order ------------------------------------------------------------------------------


def test_positions_are_taken_in_time_order_not_input_order() -> None:
    # LATE is listed first, but EARLY starts first and gets the most senior member; the two
    # shifts overlap, so S cannot have both
    inst = instance([J, S],
                    shift("LATE", at("11:00"), at("15:00"), position("P-late")),
                    shift("EARLY", at("08:00"), at("12:00"), position("P-early")))
    result = greedy(inst)
    assert result.status == SolveStatus.FEASIBLE
    assert roster(result) == {("S", "P-early"), ("J", "P-late")}
    assert [a.position for a in result.assignments] == ["P-early", "P-late"]


def test_higher_priority_first_at_equal_start() -> None:
    # one member, two positions of the same time: the priority-3 one wins although listed second
    inst = instance([S], shift("X", at("10:00"), at("14:00"), position("P-low"),
                               position("P-high", priority=3)))
    assert roster(greedy(inst)) == {("S", "P-high")}


def test_each_slot_goes_to_the_best_ranked_member_who_still_fits() -> None:
    # P1 08-12 -> S (most senior); P2 10-14 overlaps S's P1 -> A; P3 13-17: S is free again
    inst = instance([J, A, S],
                    shift("X1", at("08:00"), at("12:00"), position("P1")),
                    shift("X2", at("10:00"), at("14:00"), position("P2")),
                    shift("X3", at("13:00"), at("17:00"), position("P3")))
    assert roster(greedy(inst)) == {("S", "P1"), ("A", "P2"), ("S", "P3")}


def test_ineligible_members_are_skipped() -> None:
    # S is suspended; A lacks the certification; J gets the position
    inst = instance([member("S", "2000-01-01", privileges="suspended"), A,
                     member("J", "2015-01-01", certifications=["k9"])],
                    shift("X", at("10:00"), at("14:00"), position("P1", certifications=["k9"])))
    result = greedy(inst)
    assert roster(result) == {("J", "P1")}


def test_a_position_takes_as_many_members_as_its_count_in_rank_order() -> None:
    inst = instance([J, A, S], shift("X", at("10:00"), at("14:00"), position("P1", count=2)))
    result = greedy(inst)
    assert roster(result) == {("S", "P1"), ("A", "P1")}
    assert result.unfilled == []


# --- the rules it keeps while handing out --------------------------------------------------


def test_work_day_cap() -> None:
    # cap 10 h, calendar days (no tours): S's 6 h P1 leaves no room for the 5 h P2
    inst = instance([J, S],
                    shift("X1", at("08:00"), at("14:00"), position("P1")),
                    shift("X2", at("15:00"), at("20:00"), position("P2")),
                    policy={"work_day_cap_hours": 10})
    assert roster(greedy(inst)) == {("S", "P1"), ("J", "P2")}


def test_work_day_cap_counts_the_tour() -> None:
    # S's 8 h tour 06-14 (work day from 22:00 the night before, 8 h plan) plus P1 (3 h) fills
    # the 12 h cap to 11 h; P2 (2 h) would make 13
    inst = instance([J, member("S", "2000-01-01", hour_plan=8,
                               tours=[{"start": at("06:00"), "end": at("14:00")}])],
                    shift("X1", at("15:00"), at("18:00"), position("P1")),
                    shift("X2", at("19:00"), at("21:00"), position("P2")),
                    policy={"work_day_cap_hours": 12})
    assert roster(greedy(inst)) == {("S", "P1"), ("J", "P2")}


def test_cap_exception_lifts_the_work_day_cap() -> None:
    inst = instance([J, member("S", "2000-01-01", cap_exception=True)],
                    shift("X1", at("08:00"), at("14:00"), position("P1")),
                    shift("X2", at("15:00"), at("20:00"), position("P2")),
                    policy={"work_day_cap_hours": 10})
    assert roster(greedy(inst)) == {("S", "P1"), ("S", "P2")}


def test_overlap() -> None:
    inst = instance([S], shift("X1", at("08:00"), at("12:00"), position("P1")),
                    shift("X2", at("11:45"), at("13:00"), position("P2")),
                    shift("X3", at("12:00"), at("13:00"), position("P3")))
    # P2 overlaps P1 by 15 minutes; P3 touches P1's end, which is no overlap
    result = greedy(inst)
    assert roster(result) == {("S", "P1"), ("S", "P3")}
    assert {u.position for u in result.unfilled} == {"P2"}


def test_rest_between_details() -> None:
    # 2 h of rest: P2 starts 1 h after P1 ends (J takes it), P3 exactly 2 h after (S may)
    inst = instance([J, S],
                    shift("X1", at("08:00"), at("12:00"), position("P1")),
                    shift("X2", at("13:00"), at("15:00"), position("P2")),
                    shift("X3", at("14:00"), at("16:00"), position("P3")),
                    policy={"min_rest_hours": 2})
    assert roster(greedy(inst)) == {("S", "P1"), ("J", "P2"), ("S", "P3")}


def test_weekly_cap() -> None:
    # 9 h a week: S's 6 h on Sunday leave no room for 4 more on Sunday, but Monday is a new week
    inst = instance([J, S],
                    shift("X1", at("08:00"), at("14:00"), position("P1")),
                    shift("X2", at("16:00"), at("20:00"), position("P2")),
                    shift("X3", at("08:00", "2026-09-14"), at("14:00", "2026-09-14"), position("P3")),
                    policy={"max_secondary_hours_per_week": 9})
    assert roster(greedy(inst)) == {("S", "P1"), ("J", "P2"), ("S", "P3")}


# --- tavern minimum --------------------------------------------------------------------------


def _tavern_instance(**kw: Any) -> Instance:
    """X (09-13, one slot, employer E1) comes first and takes S; the tavern shift T (12-16,
    three slots, employer E2 with commander approval) then has only A and J left."""
    return instance(
        [J, A, S],
        employers=[{"id": "E1"}, {"id": "E2", "tavern": True}],
        events=[
            {"id": "EV1", "employer": "E1",
             "shifts": [shift("X", at("09:00"), at("13:00"), position("P-x"))]},
            {"id": "EV2", "employer": "E2", "commander_approved": True,
             "shifts": [shift("T", at("12:00"), at("16:00"), position("P-bar", 3))]},
        ],
        **kw,
    )


def test_a_tavern_shift_staffed_two_of_three_is_emptied() -> None:
    inst = _tavern_instance()
    result = greedy(inst)
    assert result.status == SolveStatus.FEASIBLE
    assert roster(result) == {("S", "P-x")}
    bar = {u.position: u for u in result.unfilled}["P-bar"]
    assert bar.missing == 3
    # the optimizer staffs the tavern shift instead (3 slots rather than 1)
    best = solve(inst, PARAMS)
    assert best.status == SolveStatus.OPTIMAL
    assert roster(best) == {("S", "P-bar"), ("A", "P-bar"), ("J", "P-bar")}
    assert best.objective[0] == 1


def test_a_tavern_shift_two_of_three_stays_when_understaffing_is_approved() -> None:
    inst = instance(
        [J, A, S],
        employers=[{"id": "E1"}, {"id": "E2", "tavern": True}],
        events=[
            {"id": "EV1", "employer": "E1",
             "shifts": [shift("X", at("09:00"), at("13:00"), position("P-x"))]},
            {"id": "EV2", "employer": "E2", "commander_approved": True,
             "understaffing_approved": True,
             "shifts": [shift("T", at("12:00"), at("16:00"), position("P-bar", 3))]},
        ])
    assert roster(greedy(inst)) == {("S", "P-x"), ("A", "P-bar"), ("J", "P-bar")}


def test_greedy_with_a_locked_member_on_a_short_tavern_shift() -> None:
    # S is locked on the tavern shift; X goes to A (S is busy), so only J is left for the bar:
    # 2 of 3. No valid roster keeps X filled, but the optimizer staffs the bar with all three.
    inst = instance(
        [J, A, S],
        employers=[{"id": "E1"}, {"id": "E2", "tavern": True}],
        events=[
            {"id": "EV1", "employer": "E1",
             "shifts": [shift("X", at("09:00"), at("13:00"), position("P-x", 2))]},
            {"id": "EV2", "employer": "E2", "commander_approved": True,
             "shifts": [shift("T", at("12:00"), at("16:00"), position("P-bar", 3))]},
        ],
        assignments=[{"member": "S", "position": "P-bar", "locked": True}])
    assert roster(solve(inst, PARAMS)) == {("S", "P-bar"), ("A", "P-bar"), ("J", "P-bar")}
    result = solve_greedy(inst, PARAMS)
    # the greedy cannot empty the short shift (S is locked): not a feasible roster, and it says so
    assert roster(result) == {("A", "P-x"), ("J", "P-x"), ("S", "P-bar")}
    assert [v.code for v in verify(inst, result.pairs())] == ["C-TAVERN-MIN"]
    assert result.status == SolveStatus.UNKNOWN
    assert result.explanation


# --- greedy versus optimizer -----------------------------------------------------------------


def test_greedy_takes_early_the_only_member_a_later_position_could_have() -> None:
    # S is the only one with the k9 certification the later P2 needs; the greedy gives S the
    # earlier P1 (S ranks first) and P2 stays empty. The optimizer gives P1 to J, P2 to S.
    inst = instance([J, member("S", "2000-01-01", certifications=["k9"])],
                    shift("X1", at("08:00"), at("12:00"), position("P1")),
                    shift("X2", at("11:00"), at("15:00"), position("P2", certifications=["k9"])))
    g = greedy(inst)
    assert roster(g) == {("S", "P1")}
    p2 = {u.position: u for u in g.unfilled}["P2"]
    assert (p2.missing, p2.eligible, p2.reasons) == (1, 1, {"E-CERT": 1})
    best = solve(inst, PARAMS)
    assert best.status == SolveStatus.OPTIMAL
    assert roster(best) == {("J", "P1"), ("S", "P2")}
    assert best.unfilled == []
    assert best.objective[0] == 0


def test_greedy_result_format() -> None:
    inst = instance([J, S], shift("X1", at("08:00"), at("12:00"), position("P1", 3)))
    result = greedy(inst)
    assert result.status == SolveStatus.FEASIBLE
    assert result.strategy == "seniority"
    assert set(result.timings) == {"build_s", "solve_s", "total_s"}
    assert result.metrics["filled"] == 2 and result.metrics["required"] == 3
    assert [(u.position, u.missing) for u in result.unfilled] == [("P1", 1)]
    assert Result.model_validate_json(result.to_json()) == result
    assert {a["member"] for a in json.loads(result.to_json())["assignments"]} == {"S", "J"}


# --- staffing floors: not planned for, reported ----------------------------------------------


def _floor_instance() -> Instance:
    # floor 1 core + ceil(3000 / 3000) = 2 throughout 10-14, but only S can work then (J is
    # on duty)
    return instance(
        [member("J", "2015-01-01", hour_plan=8,
                tours=[{"start": at("09:00"), "end": at("15:00")}]), S],
        events=[{"id": "EV1", "employer": "E1", "venue": "reserved_no_alcohol",
                 "attendance": 3000,
                 "shifts": [shift("X", at("10:00"), at("14:00"), position("P1", 2))]}])


def test_unmet_floor_is_a_shortage_and_not_feasible() -> None:
    inst = _floor_instance()
    result = solve_greedy(inst, PARAMS)
    assert result.status == SolveStatus.UNKNOWN
    assert roster(result) == {("S", "P1")}
    assert [(s.event, s.floor, s.achieved) for s in result.shortages] == [("EV1", 2, 1)]
    assert [v.code for v in verify(inst, result.pairs())] == ["C-STAFFING-RATIO"]
    assert solve(inst, PARAMS).status == SolveStatus.INFEASIBLE


def test_unmet_floor_with_allow_understaffed_is_feasible() -> None:
    inst = _floor_instance()
    params = SolveParams(time_limit=10, allow_understaffed=True, engine=EngineParams(workers=1, seed=0))
    result = greedy(inst, params)
    assert result.status == SolveStatus.FEASIBLE
    assert [(s.event, s.floor, s.achieved) for s in result.shortages] == [("EV1", 2, 1)]
