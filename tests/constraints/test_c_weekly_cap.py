"""C-WEEKLY-CAP: when `max_secondary_hours_per_week` is set, the hours of the details inside each
local ISO week (Monday 00:00 to Monday 00:00) sum to at most the cap (pillar 1). A detail across
Monday midnight splits its hours between the two weeks; the cases that flip (the withdrawn reading
counted it in full in both) are judged by the model, the greedy list and the verifier alike."""

import pytest

from tests.constraints.conftest import (
    Raw,
    assert_everyone_excluded,
    assert_senior_chosen,
    at,
    duel,
    event,
    greedy_pairs,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    verdict,
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


BOTH = {("S", "P1"), ("S", "P2")}
WEEKLY = "C-WEEKLY-CAP"


def accepted_by_all(raw: Raw) -> None:
    """S may work both details: the verifier accepts them, the model and the greedy list take
    both."""
    assert verdict(raw, BOTH) == []
    assert pairs(solved(raw)) == BOTH
    assert greedy_pairs(raw) == BOTH


def refused_by_all(raw: Raw) -> None:
    """Both details break the weekly cap: the verifier says so, the model keeps P2 (priority),
    the greedy list the earlier P1."""
    assert verdict(raw, BOTH) == [WEEKLY]
    assert pairs(solved(raw)) == {("S", "P2")}
    assert greedy_pairs(raw) == {("S", "P1")}


def test_two_details_in_one_week_exceed_the_cap():
    """Saturday and Sunday 5 h each are one ISO week: 10 h > 8, so S takes only one."""
    refused_by_all(_two_details((at("10:00", SAT), at("15:00", SAT)),
                                (at("10:00", SUN), at("15:00", SUN))))


@pytest.mark.parametrize(("monday_end", "allowed"), [("15:00", True), ("15:15", False)])
def test_detail_crossing_into_monday_counts_its_part_in_the_new_week(monday_end, allowed):
    """Sunday 22:00 → Monday 03:00 puts 3 of its 5 h in the week starting Monday; with Monday
    10:00–15:00 that is 8 h (allowed; the withdrawn reading counted 10 h), to 15:15 8.25 h."""
    raw = _two_details((at("22:00", SUN), at("03:00", MON)), (at("10:00", MON), at(monday_end, MON)))
    (accepted_by_all if allowed else refused_by_all)(raw)


@pytest.mark.parametrize(("saturday_start", "allowed"), [("10:00", True), ("09:45", False)])
def test_detail_crossing_into_monday_counts_its_part_in_the_old_week(saturday_start, allowed):
    """The same crossing detail (as P2) puts 2 h in the week it started: with Saturday
    10:00–16:00 that is 8 h (allowed; the withdrawn reading counted 11 h), from 09:45 8.25 h."""
    raw = _two_details((at(saturday_start, SAT), at("16:00", SAT)), (at("22:00", SUN), at("03:00", MON)))
    (accepted_by_all if allowed else refused_by_all)(raw)


def test_detail_longer_than_the_cap_across_monday_is_not_pruned():
    """A 10-h detail Sunday 20:00 → Monday 06:00 is 4 h + 6 h in two weeks: within an 8-h cap in
    both, so S gets it (the withdrawn reading pruned it as 10 h > 8)."""
    assert_senior_chosen(start=at("20:00", SUN), end=at("06:00", MON), policy=CAP_8)
    raw = duel(start=at("20:00", SUN), end=at("06:00", MON), policy=CAP_8)
    assert greedy_pairs(raw) == {("S", "P1")}
    assert verdict(raw, [("S", "P1")]) == []


def test_detail_longer_than_the_cap_is_excluded():
    """A single 9-h detail within one week breaks an 8-h cap on its own: nobody gets it, reason
    C-WEEKLY-CAP, by all three judges."""
    assert_everyone_excluded(WEEKLY, start=at("08:00"), end=at("17:00"), policy=CAP_8)
    raw = duel(start=at("08:00"), end=at("17:00"), policy=CAP_8)
    assert greedy_pairs(raw) == set()
    assert verdict(raw, [("S", "P1")]) == [WEEKLY]


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
