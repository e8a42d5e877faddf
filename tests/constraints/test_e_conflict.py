"""E-CONFLICT: a member-specific conflict with the employer bars the member (§III.N.3)."""

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    employer,
    event,
    instance,
    junior,
    pairs,
    position,
    senior,
    shift,
    solved,
)


def test_member_with_conflict_is_passed_over():
    """The senior member has a conflict with the detail's employer E1: the junior one gets it."""
    assert_senior_excluded("E-CONFLICT", senior_fields={"conflicts": ["E1"]})


def test_control_conflict_with_another_employer():
    """Control: a conflict with another employer (E2) does not bar the member from E1's detail."""
    raw_events = [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1")))]
    raw = instance([senior(conflicts=["E2"]), junior()], raw_events,
                   employers=[employer("E1"), employer("E2")])
    assert pairs(solved(raw)) == {("S", "P1")}


def test_control_without_conflict():
    """Control: without conflicts the senior member gets the slot."""
    assert_senior_chosen(senior_fields={"conflicts": []})
