"""C-STAFFING-RATIO: at every instant of an event's window, the assignments to its positions whose
shift covers that instant number at least core + ceil(attendance / attendees_per_officer)
(§IV.A.13). An unmeetable floor makes the answer `infeasible`, with an explanation naming the event,
the floor and the most that is achievable; `allow_understaffed` reports shortages instead.

Venue `reserved_no_alcohol` defaults to 3000 attendees per officer and core 1.
"""

import pytest

from offduty.models.solution import SolveStatus
from tests.constraints.conftest import (
    at,
    event,
    infeasible,
    instance,
    member,
    pairs,
    position,
    run,
    shift,
    solved,
)

RESERVED = "reserved_no_alcohol"
WEEKLY_4H = {"max_secondary_hours_per_week": 4}


def _members(n: int):
    """`n` free members M1 (most senior), M2, ..."""
    return [member(f"M{i}", f"{2000 + i}-01-01") for i in range(1, n + 1)]


def _event(n_members: int, attendance: int | None, count: int = 3, venue: str = RESERVED):
    """One event EV1 (shift 10:00–14:00, position P1 of `count` slots) with `attendance` at
    `venue`, and `n_members` free members."""
    fields = {"venue": venue} if attendance is None else {"venue": venue, "attendance": attendance}
    return instance(_members(n_members),
                    [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1", count)),
                           name="Concert", **fields)])


def test_unmeetable_floor_is_infeasible_and_explained():
    """3001 attendees: floor 1 + ceil(3001/3000) = 3, but only two members exist. Status
    infeasible; the explanation names EV1, the floor 3 and the most achievable, 2."""
    text = infeasible(_event(2, 3001))
    assert "EV1" in text
    assert "at least 3" in text
    assert "at most 2" in text


def test_allow_understaffed_reports_the_shortage():
    """The same with `allow_understaffed`: both members are assigned and the shortage (floor 3,
    achieved 2) is reported."""
    res = solved(_event(2, 3001), allow_understaffed=True)
    assert pairs(res) == {("M1", "P1"), ("M2", "P1")}
    assert [(s.event, s.floor, s.achieved) for s in res.shortages] == [("EV1", 3, 2)]


def test_control_floor_met_exactly():
    """Control: 3000 attendees make a floor of 2; with three slots and three members the solver
    still fills all three, and no shortage is reported under `allow_understaffed`."""
    assert len(solved(_event(3, 3000)).pairs()) == 3
    assert solved(_event(2, 3000), allow_understaffed=True).shortages == []


@pytest.mark.parametrize(("attendance", "venue"), [(None, RESERVED), (100000, "none")],
                         ids=["no-attendance", "venue-none"])
def test_control_no_floor_without_attendance_or_venue(attendance, venue):
    """Control: without attendance, or with venue `none`, no floor applies: two members for
    three slots is a plain solution."""
    res = solved(_event(2, attendance, venue=venue))
    assert len(res.pairs()) == 2


def test_floor_uses_the_policy_override():
    """With `staffing_ratios` overriding the venue to 100 per officer and core 0, 250 attendees
    need ceil(2.5) = 3 members: two are not enough."""
    raw = _event(2, 250)
    raw["policy"] = {"staffing_ratios": {RESERVED: {"attendees_per_officer": 100, "core": 0}}}
    text = infeasible(raw)
    assert "at least 3" in text and "at most 2" in text


def _relay(n_members: int):
    """Floor 2 (3000 attendees) over the window 10:00–18:00 covered by shift A 10:00–14:00 and
    shift B 14:00–18:00 (2 slots each); a 4-h weekly cap lets each member work one of them."""
    return instance(
        _members(n_members),
        [event("EV1", shift("A", at("10:00"), at("14:00"), position("PA", 2)),
               shift("B", at("14:00"), at("18:00"), position("PB", 2)),
               venue=RESERVED, attendance=3000)],
        policy=WEEKLY_4H,
    )


