"""Parsing and validation of instances: every problem of a file at once, each with its path.

Pydantic checks each object on its own (types, enums, unknown fields, offsets, signs). The
cross-object checks below (time order, unique ids, references, policy floors) read the raw JSON
defensively, so they run even when pydantic rejected other parts of the same file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from offduty.models.errors import InvalidInstance, Problem, ProblemKind, format_path
from offduty.models.instance import Instance

_PYDANTIC_KIND = {
    "extra_forbidden": ProblemKind.SCHEMA,
    "timezone_aware": ProblemKind.NAIVE_TIME,
    "greater_than_equal": ProblemKind.OUT_OF_RANGE,
    "greater_than": ProblemKind.OUT_OF_RANGE,
}

_PYDANTIC_MESSAGE = {
    "extra_forbidden": "unknown field",
    "timezone_aware": "time without a UTC offset (write e.g. 2026-09-13T12:00:00-05:00)",
    "missing": "required field is missing",
}


def load_instance_file(path: str | Path) -> Instance:
    """Read and validate an instance file; raises InvalidInstance with every problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInstance([Problem("", f"no such file: {path}", ProblemKind.UNREADABLE)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInstance([Problem("", f"cannot read {path}: {exc}", ProblemKind.UNREADABLE)]) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise InvalidInstance([Problem("", msg, ProblemKind.UNREADABLE)]) from None
    return parse_instance(raw)


def parse_instance(raw: Any) -> Instance:
    """Validate a decoded JSON document; raises InvalidInstance with every problem found."""
    problems: list[Problem] = []
    instance: Instance | None = None
    try:
        instance = Instance.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_from_pydantic(exc))
    if isinstance(raw, dict):
        problems.extend(check_consistency(raw))
    if problems:
        raise InvalidInstance(_dedupe(problems))
    assert instance is not None
    return instance


def _from_pydantic(exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p != "[key]")
        kind = _PYDANTIC_KIND.get(err["type"], ProblemKind.SCHEMA)
        message = _PYDANTIC_MESSAGE.get(err["type"], err["msg"])
        if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
            message += f" (got {json.dumps(err['input'], default=str)[:60]})"
        yield Problem(format_path(loc), message, kind)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


# --- cross-object checks on the raw document -------------------------------------------------


def _list(obj: Any, key: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def _time(value: Any) -> dt.datetime | None:
    """An aware datetime, or None when the value is not one (pydantic reports those)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _check_interval(obj: Any, path: str) -> tuple[dt.datetime, dt.datetime] | None:
    if not isinstance(obj, dict):
        return None
    start, end = _time(obj.get("start")), _time(obj.get("end"))
    if start is None or end is None:
        return None
    if end <= start:
        what = "before start" if end < start else "equal to start (empty interval)"
        raise _OrderError(Problem(f"{path}.end", what, ProblemKind.TIME_ORDER))
    return start, end


class _OrderError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _ids(items: list[Any], path: str, seen: dict[str, str], what: str) -> Iterator[Problem]:
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            yield Problem(f"{path}[{i}].id", f"duplicate {what} id {ident!r} (first at {seen[ident]})",
                          ProblemKind.DUPLICATE_ID)
        else:
            seen[ident] = f"{path}[{i}]"


def check_consistency(raw: dict[str, Any]) -> list[Problem]:
    """Time order, unique ids, references and policy floors, on the raw document."""
    problems: list[Problem] = []

    def interval(obj: Any, path: str) -> tuple[dt.datetime, dt.datetime] | None:
        try:
            return _check_interval(obj, path)
        except _OrderError as err:
            problems.append(err.problem)
            return None

    policy = raw.get("policy") if isinstance(raw.get("policy"), dict) else {}
    assert isinstance(policy, dict)
    tz = policy.get("timezone")
    if isinstance(tz, str):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem("policy.timezone", f"unknown time zone {tz!r}", ProblemKind.SCHEMA))
    min_pay = _number(policy.get("minimum_pay_rate"))
    if min_pay is None:
        min_pay = 38.0

    members, employers, events = _list(raw, "members"), _list(raw, "employers"), _list(raw, "events")
    member_ids: dict[str, str] = {}
    employer_ids: dict[str, str] = {}
    event_ids: dict[str, str] = {}
    shift_ids: dict[str, str] = {}
    position_ids: dict[str, str] = {}
    position_count: dict[str, int] = {}
    problems += _ids(members, "members", member_ids, "member")
    problems += _ids(employers, "employers", employer_ids, "employer")
    problems += _ids(events, "events", event_ids, "event")

    for i, member in enumerate(members):
        path = f"members[{i}]"
        tours = _list(member, "tours")
        spans = []
        for j, tour in enumerate(tours):
            span = interval(tour, f"{path}.tours[{j}]")
            if span is None:
                continue
            spans.append((span, j))
            exc_hours = _number(tour.get("exception_hours"))
            length = (span[1] - span[0]).total_seconds() / 3600
            if exc_hours is not None and exc_hours > length:
                problems.append(Problem(f"{path}.tours[{j}].exception_hours",
                                        f"{exc_hours:g} h exceeds the tour's {length:g} h",
                                        ProblemKind.OUT_OF_RANGE))
        spans.sort()
        latest: tuple[dt.datetime, int] | None = None  # the latest end so far, and its tour
        for (start, end), j in spans:
            if latest is not None and start < latest[0]:
                problems.append(Problem(f"{path}.tours[{j}]", f"overlaps tours[{latest[1]}]",
                                        ProblemKind.TIME_ORDER))
            if latest is None or end > latest[0]:
                latest = (end, j)
        if tours and isinstance(member, dict) and member.get("hour_plan") is None:
            problems.append(Problem(f"{path}.hour_plan", "required when the member has tours",
                                    ProblemKind.SCHEMA))
        for j, leave in enumerate(_list(member, "leaves")):
            interval(leave, f"{path}.leaves[{j}]")

    for i, event in enumerate(events):
        path = f"events[{i}]"
        if isinstance(event, dict):
            if isinstance(event.get("window"), dict):
                interval(event["window"], f"{path}.window")
            employer = event.get("employer")
            if isinstance(employer, str) and employer not in employer_ids:
                problems.append(Problem(f"{path}.employer", f"no employer with id {employer!r}",
                                        ProblemKind.DANGLING_REFERENCE))
        shifts = _list(event, "shifts")
        problems += _ids(shifts, f"{path}.shifts", shift_ids, "shift")
        for j, shift in enumerate(shifts):
            spath = f"{path}.shifts[{j}]"
            interval(shift, spath)
            positions = _list(shift, "positions")
            problems += _ids(positions, f"{spath}.positions", position_ids, "position")
            for k, pos in enumerate(positions):
                if not isinstance(pos, dict):
                    continue
                rate = _number(pos.get("pay_rate"))
                if rate is not None and rate < min_pay:
                    problems.append(Problem(
                        f"{spath}.positions[{k}].pay_rate",
                        f"{rate:g} is below the minimum pay rate {min_pay:g} (§III.D)",
                        ProblemKind.POLICY))
                if isinstance(pos.get("id"), str) and isinstance(pos.get("count"), int):
                    position_count[pos["id"]] = pos["count"]

    for i, member in enumerate(members):
        supervisor = member.get("supervisor") if isinstance(member, dict) else None
        if isinstance(supervisor, str):
            if supervisor not in member_ids:
                problems.append(Problem(f"members[{i}].supervisor", f"no member with id {supervisor!r}",
                                        ProblemKind.DANGLING_REFERENCE))
            elif supervisor == member.get("id"):
                problems.append(Problem(f"members[{i}].supervisor", "a member cannot be their own "
                                        "supervisor (§III.J)", ProblemKind.POLICY))
        for j, employer in enumerate(_list(member, "conflicts")):
            if isinstance(employer, str) and employer not in employer_ids:
                problems.append(Problem(f"members[{i}].conflicts[{j}]",
                                        f"no employer with id {employer!r}",
                                        ProblemKind.DANGLING_REFERENCE))

    def ref(item: Any, path: str, field: str, table: dict[str, str], what: str) -> None:
        value = item.get(field) if isinstance(item, dict) else None
        if isinstance(value, str) and value not in table:
            problems.append(Problem(f"{path}.{field}", f"no {what} with id {value!r}",
                                    ProblemKind.DANGLING_REFERENCE))

    for i, app in enumerate(_list(raw, "applications")):
        ref(app, f"applications[{i}]", "member", member_ids, "member")
        ref(app, f"applications[{i}]", "shift", shift_ids, "shift")

    cancelled: dict[tuple[str, str], int] = {}
    for i, canc in enumerate(_list(raw, "cancellations")):
        ref(canc, f"cancellations[{i}]", "member", member_ids, "member")
        ref(canc, f"cancellations[{i}]", "position", position_ids, "position")
        if isinstance(canc, dict):
            cancelled.setdefault((str(canc.get("member")), str(canc.get("position"))), i)

    seen_pairs: dict[tuple[str, str], int] = {}
    locked_per_position: Counter[str] = Counter()
    locked_paths: dict[str, list[str]] = defaultdict(list)
    for i, asg in enumerate(_list(raw, "assignments")):
        path = f"assignments[{i}]"
        ref(asg, path, "member", member_ids, "member")
        ref(asg, path, "position", position_ids, "position")
        if not isinstance(asg, dict):
            continue
        pair = (str(asg.get("member")), str(asg.get("position")))
        if pair in seen_pairs:
            problems.append(Problem(path, f"member {pair[0]!r} is already assigned to {pair[1]!r} "
                                          f"by assignments[{seen_pairs[pair]}]", ProblemKind.DUPLICATE_ID))
            continue
        seen_pairs[pair] = i
        if asg.get("locked") is True:
            if pair in cancelled:
                problems.append(Problem(f"{path}.locked", f"locked, but cancelled by "
                                        f"cancellations[{cancelled[pair]}]", ProblemKind.POLICY))
            locked_per_position[pair[1]] += 1
            locked_paths[pair[1]].append(path)
    for position, n in locked_per_position.items():
        count = position_count.get(position)
        if count is not None and n > count:
            problems.append(Problem(locked_paths[position][-1],
                                    f"{n} locked assignments on position {position!r}, "
                                    f"whose count is {count}", ProblemKind.POLICY))
    return problems
