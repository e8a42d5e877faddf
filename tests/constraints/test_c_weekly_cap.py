"""C-WEEKLY-CAP: when `max_secondary_hours_per_week` is set, the full hours of the details that
overlap each local ISO week (Monday 00:00) sum to at most the cap (pillar 1)."""

import pytest

from tests.constraints.conftest import (
    assert_everyone_excluded,
    assert_senior_chosen,
    at,
    event,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
)

CAP_8 = {"max_secondary_hours_per_week": 8}
SAT, SUN, MON = "2026-09-12", "2026-09-13", "2026-09-14"


def _two_details(first: tuple[str, str], second: tuple[str, str], policy=None):
    """Only member S; P1 at `first` (priority 1) and P2 at `second` (priority 2), separate shifts
    of one event that do not overlap."""
    return instance([senior()],
                    [event("EV1", shift("S1", *first, position("P1", priority=1)),
                           shift("S2", *second, position("P2", priority=2)))],
                    policy=CAP_8 if policy is None else policy)


def test_two_details_in_one_week_exceed_the_cap():
    """Saturday and Sunday 5 h each are one ISO week: 10 h > 8, so S takes only P2."""
    raw = _two_details((at("10:00", SAT), at("15:00", SAT)), (at("10:00", SUN), at("15:00", SUN)))
    assert pairs(solved(raw)) == {("S", "P2")}


def test_detail_crossing_into_monday_counts_in_the_new_week():
    """Sunday 22:00 → Monday 03:00 (5 h) counts in full in the week starting Monday, with
    Monday's 4-h detail: 9 h > 8, so S takes only P2."""
    raw = _two_details((at("22:00", SUN), at("03:00", MON)), (at("10:00", MON), at("14:00", MON)))
    assert pairs(solved(raw)) == {("S", "P2")}


def test_detail_crossing_into_monday_counts_in_the_old_week():
    """The same crossing detail (as P2) also counts in the week it started, with Saturday's
    4-h detail: 9 h > 8."""
    raw = _two_details((at("10:00", SAT), at("14:00", SAT)), (at("22:00", SUN), at("03:00", MON)))
    assert pairs(solved(raw)) == {("S", "P2")}


def test_detail_longer_than_the_cap_is_excluded():
    """A single 9-h detail breaks an 8-h cap on its own: nobody gets it, reason C-WEEKLY-CAP."""
    assert_everyone_excluded("C-WEEKLY-CAP", start=at("08:00"), end=at("17:00"), policy=CAP_8)


@pytest.mark.parametrize(("first", "second", "policy"), [
    ((at("10:00", SUN), at("15:00", SUN)), (at("10:00", MON), at("15:00", MON)), CAP_8),
    ((at("10:00", SAT), at("15:00", SAT)), (at("10:00", SUN), at("15:00", SUN)), {}),
    ((at("10:00", SAT), at("14:00", SAT)), (at("10:00", SUN), at("14:00", SUN)), CAP_8),
], ids=["different-weeks", "no-cap-set", "exactly-the-cap"])
def test_control_both_details_taken(first, second, policy):
    """Controls: Sunday and Monday are different weeks; without a cap anything goes; 4 h + 4 h
    is exactly the cap. S takes both."""
    assert pairs(solved(_two_details(first, second, policy))) == {("S", "P1"), ("S", "P2")}


def test_control_detail_of_exactly_the_cap():
    """Control: an 8-h detail under an 8-h cap is taken."""
    assert_senior_chosen(start=at("08:00"), end=at("16:00"), policy=CAP_8)