def test_floor_needs_the_model_to_see_it_is_unmeetable():
    """Three members, each alone could cover either half: counting slots and members does not
    show the problem, but four member-shifts are needed. Infeasible, and the explanation gives
    the most achievable at the least staffed instant: 1."""
    text = infeasible(_relay(3))
    assert "EV1" in text and "at least 2" in text and "at most 1" in text


def test_control_relay_with_four_members():
    """Control: with four members both halves get two."""
    res = solved(_relay(4))
    assert sorted(p for _, p in res.pairs()) == ["PA", "PA", "PB", "PB"]


def test_floor_holds_at_every_instant():
    """Floor 1 (core 1 + ceil(0/3000)) over 10:00–18:00, shifts A 10:00–14:00 and B 13:00–18:00
    overlap, and the one member can work only one: some instant is always uncovered, so the
    answer is infeasible with 0 achievable there."""
    raw = instance(
        _members(1),
        [event("EV1", shift("A", at("10:00"), at("14:00"), position("PA")),
               shift("B", at("13:00"), at("18:00"), position("PB")),
               venue=RESERVED, attendance=0)],
    )
    text = infeasible(raw)
    assert "EV1" in text and "at least 1" in text and "at most 0" in text


def _window_vs_priority(**params):
    """Floor 1 (override: core 0, 1000 per officer, 500 attendees) over the explicit window
    10:00–14:00. Shift IN 10:00–14:00 (priority 1) covers it; shift EARLY 06:00–10:00
    (priority 5) lies outside it. The one member may work 4 h a week: one of the two."""
    raw = instance(
        _members(1),
        [event("EV1", shift("EARLY", at("06:00"), at("10:00"), position("P-EARLY", priority=5)),
               shift("IN", at("10:00"), at("14:00"), position("P-IN", priority=1)),
               venue=RESERVED, attendance=500,
               window={"start": at("10:00"), "end": at("14:00")})],
        policy={**WEEKLY_4H,
                "staffing_ratios": {RESERVED: {"attendees_per_officer": 1000, "core": 0}}},
    )
    return run(raw, **params)


def test_floor_forces_the_lower_priority_shift_that_covers_the_window():
    """Coverage alone prefers EARLY (priority 5); the floor forces the member onto IN."""
    res = _window_vs_priority()
    assert res.status == SolveStatus.OPTIMAL
    assert pairs(res) == {("M1", "P-IN")}


def test_control_without_the_floor_the_higher_priority_shift_wins():
    """Control: with `allow_understaffed` the member takes EARLY and the shortage is reported."""
    res = _window_vs_priority(allow_understaffed=True)
    assert res.status == SolveStatus.OPTIMAL
    assert pairs(res) == {("M1", "P-EARLY")}
    assert [(s.event, s.floor, s.achieved) for s in res.shortages] == [("EV1", 1, 0)]


def test_window_beyond_the_shifts_is_infeasible():
    """An explicit window 09:00–14:00 but the only shift starts at 10:00: nobody can cover
    09:00–10:00, so the floor (2) cannot be met there: at most 0."""
    raw = _event(3, 3000)
    raw["events"][0]["window"] = {"start": at("09:00"), "end": at("14:00")}
    text = infeasible(raw)
    assert "EV1" in text and "at least 2" in text and "at most 0" in text


def test_floors_of_two_events_competing_for_one_member():
    """EV1 and EV2 (floor 1 each: 0 attendees, core 1) at the same time, one member: each floor
    alone can be met, not both; infeasible, and the explanation names both events."""
    raw = instance(
        _members(1),
        [event("EV1", shift("A", at("10:00"), at("14:00"), position("PA")), venue=RESERVED,
               attendance=0),
         event("EV2", shift("B", at("10:00"), at("14:00"), position("PB")), venue=RESERVED,
               attendance=0)],
    )
    text = infeasible(raw)
    assert "EV1" in text and "EV2" in text
