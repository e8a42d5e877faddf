"""Self-cancellations and transfers by §IV.D (`offduty.service.usecases.cancellations`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.service.usecases import cancellations as cx
from offduty.service.usecases.resolving import resolve, with_roster
from offduty.solver import SolveParams, verify

CDT = dt.timezone(dt.timedelta(hours=-5))
#: The detail of the tests starts here (shift S1 of EV1).
START = dt.datetime(2026, 9, 13, 10, 0, tzinfo=CDT)
ROSTER = {("A", "P1"), ("B", "P1")}


def game(**policy: Any) -> Instance:
    """P1 (2 slots) on 2026-09-13 10:00-14:00, held by A and B; C is free; D is on duty then."""
    def iso(t: dt.datetime) -> str:
        return t.isoformat()
    return parse_instance({
        "name": "cancel-test", "policy": policy,
        "members": [{"id": "A", "seniority_date": "2001-01-01"}, {"id": "B", "seniority_date": "2002-01-01"},
                    {"id": "C", "seniority_date": "2003-01-01"},
                    {"id": "D", "seniority_date": "2000-01-01", "hour_plan": 10,
                     "tours": [{"start": iso(START - dt.timedelta(hours=2)),
                                "end": iso(START + dt.timedelta(hours=8))}]}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": [
            {"id": "S1", "start": iso(START), "end": iso(START + dt.timedelta(hours=4)),
             "positions": [{"id": "P1", "count": 2}]}]}],
        "assignments": [{"member": m, "position": p} for m, p in sorted(ROSTER)],
    })


def ask(instance: Instance, days_before: float, records: list[cx.CancellationRecord] | None = None,
        **kw: Any) -> cx.CancellationRecord:
    fields: dict[str, Any] = {"member": "A", "position": "P1", "reason": "court",
                              "comment": "Subpoenaed to testify that morning."}
    fields.update(kw)
    return cx.request_cancellation(instance, ROSTER, records or [],
                                   at=START - dt.timedelta(days=days_before), **fields)


def test_beyond_fourteen_days_is_immediate() -> None:
    record = ask(game(), 20, reason=None)
    assert record.status == cx.CancellationStatus.CANCELLED and record.in_force
    assert cx.scheduled(ROSTER, [record]) == {("B", "P1")}
    assert [c.member for c in cx.in_force([record])] == ["A"]


def test_within_fourteen_days_stays_pending_and_the_member_keeps_the_position() -> None:
    record = ask(game(), 2)
    assert record.status == cx.CancellationStatus.CANCEL_PENDING
    assert cx.scheduled(ROSTER, [record]) == ROSTER  # still scheduled (§IV.D.3.d)
    assert cx.in_force([record]) == []
    approved = cx.decide(record, approve=True, by="coordinator", at=START - dt.timedelta(days=1))
    assert approved.status == cx.CancellationStatus.APPROVED and approved.decided_by == "coordinator"
    assert cx.scheduled(ROSTER, [approved]) == {("B", "P1")}


def test_a_pending_member_stays_on_the_re_solved_roster() -> None:
    inst = game()
    record = ask(inst, 2)
    resolved = resolve(with_roster(inst, ROSTER, cx.in_force([record])), SolveParams(time_limit=10))
    assert set(resolved.result.pairs()) == ROSTER
    assert resolved.report.changes == 0


def test_a_denied_cancellation_changes_nothing() -> None:
    inst = game()
    record = ask(inst, 2)
    denied = cx.decide(record, approve=False, by="coordinator", at=START - dt.timedelta(days=1), note="no")
    assert denied.status == cx.CancellationStatus.DENIED
    assert cx.scheduled(ROSTER, [denied]) == ROSTER
    resolved = resolve(with_roster(inst, ROSTER, cx.in_force([denied])), SolveParams(time_limit=10))
    assert set(resolved.result.pairs()) == ROSTER and resolved.report.changes == 0
    with pytest.raises(cx.CancellationError, match="denied, not cancel_pending"):
        cx.decide(denied, approve=True, by="coordinator", at=START)


def test_an_approved_cancellation_is_refilled() -> None:
    inst = game()
    approved = cx.decide(ask(inst, 2), approve=True, by="coordinator", at=START - dt.timedelta(days=1))
    resolved = resolve(with_roster(inst, ROSTER, cx.in_force([approved])), SolveParams(time_limit=10))
    assert set(resolved.result.pairs()) == {("B", "P1"), ("C", "P1")}  # D is on duty
    assert [(a.member, a.why) for a in resolved.report.added] == [("C", "in place of A (cancelled)")]


@pytest.mark.parametrize("days", [2, 20])
def test_a_missing_comment_is_refused(days: float) -> None:
    """§IV.D.3.c: every self-cancellation needs a comment, within or beyond the notice period."""
    for comment in (None, "", "   "):
        with pytest.raises(cx.CancellationError) as err:
            ask(game(), days, comment=comment)
        assert err.value.field == "comment" and "comment is required" in err.value.message


@pytest.mark.parametrize("reason", [None, "", " "])
def test_a_missing_reason_within_fourteen_days_is_refused(reason: str | None) -> None:
    with pytest.raises(cx.CancellationError) as err:
        ask(game(), 2, reason=reason)
    assert err.value.field == "reason"
    assert "within 14 days" in err.value.message and "illness" in err.value.message


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(cx.CancellationError, match="unknown reason code 'bored'"):
        ask(game(), 2, reason="bored")


def test_medical_details_are_refused_and_not_repeated() -> None:
    comment = "Diagnosed with influenza, fever of 102"
    with pytest.raises(cx.CancellationError) as err:
        ask(game(), 2, reason="illness", comment=comment)
    assert err.value.field == "comment" and "§IV.D.3.c(2)" in err.value.message
    assert "influenza" not in str(err.value) and "102" not in str(err.value)
    # saying that one is ill is not a medical detail
    assert ask(game(), 2, reason="illness", comment="Unable to work due to illness.").pending


def test_the_notice_period_and_the_reasons_are_policy_settings() -> None:
    inst = game(cancellation_notice_days=7, cancellation_reasons=["sick", "court", "other"])
    assert ask(inst, 10, reason=None).status == cx.CancellationStatus.CANCELLED
    assert ask(inst, 5, reason="sick").pending
    with pytest.raises(cx.CancellationError, match="one of sick, court, other"):
        ask(inst, 5, reason="illness")


def test_cancelling_what_one_does_not_hold_or_twice_or_too_late() -> None:
    inst = game()
    with pytest.raises(cx.CancellationError, match="C does not hold P1"):
        ask(inst, 2, member="C")
    with pytest.raises(cx.CancellationError, match="no member with id 'Z'"):
        ask(inst, 2, member="Z")
    with pytest.raises(cx.CancellationError, match="no position with id 'P9'"):
        ask(inst, 2, position="P9")
    first = ask(inst, 2)
    with pytest.raises(cx.CancellationError, match="already cancelled"):
        ask(inst, 1, records=[first])
    with pytest.raises(cx.CancellationError, match="too late"):
        ask(inst, -0.01)


@settings(max_examples=60, deadline=None)
@given(minutes=st.integers(1, 40 * 24 * 60), notice=st.integers(0, 30))
def test_immediate_exactly_when_more_than_the_notice_days_ahead(minutes: int, notice: int) -> None:
    inst = game(cancellation_notice_days=notice)
    record = ask(inst, minutes / (24 * 60))
    ahead = dt.timedelta(minutes=minutes)
    assert (record.status == cx.CancellationStatus.CANCELLED) == (ahead > dt.timedelta(days=notice))


# --- transfers ---------------------------------------------------------------------------------


def test_transfer_to_an_eligible_member() -> None:
    inst = game()
    after = cx.transfer(inst, ROSTER, from_member="A", to_member="C", position="P1")
    assert after == {("B", "P1"), ("C", "P1")}
    assert verify(inst, after) == []


def test_transfer_to_a_member_who_cannot_take_it_is_refused() -> None:
    inst = game()
    with pytest.raises(cx.CancellationError) as err:
        cx.transfer(inst, ROSTER, from_member="A", to_member="D", position="P1")
    assert err.value.field == "to" and "E-ON-DUTY" in err.value.message
    with pytest.raises(cx.CancellationError, match="B already holds P1"):
        cx.transfer(inst, ROSTER, from_member="A", to_member="B", position="P1")
    with pytest.raises(cx.CancellationError, match="C does not hold P1"):
        cx.transfer(inst, ROSTER, from_member="C", to_member="A", position="P1")


def test_a_transfer_settles_a_pending_cancellation() -> None:
    inst = game()
    pending = ask(inst, 2)
    settled = cx.settle_by_transfer([pending], from_member="A", position="P1", to_member="C",
                                    by="coordinator", at=START - dt.timedelta(days=1))
    assert settled[0].status == cx.CancellationStatus.TRANSFERRED and settled[0].note == "transferred to C"
