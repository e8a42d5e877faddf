"""E-CANCELLED (extension, §IV.D): a member who cancelled a position is not given it again, but
may take another; a re-solve refills the cancelled position."""

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    duel,
    event,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    unfilled,
)

CANCELLED = [{"member": "S", "position": "P1", "at": at("09:00", "2026-09-11"), "reason": "illness"}]


def test_cancelled_member_is_not_reassigned():
    """The senior member cancelled P1: the junior member refills it; with two slots one stays
    empty with reason E-CANCELLED."""
    assert_senior_excluded("E-CANCELLED", cancellations=CANCELLED)


def test_cancelled_member_takes_another_position():
    """Only S exists; S cancelled P1 (priority 2) and P2 (priority 1) is in an overlapping shift.
    Giving S P1 again would score better on coverage, yet S takes P2 and P1 stays unfilled with
    reason E-CANCELLED."""
    raw = instance(
        [senior()],
        [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1", priority=2)),
               shift("S2", at("12:00"), at("16:00"), position("P2", priority=1)))],
        cancellations=CANCELLED,
    )
    res = solved(raw)
    assert pairs(res) == {("S", "P2")}
    assert unfilled(res)["P1"].reasons == {"E-CANCELLED": 1}


def test_cancelled_pair_in_current_roster_is_dropped():
    """The current roster (unlocked) still holds S on P1, which S has since cancelled: the
    re-solve drops it (one change) and refills P1 with J."""
    raw = duel(count=1, cancellations=CANCELLED, assignments=[{"member": "S", "position": "P1"}])
    res = solved(raw)
    assert pairs(res) == {("J", "P1")}
    assert res.metrics["changes"] == 1


def test_control_cancellation_by_someone_else():
    """Control: a cancellation of P1 by the junior member does not bar the senior one."""
    other = [{**CANCELLED[0], "member": "J"}]
    one = solved(duel(count=1, cancellations=other))
    assert pairs(one) == {("S", "P1")}


def test_control_no_cancellation():
    """Control: without the cancellation the senior member gets P1."""
    assert_senior_chosen(cancellations=[])
