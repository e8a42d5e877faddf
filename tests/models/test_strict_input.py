"""Strict input: no coercion between JSON types, finite numbers, the bounds of `models.limits`,
the planning horizon, required lists, file size and nesting limits, a byte-order mark accepted,
and problem lists in natural order, capped and grouped by cause."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offduty.models import limits as L
from offduty.models.errors import InvalidInstance, Problem, ProblemKind, natural_key, summarize
from offduty.models.validation import load_instance_file, parse_instance
from tests.models.conftest import Raw, at, valid_raw

K = ProblemKind


def problems_of(raw: Any) -> list[Problem]:
    with pytest.raises(InvalidInstance) as info:
        parse_instance(raw)
    return info.value.problems


def pos(d: Raw) -> Raw:
    return d["events"][0]["shifts"][0]["positions"][0]


def shift(d: Raw) -> Raw:
    return d["events"][0]["shifts"][0]


Mutation = Callable[[Raw], object]

CASES: list[tuple[str, Mutation, str, str, ProblemKind]] = [
    # --- no coercion between types ---------------------------------------------------------------
    ("count-as-text", lambda d: pos(d).update(count="2"), "events[0].shifts[0].positions[0].count",
     'must be a whole number (an integer) (got "2")', K.SCHEMA),
    ("count-as-bool", lambda d: pos(d).update(count=True), "events[0].shifts[0].positions[0].count",
     "must be a whole number (an integer) (got true)", K.SCHEMA),
    ("count-as-float", lambda d: pos(d).update(count=2.0), "events[0].shifts[0].positions[0].count",
     "must be a whole number", K.SCHEMA),
    ("pay-as-text", lambda d: pos(d).update(pay_rate="55"), "events[0].shifts[0].positions[0].pay_rate",
     "must be a number", K.SCHEMA),
    ("pool-as-text", lambda d: d["events"][0].update(pool="yes"), "events[0].pool",
     'must be true or false (got "yes")', K.SCHEMA),
    ("flag-as-number", lambda d: d["members"][0].update(cap_exception=1), "members[0].cap_exception",
     "must be true or false (got 1)", K.SCHEMA),
    ("hour-plan-as-text", lambda d: d["members"][0].update(hour_plan="10"), "members[0].hour_plan",
     "10", K.SCHEMA),
    ("time-as-number", lambda d: d["members"][0].update(last_worked=1_700_000_000), "members[0].last_worked",
     "must be a time as text", K.SCHEMA),
    ("name-as-number", lambda d: d["members"][0].update(name=7), "members[0].name", "must be text", K.SCHEMA),
    # --- finite numbers -------------------------------------------------------------------------
    ("pay-infinite", lambda d: pos(d).update(pay_rate=float("inf")),
     "events[0].shifts[0].positions[0].pay_rate", "must be a finite number (got Infinity)", K.OUT_OF_RANGE),
    ("hours-nan", lambda d: d["members"][0].update(hours_ytd=float("nan")), "members[0].hours_ytd",
     "must be a finite number", K.OUT_OF_RANGE),
    # --- the bounds table -------------------------------------------------------------------------
    ("count-a-billion", lambda d: pos(d).update(count=10**9), "events[0].shifts[0].positions[0].count",
     "must be at most 10,000", K.OUT_OF_RANGE),
    ("count-2^70", lambda d: pos(d).update(count=2**70), "events[0].shifts[0].positions[0].count",
     "must be at most 10,000", K.OUT_OF_RANGE),
    ("attendance", lambda d: d["events"][0].update(attendance=300_000), "events[0].attendance",
     "must be at most 200,000", K.OUT_OF_RANGE),
    ("day-cap-100", lambda d: d.update(policy={"work_day_cap_hours": 100}), "policy.work_day_cap_hours",
     "must be at most 24", K.OUT_OF_RANGE),
    ("week-cap-200", lambda d: d.update(policy={"max_secondary_hours_per_week": 200}),
     "policy.max_secondary_hours_per_week", "must be at most 168", K.OUT_OF_RANGE),
    ("lead-30", lambda d: d.update(policy={"work_day_lead_hours": {"8": 30}}),
     "policy.work_day_lead_hours.8", "must be at most 24", K.OUT_OF_RANGE),
    ("pay-a-million", lambda d: pos(d).update(pay_rate=1e6), "events[0].shifts[0].positions[0].pay_rate",
     "must be at most 1,000", K.OUT_OF_RANGE),
    ("shift-30h", lambda d: shift(d).update(end="2026-09-14T16:00:00-05:00"), "events[0].shifts[0].end",
     "30.0 h after its start; a shift lasts at most 24 h", K.OUT_OF_RANGE),
    ("tour-25h", lambda d: d["members"][0]["tours"][0].update(end="2026-09-14T07:00:00-05:00"),
     "members[0].tours[0].end", "an on-duty tour lasts at most 24 h", K.OUT_OF_RANGE),
    # --- the planning horizon ----------------------------------------------------------------------
    ("event-1926", lambda d: d["events"].append({"id": "EV2", "employer": "E1", "shifts": [
        {"id": "S2", "start": "1926-09-13T10:00:00-05:00", "end": "1926-09-13T14:00:00-05:00"}]}),
     "events[1].shifts[0].start", "is more than 730 days from the instance's other times", K.OUT_OF_RANGE),
    ("event-2206", lambda d: d["events"].extend([
        {"id": "EV2", "employer": "E1", "shifts": [{"id": "S2", "start": at("15:00"), "end": at("16:00")}]},
        {"id": "EV3", "employer": "E1", "shifts": [
            {"id": "S3", "start": "2206-09-13T10:00:00-05:00", "end": "2206-09-13T14:00:00-05:00"}]}]),
     "events[2].shifts[0].end", "is more than 730 days", K.OUT_OF_RANGE),
    ("application-far", lambda d: d.update(applications=[{"member": "A", "shift": "S1",
                                                          "at": "2020-01-01T00:00:00-06:00"}]),
     "applications[0].at", "more than 730 days", K.OUT_OF_RANGE),
    ("seniority-1800", lambda d: d["members"][0].update(seniority_date="1800-01-01"),
     "members[0].seniority_date", "1800-01-01 is outside 1956-01-01", K.OUT_OF_RANGE),
    # --- required lists ----------------------------------------------------------------------------
    ("no-members", lambda d: d.pop("members"), "members", "required field is missing", K.SCHEMA),
    ("empty-events", lambda d: d.update(events=[]), "events", "at least one event is required", K.SCHEMA),
]


@pytest.mark.parametrize(("mutate", "path", "fragment", "kind"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_strict_input_rule(mutate: Mutation, path: str, fragment: str, kind: ProblemKind) -> None:
    d = valid_raw()
    mutate(d)
    problems = problems_of(d)
    matching = [p for p in problems if p.path == path]
    assert matching, problems
    assert any(fragment in p.message and p.kind is kind for p in matching), matching


def test_missing_members_is_reported_as_itself_not_as_dangling_references() -> None:
    d = valid_raw()
    d["applications"] = [{"member": m, "shift": "S1", "at": at("08:00", "2026-09-01")} for m in "AB" * 300]
    d["assignments"] = [{"member": "A", "position": "P1"}]
    del d["members"]
    problems = problems_of(d)
    assert [(p.path, p.kind) for p in problems] == [("members", K.SCHEMA)]


def test_time_limits_keep_the_typo_not_the_majority() -> None:
    """The horizon's centre is the median time: one far event is the one reported."""
    d = valid_raw()
    d["events"].append({"id": "EV2", "employer": "E1", "shifts": [
        {"id": "S2", "start": "1926-09-13T10:00:00-05:00", "end": "1926-09-13T14:00:00-05:00"}]})
    d["events"].append({"id": "EV3", "employer": "E1", "shifts": [
        {"id": "S3", "start": at("18:00"), "end": at("20:00")}]})
    paths = {p.path for p in problems_of(d)}
    assert paths == {"events[1].shifts[0].start", "events[1].shifts[0].end"}


