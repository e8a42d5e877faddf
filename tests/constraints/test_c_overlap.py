"""C-OVERLAP: a member works at most one detail at a time (§III.N.1); touching details do not
overlap, and a member holds at most one position of a shift."""

import pytest

from tests.constraints.conftest import (
    at,
    employer,
    event,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    unfilled,
)


def _two_details(second_start: str, second_end: str):
    """Only member S; P1 on EV1 10:00–14:00 (priority 1) and P2 on another event EV2 of another
    employer at [second_start, second_end) (priority 3)."""
    return instance(
        [senior()],
        [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1", priority=1))),
         event("EV2", shift("S2", second_start, second_end, position("P2", priority=3)),
               employer="E2")],
        employers=[employer("E1"), employer("E2")],
    )


@pytest.mark.parametrize(("start", "end"), [
    (at("12:00"), at("16:00")),
    (at("08:00"), at("10:30")),
    (at("11:00"), at("12:00")),
    (at("09:00"), at("15:00")),
], ids=["overlaps-end", "overlaps-start", "inside", "contains"])
def test_member_takes_only_one_of_two_overlapping_details(start, end):
    """Taking both would fill one more slot; S takes only the higher-priority P2, and P1 stays
    unfilled with S still counted eligible (the clash is the model's, not eligibility's)."""
    res = solved(_two_details(start, end))
    assert pairs(res) == {("S", "P2")}
    gap = unfilled(res)["P1"]
    assert (gap.eligible, gap.reasons) == (1, {})


@pytest.mark.parametrize(("start", "end"), [
    (at("14:00"), at("18:00")),
    (at("06:00"), at("10:00")),
], ids=["after", "before"])
def test_control_touching_details_both_taken(start, end):
    """Control: details touching end-to-start do not overlap: S takes both."""
    assert pairs(solved(_two_details(start, end))) == {("S", "P1"), ("S", "P2")}


def test_one_position_per_shift():
    """A shift with two positions: the one member holds only one of them (the priority-2 one)."""
    raw = instance([senior()], [event("EV1", shift("S1", at("10:00"), at("14:00"),
                                                   position("P1", priority=1),
                                                   position("P2", priority=2)))])
    assert pairs(solved(raw)) == {("S", "P2")}
