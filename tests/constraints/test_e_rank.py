"""E-RANK: a member below a position's `min_rank` does not take it (§IV.A.8); `civilian` counts as
`officer` (who may do law enforcement at all is E-NON-SWORN-LE's business)."""

import pytest

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    member,
    one_slot,
    pairs,
    solved,
)


@pytest.mark.parametrize(("senior_rank", "junior_rank", "min_rank"), [
    ("officer", "sergeant", "sergeant"),
    ("sergeant", "captain", "captain"),
    ("major", "deputy_chief", "deputy_chief"),
    ("civilian", "sergeant", "sergeant"),
])
def test_senior_below_min_rank_is_passed_over(senior_rank, junior_rank, min_rank):
    """The senior member's rank is one step below the position's minimum, the junior member's
    meets it: the junior member gets it; with two slots one stays empty with reason E-RANK."""
    kw = {"senior_fields": {"rank": senior_rank}, "junior_fields": {"rank": junior_rank},
          "position_fields": {"min_rank": min_rank}}
    if senior_rank == "civilian":  # keep E-NON-SWORN-LE out of the way
        kw["senior_fields"] = {"rank": "civilian", "kind": "non_sworn"}
        kw["event_fields"] = {"law_enforcement": False}
    assert_senior_excluded("E-RANK", **kw)


@pytest.mark.parametrize(("senior_rank", "min_rank"), [
    ("officer", "officer"),
    ("captain", "sergeant"),
    ("deputy_chief", "major"),
])
def test_control_rank_at_or_above_minimum(senior_rank, min_rank):
    """Controls: members at or above the minimum rank (both of the same rank here) take the slot,
    the senior one first."""
    assert_senior_chosen(senior_fields={"rank": senior_rank}, junior_fields={"rank": senior_rank},
                         position_fields={"min_rank": min_rank})


def test_control_civilian_counts_as_officer():
    """Control: a civilian (non-sworn, non-law-enforcement detail) meets min_rank officer and,
    being the most senior, gets the slot."""
    raw = one_slot([member("C", "1995-01-01", kind="non_sworn", rank="civilian"),
                    member("J", "2015-01-01")],
                   position_fields={"min_rank": "officer"}, event_fields={"law_enforcement": False})
    assert pairs(solved(raw)) == {("C", "P1")}