@pytest.mark.parametrize("value", [0, L.MAX_COUNT])
def test_bounds_are_inclusive(value: int) -> None:
    d = valid_raw()
    pos(d)["count"] = value
    assert parse_instance(d).events[0].shifts[0].positions[0].count == value


def test_whole_numbers_are_numbers() -> None:
    d = valid_raw()
    pos(d)["pay_rate"] = 55  # an integer where a decimal number goes is a number
    d["policy"] = {"work_day_cap_hours": 24, "min_rest_hours": 8}
    assert parse_instance(d).events[0].shifts[0].positions[0].pay_rate == 55.0


# --- files -------------------------------------------------------------------------------------


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(valid_raw()).encode())
    assert load_instance_file(f).members[0].id == "A"


@pytest.mark.parametrize("depth", [L.MAX_DEPTH + 5, 100_000])
def test_deep_nesting_is_a_message(tmp_path: Path, depth: int) -> None:
    f = tmp_path / "deep.json"
    f.write_text('{"members": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    (p,) = info.value.problems
    assert p.kind is K.UNREADABLE
    assert f"nested deeper than {L.MAX_DEPTH} levels" in p.message


def test_a_number_of_thousands_of_digits_is_a_message(tmp_path: Path) -> None:
    f = tmp_path / "digits.json"
    f.write_text('{"members": [], "events": [], "x": ' + "9" * 5000 + "}")
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    assert info.value.problems[0].kind is K.UNREADABLE


def test_file_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L, "MAX_FILE_BYTES", 100)
    f = tmp_path / "big.json"
    f.write_text(json.dumps(valid_raw()))
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(f)
    (p,) = info.value.problems
    assert p.kind is K.UNREADABLE
    assert "instance files are limited to" in p.message


