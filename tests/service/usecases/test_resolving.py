"""The re-solve use case and its change report; roster diffs."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offduty.benchmarks import mass_cancel
from offduty.models.errors import InvalidInstance
from offduty.models.instance import Cancellation, Instance
from offduty.models.validation import parse_instance
from offduty.service.usecases.resolving import Resolved, resolve, with_roster
from offduty.service.usecases.rosters import apply_diff, roster_diff
from offduty.solver import SolveParams, verify
from offduty.solver.params import Resolve
from tests.constraints.conftest import at, instance, member, position, shift, tour
from tests.constraints.conftest import event as make_event
from tests.solver.test_resolve import move_case


def resolved(inst: Instance, **options: Any) -> Resolved:
    out = resolve(inst, SolveParams(time_limit=20, resolve=Resolve(**options)))
    assert verify(inst, out.result.pairs()) == []
    return out


def published_less_cancelled(inst: Instance) -> set[tuple[str, str]]:
    return ({(a.member, a.position) for a in inst.assignments}
            - {(c.member, c.position) for c in inst.cancellations})


def test_the_report_shows_the_move() -> None:
    inst = move_case()
    report = resolved(inst).report
    assert [(m.member, m.from_position, m.to_position) for m in report.moved] == [("A", "P", "V1")]
    assert "X (cancelled)" in report.moved[0].why and "nobody else" in report.moved[0].why
    assert "without a required certification (E-CERT" in report.moved[0].why
    assert {(a.member, a.position) for a in report.added} == {("B", "P"), ("C", "V2")}
    assert {a.position: a.why for a in report.added} == {"P": "in place of A (moved to V1)",
                                                         "V2": "in place of Y (cancelled)"}
    assert report.changes == 4 and report.removed == [] and report.left_empty == []
    assert report.proof is not None and report.proof.status == "optimal" and report.proof.bound == 4
    lines = report.lines()
    assert lines[0].startswith("4 change(s), proven minimal")
    assert any(line.startswith("moved   A from P to V1") for line in lines)


def test_the_report_is_the_roster_diff() -> None:
    """The changes the re-solve lists are the diff from the published roster less the cancelled
    pairs to the new roster: the same function that diffs two roster versions."""
    inst = move_case()
    out = resolved(inst)
    diff = roster_diff(published_less_cancelled(inst), out.result.pairs())
    assert out.report.diff() == diff
    assert diff.changes == out.report.changes == out.result.tiers[1].objective


def test_freeze_reports_why_the_vacancy_stays_open() -> None:
    report = resolved(move_case(), freeze=True).report
    (empty,) = report.left_empty
    assert empty.position == "V1" and empty.blocked["C-OVERLAP"] == 1
    assert "frozen" in empty.why and "E-CERT" in empty.why


def test_max_changes_reports_the_limit() -> None:
    report = resolved(move_case(), max_changes=1).report
    assert report.changes == 1
    assert "limit of 1 change(s) is reached" in report.left_empty[0].why


def cap_case() -> Instance:
    """P1 09:00-17:00 vacated by X; the other members worked a 10-hour tour ending at 09:00 that
    work day (hour plan 10): 10 + 8 = 18 hours, over the 16-hour cap. Nobody can take it."""
    tours = [tour(at("23:00", "2026-09-12"), at("09:00"))]
    raw = instance(
        [member("X", "2001-01-01"), *(member(f"M{i}", "2005-01-01", hour_plan=10, tours=tours)
                                       for i in range(3))],
        [make_event("EV1", shift("S1", at("09:00"), at("17:00"), position("P1")))],
        assignments=[{"member": "X", "position": "P1"}],
        cancellations=[{"member": "X", "position": "P1"}],
    )
    return parse_instance(raw)


def test_every_candidate_at_the_sixteen_hour_cap() -> None:
    report = resolved(cap_case()).report
    (empty,) = report.left_empty
    assert empty.blocked == {"C-WORK-DAY-CAP": 3, "E-CANCELLED": 1}
    assert "3 at the 16-hour work-day cap (C-WORK-DAY-CAP, §IV.A.12" in empty.why
    assert empty.why.startswith("no eligible member")


def test_a_position_nobody_is_eligible_for() -> None:
    raw = instance(
        [member("X", "2001-01-01", certifications=["k9"]), member("B", "2002-01-01")],
        [make_event("EV1", shift("S1", at("10:00"), at("14:00"), position("K", certifications=["k9"])))],
        assignments=[{"member": "X", "position": "K"}],
        cancellations=[{"member": "X", "position": "K"}],
    )
    report = resolved(parse_instance(raw)).report
    (empty,) = report.left_empty
    assert empty.why == ("no eligible member: 1 without a required certification (E-CERT, pillar 3); "
                         "1 cancelled it (E-CANCELLED, §IV.D)")


def test_a_member_no_longer_allowed_is_removed_with_the_rule() -> None:
    raw = move_case().model_dump(mode="json")
    raw["members"][1]["leaves"] = [{"kind": "injury", "start": at("08:00"), "end": at("20:00")}]
    raw["assignments"].append({"member": "B", "position": "V2", "locked": False})
    raw["assignments"] = [a for a in raw["assignments"] if a["member"] != "Y"]
    raw["cancellations"] = [c for c in raw["cancellations"] if c["member"] != "Y"]
    inst = parse_instance(raw)
    report = resolved(inst).report
    assert [(r.member, r.position) for r in report.removed] == [("B", "V2")]
    assert report.removed[0].why.startswith("no longer allowed: A member on leave") and "E-LEAVE" in \
        report.removed[0].why


def test_with_roster_names_a_bad_roster_entry() -> None:
    base = parse_instance({**move_case().model_dump(mode="json"), "assignments": [], "cancellations": []})
    with pytest.raises(InvalidInstance) as err:
        with_roster(base, [("A", "P"), ("NOBODY", "P")], [])
    assert any(p.path.endswith(".member") and "NOBODY" in p.message for p in err.value.problems)
    inst = with_roster(base, [("A", "P")], [Cancellation(member="A", position="P")])
    assert [(a.member, a.position, a.locked) for a in inst.assignments] == [("A", "P", False)]
    assert len(inst.cancellations) == 1


@functools.cache
def chiefs() -> tuple[Instance, Resolved]:
    inst = parse_instance(mass_cancel.generate(1))
    return inst, resolve(inst, SolveParams(time_limit=30, resolve=Resolve()))


def test_chiefs_after_a_quarter_cancelled_only_refills() -> None:
    inst, out = chiefs()
    assert verify(inst, out.result.pairs()) == []
    report = out.report
    assert len(report.cancelled) == len(inst.cancellations)
    assert report.moved == [] and report.removed == [] and report.left_empty == []
    assert report.changes == len(report.added) == len(inst.cancellations)
    assert all(a.why.endswith("(cancelled)") for a in report.added)
    assert report.proof is not None and report.proof.status == "optimal"
    assert report.diff() == roster_diff(published_less_cancelled(inst), out.result.pairs())


# --- roster diffs --------------------------------------------------------------------------------

pair_sets = st.sets(st.tuples(st.sampled_from("ABCDE"), st.sampled_from(["P1", "P2", "P3"])), max_size=10)


@settings(max_examples=200, deadline=None)
@given(before=pair_sets, after=pair_sets)
def test_a_diff_applied_gives_the_other_roster(before: set[tuple[str, str]],
                                               after: set[tuple[str, str]]) -> None:
    diff = roster_diff(before, after)
    assert apply_diff(before, diff) == after
    assert diff.changes == len(before ^ after)
    assert diff.empty == (before == after)
    # a member who both loses and gains a position is moved, never added and removed
    assert not {a.member for a in diff.added} & {r.member for r in diff.removed}
