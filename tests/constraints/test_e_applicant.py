"""E-APPLICANT: with candidates `applicants`, a pool detail goes only to members who applied for
its shift (§III.E, §IV.A.5); it binds with no other candidates setting and on no non-pool detail."""

import pytest

from offduty.models.solution import Candidates
from tests.constraints.conftest import (
    at,
    duel,
    event,
    instance,
    junior,
    pairs,
    position,
    senior,
    shift,
    solved,
    unfilled,
)

APPLIED = [{"member": "J", "shift": "S1", "at": at("08:00", "2026-09-01")}]


def test_only_applicants_take_pool_details():
    """Only the junior member applied: with candidates `applicants`, the senior member is passed
    over and, with two slots, one stays empty with reason E-APPLICANT."""
    one = solved(duel(count=1, applications=APPLIED), candidates=Candidates.APPLICANTS)
    assert pairs(one) == {("J", "P1")}
    two = solved(duel(count=2, applications=APPLIED), candidates=Candidates.APPLICANTS)
    assert pairs(two) == {("J", "P1")}
    assert unfilled(two)["P1"].reasons == {"E-APPLICANT": 1}


def test_application_for_another_shift_does_not_count():
    """The senior member applied for shift S2, not S1: still not a candidate for S1."""
    raw = instance(
        [senior(), junior()],
        [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1")),
               shift("S2", at("16:00"), at("20:00"), position("P2")))],
        applications=[*APPLIED, {"member": "S", "shift": "S2", "at": at("08:00", "2026-09-01")}],
    )
    res = solved(raw, candidates=Candidates.APPLICANTS)
    assert pairs(res) == {("J", "P1"), ("S", "P2")}


@pytest.mark.parametrize("candidates", [Candidates.ALL_ELIGIBLE, None], ids=["all_eligible", "default"])
def test_control_all_eligible_ignores_applications(candidates):
    """Control: with candidates `all_eligible` (also the default) the senior member, who did not
    apply, gets the slot."""
    params = {} if candidates is None else {"candidates": candidates}
    assert pairs(solved(duel(count=1, applications=APPLIED), **params)) == {("S", "P1")}
    two = solved(duel(count=2, applications=APPLIED), **params)
    assert pairs(two) == {("S", "P1"), ("J", "P1")}


def test_control_non_pool_detail_is_open_to_non_applicants():
    """Control: with candidates `applicants`, a detail that is not a pool detail still goes to the
    senior member, who did not apply."""
    raw = duel(count=1, applications=APPLIED, event_fields={"pool": False})
    assert pairs(solved(raw, candidates=Candidates.APPLICANTS)) == {("S", "P1")}


def test_control_no_applicant_reason_under_all_eligible():
    """Control: with three slots and `all_eligible`, both members are assigned and the one empty
    slot has no reason at all (nobody was excluded, E-APPLICANT included)."""
    res = solved(duel(count=3, applications=APPLIED))
    assert pairs(res) == {("S", "P1"), ("J", "P1")}
    assert unfilled(res)["P1"].reasons == {}