def test_a_directory_is_not_an_instance(tmp_path: Path) -> None:
    with pytest.raises(InvalidInstance) as info:
        load_instance_file(tmp_path)
    assert "is a directory" in info.value.problems[0].message


# --- problem lists ------------------------------------------------------------------------------


def test_problems_sort_in_natural_order() -> None:
    d = valid_raw()
    d["applications"] = [{"member": "Z", "shift": "S1", "at": at("08:00", "2026-09-01")} for _ in range(12)]
    paths = [p.path for p in problems_of(d)]
    assert paths == [f"applications[{i}].member" for i in range(12)]


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=30))
def test_natural_key_orders_indices_as_numbers(indices: list[int]) -> None:
    paths = [f"applications[{i}].member" for i in indices]
    assert [int(p[13:-8]) for p in sorted(paths, key=natural_key)] == sorted(indices)


def test_summary_caps_each_cause_and_counts_the_rest() -> None:
    problems = [Problem(f"applications[{i}].member", f"no member with id 'M{i}'", K.DANGLING_REFERENCE)
                for i in range(988)] + [Problem("events[0].employer", "no employer with id 'E9'",
                                                K.DANGLING_REFERENCE)]
    lines = summarize(sorted(problems, key=lambda p: natural_key(p.path)), per_group=3)
    assert lines[:3] == [f"applications[{i}].member: no member with id 'M{i}'" for i in range(3)]
    assert lines[3] == "… and 985 more like `applications[*].member`"
    assert lines[4] == "events[0].employer: no employer with id 'E9'"
    assert len(lines) == 5


def test_summary_counts_what_it_leaves_out() -> None:
    problems = [Problem(f"x{i}[0]", "bad", K.SCHEMA) for i in range(100)]
    lines = summarize(problems, per_group=3, limit=10)
    assert len(lines) == 11
    assert lines[-1] == "… and 90 more problem(s) in 90 other place(s)"


@pytest.mark.parametrize(("where", "value", "path"), [
    ("shift_start", "2026-09-13T10:00:30-05:00", "events[0].shifts[0].start"),
    ("tour_end", "2026-09-13T09:59:59.500000-05:00", "members[0].tours[0].end"),
    ("cap", 15.999, "policy.work_day_cap_hours"),
    ("exception", 0.3333, "members[0].tours[0].exception_hours"),
])
def test_interval_times_and_counted_hours_are_whole_minutes(where: str, value: object, path: str) -> None:
    """The model counts whole minutes; a time or an hour value between minutes is refused with its
    path instead of being judged one way by the model and another by the verifier."""
    raw = {
        "policy": {"work_day_cap_hours": value if where == "cap" else 16},
        "members": [{"id": "M", "seniority_date": "2000-01-01", "hour_plan": 8, "tours": [
            {"start": "2026-09-13T02:00:00-05:00",
             "end": value if where == "tour_end" else "2026-09-13T10:00:00-05:00",
             "exception_hours": value if where == "exception" else 0}]}],
        "employers": [{"id": "E"}],
        "events": [{"id": "V", "employer": "E", "shifts": [
            {"id": "S", "start": value if where == "shift_start" else "2026-09-13T10:00:00-05:00",
             "end": "2026-09-13T14:00:00-05:00", "positions": [{"id": "P", "count": 1}]}]}],
        "applications": [{"member": "M", "shift": "S", "at": "2026-09-01T08:00:03-05:00"}],
    }
    with pytest.raises(InvalidInstance) as err:
        parse_instance(raw)
    assert [p.path for p in err.value.problems] == [path]
    assert "minute" in err.value.problems[0].message
