"""Input validation (models.validation): every class of input error is reported with the exact
field path and a clear message, all problems of a document at once, each class with its own
exit code; and the documented defaults of DESIGN.md apply when optional fields are left out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offduty.models.errors import InvalidInstance, Problem, ProblemKind, sort_problems
from offduty.models.instance import (
    DEFAULT_STAFFING_RATIOS,
    MemberKind,
    MemberStatus,
    Privileges,
    Rank,
    StaffingRatio,
    Venue,
)
from offduty.models.validation import load_instance_file, parse_instance
from tests.models.conftest import Raw, at, valid_raw

K = ProblemKind


def problems_of(raw: Any) -> list[Problem]:
    with pytest.raises(InvalidInstance) as info:
        parse_instance(raw)
    return info.value.problems


def minimal(**fields: Any) -> Raw:
    """The smallest valid document (one member, one event without shifts), with `fields` set."""
    return {"members": [{"id": "M0", "seniority_date": "2012-03-04"}],
            "events": [{"id": "EV0", "employer": "E0"}], "employers": [{"id": "E0"}], **fields}


def member(d: Raw, i: int = 0) -> Raw:
    return d["members"][i]


def event(d: Raw, i: int = 0) -> Raw:
    return d["events"][i]


def shift(d: Raw, i: int = 0) -> Raw:
    return d["events"][0]["shifts"][i]


def pos(d: Raw, k: int = 0) -> Raw:
    return d["events"][0]["shifts"][0]["positions"][k]


def add_event(d: Raw, ev_id: str = "EV2", shift_id: str = "S2", pos_id: str = "P2") -> None:
    d["events"].append({"id": ev_id, "employer": "E1", "shifts": [
        {"id": shift_id, "start": at("18:00"), "end": at("22:00"),
         "positions": [{"id": pos_id, "count": 1}]}]})


def lock_both_on_one_slot(d: Raw) -> None:
    pos(d)["count"] = 1
    d["assignments"] = [{"member": "A", "position": "P1", "locked": True},
                        {"member": "B", "position": "P1", "locked": True}]


Mutation = Callable[[Raw], object]

# (case id, mutation of the valid document, exact path, fragment of the message, class)
CASES: list[tuple[str, Mutation, str, str, ProblemKind]] = [
    # --- schema: unknown field, wrong enum value / type, missing required field ---------------
    ("unknown-member-field", lambda d: member(d).update(rank_title="Sgt."),
     "members[0].rank_title", "unknown field", K.SCHEMA),
    ("unknown-top-field", lambda d: d.update(venue_notes="x"), "venue_notes", "unknown field", K.SCHEMA),
    ("unknown-position-field", lambda d: pos(d).update(colour="red"),
     "events[0].shifts[0].positions[0].colour", "unknown field", K.SCHEMA),
    ("unknown-policy-field", lambda d: d.update(policy={"max_hours": 3}),
     "policy.max_hours", "unknown field", K.SCHEMA),
    ("enum-member-kind", lambda d: member(d).update(kind="deputy"),
     "members[0].kind", "'sworn', 'reserve' or 'non_sworn'", K.SCHEMA),
    ("enum-rank", lambda d: member(d, 1).update(rank="lieutenant"), "members[1].rank", "lieutenant",
     K.SCHEMA),
    ("enum-status", lambda d: member(d).update(status="retired"), "members[0].status", "retired", K.SCHEMA),
    ("enum-privileges", lambda d: member(d).update(privileges="maybe"), "members[0].privileges", "maybe",
     K.SCHEMA),
    ("enum-hour-plan", lambda d: member(d).update(hour_plan=9), "members[0].hour_plan", "8, 10 or 11",
     K.SCHEMA),
    ("enum-leave-kind", lambda d: member(d).update(leaves=[
        {"kind": "vacation", "start": at("00:00", "2026-09-12"), "end": at("05:00", "2026-09-12")}]),
     "members[0].leaves[0].kind", "vacation", K.SCHEMA),
    ("enum-venue", lambda d: event(d).update(venue="stadium"), "events[0].venue", "sporting_alcohol",
     K.SCHEMA),
    ("enum-restriction", lambda d: d["employers"][0].update(restricted=["casino"]),
     "employers[0].restricted[0]", "gambling", K.SCHEMA),
    ("enum-min-rank", lambda d: pos(d).update(min_rank="chief"),
     "events[0].shifts[0].positions[0].min_rank", "chief", K.SCHEMA),
    ("enum-staffing-venue", lambda d: d.update(policy={"staffing_ratios": {
        "stadium": {"attendees_per_officer": 100, "core": 1}}}),
     "policy.staffing_ratios.stadium", "stadium", K.SCHEMA),
    ("wrong-type-count", lambda d: pos(d).update(count="two"),
     "events[0].shifts[0].positions[0].count", "integer", K.SCHEMA),
    ("wrong-type-time", lambda d: shift(d).update(start="noon"), "events[0].shifts[0].start", "datetime",
     K.SCHEMA),
    ("missing-seniority-date", lambda d: member(d).pop("seniority_date"),
     "members[0].seniority_date", "required field is missing", K.SCHEMA),
    ("missing-member-id", lambda d: member(d, 1).pop("id"), "members[1].id", "required field is missing",
     K.SCHEMA),
    ("missing-event-employer", lambda d: event(d).pop("employer"),
     "events[0].employer", "required field is missing", K.SCHEMA),
    ("missing-position-count", lambda d: pos(d).pop("count"),
     "events[0].shifts[0].positions[0].count", "required field is missing", K.SCHEMA),
    ("missing-tour-end", lambda d: member(d)["tours"][0].pop("end"),
     "members[0].tours[0].end", "required field is missing", K.SCHEMA),
    ("missing-application-at", lambda d: d.update(applications=[{"member": "A", "shift": "S1"}]),
     "applications[0].at", "required field is missing", K.SCHEMA),
    ("hour-plan-missing-with-tours", lambda d: member(d).pop("hour_plan"),
     "members[0].hour_plan", "required when the member has tours", K.SCHEMA),
    ("hour-plan-null-with-tours", lambda d: member(d).update(hour_plan=None),
     "members[0].hour_plan", "required when the member has tours", K.SCHEMA),
    ("unknown-timezone", lambda d: d.update(policy={"timezone": "America/Gotham"}),
     "policy.timezone", "unknown time zone 'America/Gotham'", K.SCHEMA),
    # --- a time without a UTC offset -----------------------------------------------------------
    ("naive-tour-start", lambda d: member(d)["tours"][0].update(start="2026-09-13T06:00:00"),
     "members[0].tours[0].start", "without a UTC offset", K.NAIVE_TIME),
    ("naive-date-only", lambda d: member(d)["tours"][0].update(start="2026-09-13"),
     "members[0].tours[0].start", "without a UTC offset", K.NAIVE_TIME),
    ("naive-leave-end", lambda d: member(d, 1).update(leaves=[
        {"kind": "sick", "start": at("06:00"), "end": "2026-09-13T16:00:00"}]),
     "members[1].leaves[0].end", "without a UTC offset", K.NAIVE_TIME),
    ("naive-last-worked", lambda d: member(d).update(last_worked="2026-09-06T20:00:00"),
     "members[0].last_worked", "without a UTC offset", K.NAIVE_TIME),
    ("naive-shift-end", lambda d: shift(d).update(end="2026-09-13T14:00:00"),
     "events[0].shifts[0].end", "without a UTC offset", K.NAIVE_TIME),
    ("naive-window-start", lambda d: event(d).update(window={"start": "2026-09-13T10:00:00",
                                                              "end": at("17:00")}),
     "events[0].window.start", "without a UTC offset", K.NAIVE_TIME),
    ("naive-application-at", lambda d: d.update(applications=[
        {"member": "A", "shift": "S1", "at": "2026-09-01T08:00:03"}]),
     "applications[0].at", "without a UTC offset", K.NAIVE_TIME),
    ("naive-cancellation-at", lambda d: d.update(cancellations=[
        {"member": "B", "position": "P1", "at": "2026-09-11T09:00:00"}]),
     "cancellations[0].at", "without a UTC offset", K.NAIVE_TIME),
    # --- time order: end before / equal to start, overlapping tours ----------------------------
    ("tour-end-before-start", lambda d: member(d)["tours"][0].update(end=at("05:00")),
     "members[0].tours[0].end", "before start", K.TIME_ORDER),
    ("tour-end-equals-start", lambda d: member(d)["tours"][0].update(end=at("06:00")),
     "members[0].tours[0].end", "equal to start", K.TIME_ORDER),
    # 04:30 at -06:00 is 05:30 at -05:00: before the 06:00 start once offsets are applied
    ("tour-end-before-start-other-offset",
     lambda d: member(d)["tours"][0].update(end="2026-09-13T04:30:00-06:00"),
     "members[0].tours[0].end", "before start", K.TIME_ORDER),
    ("leave-end-before-start", lambda d: member(d, 1).update(leaves=[
        {"kind": "sick", "start": at("10:00"), "end": at("09:00")}]),
     "members[1].leaves[0].end", "before start", K.TIME_ORDER),
    ("leave-end-equals-start", lambda d: member(d, 1).update(leaves=[
        {"kind": "funeral", "start": at("10:00"), "end": at("10:00")}]),
     "members[1].leaves[0].end", "equal to start", K.TIME_ORDER),
    ("shift-end-before-start", lambda d: shift(d).update(end=at("09:00")),
     "events[0].shifts[0].end", "before start", K.TIME_ORDER),
    ("shift-end-equals-start", lambda d: shift(d).update(end=at("10:00")),
     "events[0].shifts[0].end", "equal to start", K.TIME_ORDER),
    ("window-end-before-start", lambda d: event(d).update(window={"start": at("17:00"), "end": at("10:00")}),
     "events[0].window.end", "before start", K.TIME_ORDER),
    ("window-end-equals-start", lambda d: event(d).update(window={"start": at("10:00"), "end": at("10:00")}),
     "events[0].window.end", "equal to start", K.TIME_ORDER),
    ("overlapping-tours", lambda d: member(d)["tours"].append({"start": at("15:00"), "end": at("23:00")}),
     "members[0].tours[1]", "overlaps tours[0]", K.TIME_ORDER),
    ("overlapping-tours-listed-first", lambda d: member(d)["tours"].insert(
        0, {"start": at("15:00"), "end": at("23:00")}),
     "members[0].tours[0]", "overlaps tours[1]", K.TIME_ORDER),
    # --- duplicate ids ------------------------------------------------------------------------
    ("duplicate-member", lambda d: member(d, 1).update(id="A"),
     "members[1].id", "duplicate member id 'A' (first at members[0])", K.DUPLICATE_ID),
    ("duplicate-employer", lambda d: d["employers"].append({"id": "E1"}),
     "employers[1].id", "duplicate employer id 'E1'", K.DUPLICATE_ID),
    ("duplicate-event", lambda d: add_event(d, ev_id="EV1"),
     "events[1].id", "duplicate event id 'EV1'", K.DUPLICATE_ID),
    ("duplicate-shift-across-events", lambda d: add_event(d, shift_id="S1"),
     "events[1].shifts[0].id", "duplicate shift id 'S1' (first at events[0].shifts[0])", K.DUPLICATE_ID),
    ("duplicate-position-across-events", lambda d: add_event(d, pos_id="P1"),
     "events[1].shifts[0].positions[0].id", "duplicate position id 'P1'", K.DUPLICATE_ID),
    ("duplicate-position-in-shift", lambda d: shift(d)["positions"].append({"id": "P1", "count": 1}),
     "events[0].shifts[0].positions[1].id", "duplicate position id 'P1'", K.DUPLICATE_ID),
    ("duplicate-assignment", lambda d: d.update(assignments=[
        {"member": "A", "position": "P1", "locked": True}, {"member": "A", "position": "P1"}]),
     "assignments[1]", "already assigned to 'P1' by assignments[0]", K.DUPLICATE_ID),
    # --- dangling references ------------------------------------------------------------------
    ("dangling-event-employer", lambda d: event(d).update(employer="E9"),
     "events[0].employer", "no employer with id 'E9'", K.DANGLING_REFERENCE),
    ("dangling-application-member", lambda d: d.update(applications=[
        {"member": "Z", "shift": "S1", "at": at("08:00", "2026-09-01")}]),
     "applications[0].member", "no member with id 'Z'", K.DANGLING_REFERENCE),
    ("dangling-application-shift", lambda d: d.update(applications=[
        {"member": "A", "shift": "P1", "at": at("08:00", "2026-09-01")}]),
     "applications[0].shift", "no shift with id 'P1'", K.DANGLING_REFERENCE),
    ("dangling-assignment-member", lambda d: d.update(assignments=[{"member": "Z", "position": "P1"}]),
     "assignments[0].member", "no member with id 'Z'", K.DANGLING_REFERENCE),
    ("dangling-assignment-position", lambda d: d.update(assignments=[{"member": "A", "position": "S1"}]),
     "assignments[0].position", "no position with id 'S1'", K.DANGLING_REFERENCE),
    ("dangling-cancellation-member", lambda d: d.update(cancellations=[{"member": "Z", "position": "P1"}]),
     "cancellations[0].member", "no member with id 'Z'", K.DANGLING_REFERENCE),
    ("dangling-cancellation-position", lambda d: d.update(cancellations=[{"member": "A", "position": "PX"}]),
     "cancellations[0].position", "no position with id 'PX'", K.DANGLING_REFERENCE),
    ("dangling-member-conflict", lambda d: member(d, 1).update(conflicts=["E1", "E77"]),
     "members[1].conflicts[1]", "no employer with id 'E77'", K.DANGLING_REFERENCE),
    ("dangling-member-supervisor", lambda d: member(d, 1).update(supervisor="Z"),
     "members[1].supervisor", "no member with id 'Z'", K.DANGLING_REFERENCE),
    # --- out of range -------------------------------------------------------------------------
    ("negative-invoice-fee", lambda d: d.update(policy={"invoice_fees": {"per_hour": -1}}),
     "policy.invoice_fees.per_hour", "must be at least 0", K.OUT_OF_RANGE),
    ("negative-count", lambda d: pos(d).update(count=-1),
     "events[0].shifts[0].positions[0].count", "must be at least 0", K.OUT_OF_RANGE),
    ("negative-hours-ytd", lambda d: member(d).update(hours_ytd=-2.5),
     "members[0].hours_ytd", "must be at least 0", K.OUT_OF_RANGE),
    ("negative-exception-hours", lambda d: member(d)["tours"][0].update(exception_hours=-1),
     "members[0].tours[0].exception_hours", "must be at least 0", K.OUT_OF_RANGE),
    ("exception-hours-longer-than-tour", lambda d: member(d)["tours"][0].update(exception_hours=10.5),
     "members[0].tours[0].exception_hours", "10.5 h exceeds the tour's 10 h", K.OUT_OF_RANGE),
    ("negative-open-closeouts", lambda d: member(d).update(open_closeouts=-1),
     "members[0].open_closeouts", "must be at least 0", K.OUT_OF_RANGE),
    ("negative-attendance", lambda d: event(d).update(attendance=-100),
     "events[0].attendance", "must be at least 0", K.OUT_OF_RANGE),
    ("zero-priority", lambda d: pos(d).update(priority=0),
     "events[0].shifts[0].positions[0].priority", "must be at least 1", K.OUT_OF_RANGE),
    ("zero-work-day-cap", lambda d: d.update(policy={"work_day_cap_hours": 0}),
     "policy.work_day_cap_hours", "must be more than 0", K.OUT_OF_RANGE),
    ("negative-rest", lambda d: d.update(policy={"min_rest_hours": -8}),
     "policy.min_rest_hours", "must be at least 0", K.OUT_OF_RANGE),
    ("zero-attendees-per-officer", lambda d: d.update(policy={"staffing_ratios": {
        "nightclub": {"attendees_per_officer": 0, "core": 3}}}),
     "policy.staffing_ratios.nightclub.attendees_per_officer", "must be more than 0", K.OUT_OF_RANGE),
    # --- against the policy itself ------------------------------------------------------------
    ("pay-below-default-minimum", lambda d: pos(d).update(pay_rate=20),
     "events[0].shifts[0].positions[0].pay_rate", "20 is below the minimum pay rate 38 (§III.D)",
     K.POLICY),
    ("pay-below-instance-minimum", lambda d: d.update(policy={"minimum_pay_rate": 60}),
     "events[0].shifts[0].positions[0].pay_rate", "50 is below the minimum pay rate 60", K.POLICY),
    ("locked-and-cancelled", lambda d: d.update(
        assignments=[{"member": "B", "position": "P1", "locked": True}],
        cancellations=[{"member": "B", "position": "P1", "reason": "illness"}]),
     "assignments[0].locked", "cancelled by cancellations[0]", K.POLICY),
    ("own-supervisor", lambda d: member(d).update(supervisor=member(d)["id"]),
     "members[0].supervisor", "cannot be their own supervisor", K.POLICY),
    ("locked-over-count", lambda d: lock_both_on_one_slot(d),
     "assignments[1]", "2 locked assignments on position 'P1', whose count is 1", K.POLICY),
]

@pytest.mark.parametrize(("mutate", "path", "fragment", "kind"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_input_error_names_its_path(mutate: Mutation, path: str, fragment: str,
                                         kind: ProblemKind) -> None:
    d = valid_raw()
    mutate(d)
    with pytest.raises(InvalidInstance) as info:
        parse_instance(d)
    exc = info.value
    matching = [p for p in exc.problems if p.path == path]
    assert matching, f"no problem at {path!r}; got {[str(p) for p in exc.problems]}"
    p = matching[0]
    assert fragment in p.message
    assert p.kind is kind
    assert str(p) == f"{path}: {p.message}"
    assert f"{path}: " in str(exc)
    assert exc.exit_code == kind.exit_code


def test_the_valid_document_is_valid(raw: Raw) -> None:
    inst = parse_instance(raw)
    assert [m.id for m in inst.members] == ["A", "B"]
    assert inst.events[0].shifts[0].positions[0].pay_rate == 50.0


@pytest.mark.parametrize("mutate", [
    pytest.param(lambda d: member(d)["tours"].append({"start": at("16:00"), "end": at("23:00")}),
                 id="back-to-back-tours"),
    pytest.param(lambda d: member(d)["tours"][0].update(exception_hours=10), id="exception-equals-tour"),
    pytest.param(lambda d: pos(d).update(pay_rate=38), id="pay-equals-minimum"),
    pytest.param(lambda d: pos(d).update(count=0), id="zero-count"),
    pytest.param(lambda d: d.update(assignments=[{"member": "A", "position": "P1", "locked": True},
                                                 {"member": "B", "position": "P1", "locked": True}]),
                 id="locked-equals-count"),
    # 05:30 at -06:00 is 06:30 at -05:00: after the 06:00-05:00 start once offsets are applied
    pytest.param(lambda d: member(d)["tours"][0].update(end="2026-09-13T05:30:00-06:00"),
                 id="end-after-start-in-another-offset"),
    pytest.param(lambda d: d.update(
        assignments=[{"member": "B", "position": "P1"}],
        cancellations=[{"member": "B", "position": "P1"}]), id="unlocked-and-cancelled"),
    pytest.param(lambda d: member(d)["tours"][0].update(start="2026-09-13T11:00:00Z"), id="zulu-offset"),
    pytest.param(lambda d: d.update(policy={"timezone": "UTC"}), id="utc-timezone"),
    pytest.param(lambda d: member(d, 1).update(leaves=[
        {"kind": "sick", "start": at("06:00"), "end": at("16:00"), "medical_appointment": True}]),
        id="leave"),
])
def test_boundaries_that_are_valid(mutate: Mutation) -> None:
    d = valid_raw()
    mutate(d)
    parse_instance(d)


def test_every_overlapping_tour_is_reported(raw: Raw) -> None:
    member(raw)["tours"] += [{"start": at("07:00"), "end": at("08:00")},
                             {"start": at("09:00"), "end": at("10:00")}]
    paths = {p.path for p in problems_of(raw)}
    assert {"members[0].tours[1]", "members[0].tours[2]"} <= paths


def test_not_an_object() -> None:
    (p,) = problems_of([1, 2])
    assert p.kind is K.SCHEMA
    assert "dictionary" in p.message


# --- files ------------------------------------------------------------------------------------


def test_not_json_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text('{"members": [\n  {"id": "A",}\n]}')
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    (p,) = info.value.problems
    assert p.kind is K.UNREADABLE
    assert p.path == ""
    assert p.message.startswith("not valid JSON")
    assert "line 2" in p.message
    assert info.value.exit_code == 10


def test_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "nope.json"
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    (p,) = info.value.problems
    assert p.kind is K.UNREADABLE
    assert p.message == f"no such file: {f}"
    assert info.value.exit_code == 10


def test_not_utf8_file(tmp_path: Path) -> None:
    f = tmp_path / "latin1.json"
    f.write_bytes('{"name": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    assert [p.kind for p in info.value.problems] == [K.UNREADABLE]


def test_valid_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "ok.json"
    f.write_text(json.dumps(valid_raw()), encoding="utf-8")
    assert load_instance_file(f).name == "tiny"
    assert load_instance_file(str(f)).name == "tiny"


def test_file_problems_are_the_document_problems(tmp_path: Path) -> None:
    d = valid_raw()
    member(d).update(rank_title="x")
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(d))
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    assert [str(p) for p in info.value.problems] == ["members[0].rank_title: unknown field"]


# --- all problems at once -----------------------------------------------------------------------


def test_all_problems_are_reported_at_once() -> None:
    d = valid_raw()
    member(d).update(rank_title="Sgt.")  # pydantic: unknown field
    member(d, 1).update(last_worked="2026-09-06T20:00:00")  # pydantic: naive time
    pos(d).update(count=-1, pay_rate=20)  # pydantic: negative; cross-object: under the minimum
    shift(d).update(end=at("09:00"))  # cross-object: end before start
    d["employers"].append({"id": "E1"})  # cross-object: duplicate id
    event(d).update(venue="stadium")  # pydantic: enum
    d["applications"] = [{"member": "Z", "shift": "S1", "at": at("08:00", "2026-09-01")}]  # dangling
    exc_problems = problems_of(d)
    got = {(p.path, p.kind) for p in exc_problems}
    expected = {
        ("members[0].rank_title", K.SCHEMA),
        ("events[0].venue", K.SCHEMA),
        ("members[1].last_worked", K.NAIVE_TIME),
        ("events[0].shifts[0].end", K.TIME_ORDER),
        ("employers[1].id", K.DUPLICATE_ID),
        ("applications[0].member", K.DANGLING_REFERENCE),
        ("events[0].shifts[0].positions[0].count", K.OUT_OF_RANGE),
        ("events[0].shifts[0].positions[0].pay_rate", K.POLICY),
    }
    assert expected <= got
    assert len(exc_problems) == len(expected)
    # sorted by path in natural order (the file's own order), then by class
    assert exc_problems == sort_problems(exc_problems)
    with pytest.raises(InvalidInstance) as info:
        parse_instance(d)
    assert info.value.exit_code == 11
    text = str(info.value)
    assert text.startswith(f"{len(expected)} problem(s) in the instance:")
    for path, _ in expected:
        assert f"  {path}: " in text


def test_same_problem_in_several_places_is_reported_everywhere() -> None:
    d = valid_raw()
    for m in d["members"]:
        m["badge"] = 1
    add_event(d)
    event(d, 1)["employer"] = "E9"
    event(d, 0)["employer"] = "E8"
    paths = [p.path for p in problems_of(d)]
    assert paths == ["events[0].employer", "events[1].employer", "members[0].badge", "members[1].badge"]


def test_problem_to_dict() -> None:
    d = valid_raw()
    pos(d).update(pay_rate=20)
    (p,) = problems_of(d)
    assert p.to_dict() == {"path": "events[0].shifts[0].positions[0].pay_rate",
                           "message": "20 is below the minimum pay rate 38 (§III.D)", "kind": "policy"}


# --- exit codes ---------------------------------------------------------------------------------

ONE_PER_CLASS: dict[ProblemKind, Mutation] = {
    K.SCHEMA: lambda d: member(d).update(rank_title="x"),
    K.NAIVE_TIME: lambda d: member(d).update(last_worked="2026-09-06T20:00:00"),
    K.TIME_ORDER: lambda d: shift(d).update(end=at("09:00")),
    K.DUPLICATE_ID: lambda d: member(d, 1).update(id="A"),
    K.DANGLING_REFERENCE: lambda d: event(d).update(employer="E9"),
    K.OUT_OF_RANGE: lambda d: member(d).update(hours_ytd=-1),
    K.POLICY: lambda d: pos(d).update(pay_rate=1),
}


def test_exit_codes_are_distinct_and_documented() -> None:
    assert {k: k.exit_code for k in K} == {
        K.UNREADABLE: 10, K.SCHEMA: 11, K.NAIVE_TIME: 12, K.TIME_ORDER: 13, K.DUPLICATE_ID: 14,
        K.DANGLING_REFERENCE: 15, K.OUT_OF_RANGE: 16, K.POLICY: 17}


@pytest.mark.parametrize("kind", list(ONE_PER_CLASS), ids=lambda k: k.name.lower())
def test_each_class_has_its_exit_code(kind: ProblemKind) -> None:
    d = valid_raw()
    ONE_PER_CLASS[kind](d)
    with pytest.raises(InvalidInstance) as info:
        parse_instance(d)
    assert [p.kind for p in info.value.problems] == [kind]
    assert info.value.exit_code == kind.value


@pytest.mark.parametrize("kinds", [
    (K.NAIVE_TIME, K.POLICY),
    (K.DANGLING_REFERENCE, K.DUPLICATE_ID, K.POLICY),
    (K.OUT_OF_RANGE, K.TIME_ORDER),
    (K.POLICY, K.OUT_OF_RANGE, K.DANGLING_REFERENCE, K.DUPLICATE_ID, K.TIME_ORDER, K.NAIVE_TIME, K.SCHEMA),
], ids=lambda ks: "+".join(k.name.lower() for k in ks))
def test_mixed_classes_exit_with_the_smallest_code(kinds: tuple[ProblemKind, ...]) -> None:
    d = valid_raw()
    for k in kinds:
        ONE_PER_CLASS[k](d)
    with pytest.raises(InvalidInstance) as info:
        parse_instance(d)
    assert {p.kind for p in info.value.problems} == set(kinds)
    assert info.value.exit_code == min(k.value for k in kinds)


# --- defaults -------------------------------------------------------------------------------------


def test_member_defaults_are_harmless() -> None:
    inst = parse_instance(minimal(members=[{"id": "M1", "seniority_date": "2012-03-04"}]))
    m = inst.members[0]
    assert m.seniority_date == dt.date(2012, 3, 4)
    assert m.name == ""
    assert m.kind is MemberKind.SWORN
    assert m.rank is Rank.OFFICER
    assert m.status is MemberStatus.ACTIVE
    assert m.privileges is Privileges.ACTIVE
    assert m.certifications == []
    assert m.hour_plan is None
    assert m.tours == []
    assert m.leaves == []
    assert m.hours_ytd == 0
    assert m.last_worked is None
    assert m.open_closeouts == 0
    assert m.private_officer_license is False
    assert m.reserve_hours_met is True
    assert m.cap_exception is False
    assert m.conflicts == []
    assert m.supervisor is None


def test_supervisor_is_a_member_reference(raw: Raw) -> None:
    member(raw, 1)["supervisor"] = member(raw)["id"]
    assert parse_instance(raw).members[1].supervisor == member(raw)["id"]


def test_tour_leave_and_position_defaults(raw: Raw) -> None:
    member(raw, 1)["leaves"] = [{"kind": "sick", "start": at("06:00"), "end": at("16:00")}]
    inst = parse_instance(raw)
    assert inst.members[0].tours[0].exception_hours == 0
    assert inst.members[1].leaves[0].medical_appointment is False
    p = parse_instance(minimal(events=[{"id": "EV", "employer": "E", "shifts": [{
        "id": "S", "start": at("10:00"), "end": at("14:00"), "positions": [{"id": "P", "count": 3}]}]}],
        employers=[{"id": "E"}])).events[0].shifts[0].positions[0]
    assert p.min_rank is Rank.OFFICER
    assert p.certifications == []
    assert p.pay_rate is None
    assert p.priority == 1


def test_employer_assignment_cancellation_defaults(raw: Raw) -> None:
    raw["assignments"] = [{"member": "A", "position": "P1"}]
    raw["cancellations"] = [{"member": "B", "position": "P1"}]
    inst = parse_instance(raw)
    e = inst.employers[0]
    assert (e.approved, e.tavern, e.restricted) == (True, False, [])
    assert inst.assignments[0].locked is False
    c = inst.cancellations[0]
    assert (c.at, c.reason, c.comment) == (None, "", "")


def test_event_defaults(raw: Raw) -> None:
    shift(raw)["start"], shift(raw)["end"] = at("12:00"), at("16:00")
    event(raw)["shifts"].insert(0, {"id": "S0", "start": at("08:00"), "end": at("13:00")})
    event(raw)["shifts"].append({"id": "S9", "start": at("20:00"), "end": "2026-09-14T01:30:00-05:00"})
    ev = parse_instance(raw).events[0]
    assert ev.law_enforcement is True
    assert ev.in_city_limits is True
    assert ev.pool is True
    assert ev.commander_approved is False
    assert ev.understaffing_approved is False
    assert ev.venue is Venue.NONE
    assert ev.attendance is None
    assert ev.window is None
    assert ev.name == ""
    start, end = ev.effective_window()  # type: ignore[misc]
    assert start == dt.datetime.fromisoformat(at("08:00"))
    assert end == dt.datetime.fromisoformat("2026-09-14T01:30:00-05:00")
    assert ev.shifts[0].positions == []


def test_event_window_given_is_kept(raw: Raw) -> None:
    event(raw)["window"] = {"start": at("09:00"), "end": at("17:00")}
    ev = parse_instance(raw).events[0]
    assert ev.effective_window() == (dt.datetime.fromisoformat(at("09:00")),
                                     dt.datetime.fromisoformat(at("17:00")))


def test_event_without_shifts_has_no_window(raw: Raw) -> None:
    raw["events"].append({"id": "EV2", "employer": "E1"})
    assert parse_instance(raw).events[1].effective_window() is None


def test_policy_defaults() -> None:
    policy = parse_instance(minimal()).policy
    assert policy.work_day_cap_hours == 16
    assert policy.work_day_lead_hours == {"8": 8, "10": 7, "11": 6}
    assert [policy.lead_hours(8), policy.lead_hours(10), policy.lead_hours(11)] == [8, 7, 6]
    assert policy.max_secondary_hours_per_week is None
    assert policy.min_rest_hours == 0
    assert policy.tavern_min_officers == 3
    assert policy.minimum_pay_rate == 38.0
    assert policy.timezone == "America/Chicago"
    fees = policy.invoice_fees
    assert (fees.per_hour, fees.percent_of_pay, fees.per_event, fees.per_assignment) == (0, 0, 0, 0)


def test_optional_lists_default_to_empty() -> None:
    inst = parse_instance(minimal(events=[{"id": "EV0", "employer": "E0"}], employers=[{"id": "E0"}]))
    assert inst.name == ""
    assert (inst.applications, inst.assignments, inst.cancellations) == ([], [], [])


@pytest.mark.parametrize("doc", [{}, {"members": [], "events": []}])
def test_members_and_events_are_required_and_not_empty(doc: Raw) -> None:
    problems = problems_of(doc)
    assert [p.path for p in problems] == ["events", "members"]
    assert all(p.kind is K.SCHEMA for p in problems)


DESIGN_RATIOS = {
    "reserved_no_alcohol": (3000, 1),
    "sporting_alcohol": (1500, 3),
    "reserved_family_alcohol": (1500, 2),
    "reserved_adult_alcohol": (1250, 3),
    "open_air_alcohol": (750, 3),
    "nightclub": (500, 3),
}


def test_staffing_ratio_defaults() -> None:
    policy = parse_instance(minimal()).policy
    got = {v.value: (r.attendees_per_officer, r.core)
           for v in Venue if (r := policy.staffing_ratio(v)) is not None}
    assert got == DESIGN_RATIOS
    assert policy.staffing_ratio(Venue.NONE) is None
    assert {v.value: (r.attendees_per_officer, r.core) for v, r in DEFAULT_STAFFING_RATIOS.items()} \
        == DESIGN_RATIOS


def test_staffing_ratio_override_replaces_only_the_named_venue() -> None:
    policy = parse_instance(minimal(policy={"staffing_ratios": {
        "sporting_alcohol": {"attendees_per_officer": 1000, "core": 5}}})).policy
    assert policy.staffing_ratio(Venue.SPORTING_ALCOHOL) == StaffingRatio(attendees_per_officer=1000, core=5)
    for venue, (per, core) in DESIGN_RATIOS.items():
        if venue != "sporting_alcohol":
            assert policy.staffing_ratio(Venue(venue)) == StaffingRatio(attendees_per_officer=per, core=core)
    # the override needs both fields
    with pytest.raises(InvalidInstance) as info:
        parse_instance(minimal(policy={"staffing_ratios": {"nightclub": {"core": 5}}}))
    assert [p.path for p in info.value.problems] == ["policy.staffing_ratios.nightclub.attendees_per_officer"]


def test_policy_overrides(raw: Raw) -> None:
    raw["policy"] = {"work_day_cap_hours": 14, "work_day_lead_hours": {"8": 9},
                     "max_secondary_hours_per_week": 30, "min_rest_hours": 8, "tavern_min_officers": 4,
                     "minimum_pay_rate": 45, "timezone": "America/Denver"}
    policy = parse_instance(raw).policy
    assert policy.work_day_cap_hours == 14
    assert policy.lead_hours(8) == 9
    assert policy.lead_hours(10) == 7  # the other plans keep the default lead
    assert policy.max_secondary_hours_per_week == 30
    assert policy.min_rest_hours == 8
    assert policy.tavern_min_officers == 4
    assert policy.minimum_pay_rate == 45
    assert policy.timezone == "America/Denver"
