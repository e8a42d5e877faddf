"""Parsing and validation of instances: every problem of a file at once, each with its path.

Pydantic checks each object on its own in strict JSON mode (no string → number, number → bool or
string → bool coercion; finite numbers; enums, unknown fields, offsets, the bounds of
`models.limits`). The cross-object checks below (time order, unique ids, references, policy
floors, the planning horizon) read the raw JSON defensively, so they run even when pydantic
rejected other parts of the same file. A file is read with or without a UTF-8 byte-order mark;
its size and nesting depth are limited (`models.limits`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from offduty.models import limits as L
from offduty.models.errors import InvalidInstance, Problem, ProblemKind, format_path
from offduty.models.instance import Instance

_PYDANTIC_KIND = {
    "extra_forbidden": ProblemKind.SCHEMA,
    "timezone_aware": ProblemKind.NAIVE_TIME,
    "greater_than_equal": ProblemKind.OUT_OF_RANGE,
    "greater_than": ProblemKind.OUT_OF_RANGE,
    "less_than_equal": ProblemKind.OUT_OF_RANGE,
    "less_than": ProblemKind.OUT_OF_RANGE,
    "finite_number": ProblemKind.OUT_OF_RANGE,
}

_PYDANTIC_MESSAGE = {
    "extra_forbidden": "unknown field",
    "timezone_aware": "time without a UTC offset (write e.g. 2026-09-13T12:00:00-05:00)",
    "missing": "required field is missing",
    "finite_number": "must be a finite number",
}

_BOUND_MESSAGE = {"less_than_equal": "at most", "less_than": "less than", "greater_than_equal": "at least",
                  "greater_than": "more than"}

#: Wrong JSON types, said the way a user fixes them. Strings are never read as numbers or
#: booleans, nor numbers as booleans (`"count": "2"`, `"pool": "yes"`, `"count": true`).
_TYPE_MESSAGE = {
    "int_type": "must be a whole number (an integer)",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be text (in quotes)",
    "list_type": "must be a list [...]",
    "dict_type": "must be an object {...}",
    "model_type": "must be a JSON object {...} (a dictionary)",
    "model_attributes_type": "must be a JSON object {...} (a dictionary)",
    "datetime_type": "must be a time as text, e.g. \"2026-09-13T12:00:00-05:00\"",
    "date_type": "must be a date as text, e.g. \"2012-03-04\"",
}


def load_instance_file(path: str | Path) -> Instance:
    """Read and validate an instance file; raises InvalidInstance with every problem found."""
    return parse_instance(read_json_file(path))


def read_json_file(path: str | Path) -> Any:
    """The decoded JSON document of a file (UTF-8, with or without a byte-order mark), or
    InvalidInstance (class `unreadable`) saying why not: missing, too large, not UTF-8, not JSON."""
    def fail(message: str) -> InvalidInstance:
        return InvalidInstance([Problem("", message, ProblemKind.UNREADABLE)])

    file = Path(path)
    try:
        size = file.stat().st_size
        if file.is_file() and size > L.MAX_FILE_BYTES:
            raise fail(f"{path} is {size / 2**20:,.1f} MiB; instance files are limited to "
                       f"{L.MAX_FILE_BYTES // 2**20} MiB")
        data = file.read_bytes()
    except FileNotFoundError:
        raise fail(f"no such file: {path}") from None
    except IsADirectoryError:
        raise fail(f"{path} is a directory, not an instance file") from None
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > L.MAX_FILE_BYTES:  # a pipe or device reports no size up front
        raise fail(f"{path} is larger than {L.MAX_FILE_BYTES // 2**20} MiB")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors save, is accepted
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1]
        raise fail(f"{path} is not UTF-8 text (byte {exc.start:,}: {bad!r})") from None
    return decode_json(text)


def decode_json(text: str) -> Any:
    """`json.loads` with every failure as an `unreadable` problem (syntax, nesting, huge numbers)."""
    def fail(message: str) -> InvalidInstance:
        return InvalidInstance([Problem("", message, ProblemKind.UNREADABLE)])

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise fail(f"objects and lists nested deeper than {L.MAX_DEPTH} levels") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise fail("a number with thousands of digits: no field of an instance takes one") from None


def parse_instance(raw: Any) -> Instance:
    """Validate a decoded JSON document; raises InvalidInstance with every problem found."""
    shape = list(_scan(raw))
    if shape:  # too deep to validate safely: report that alone
        raise InvalidInstance(shape)
    problems: list[Problem] = []
    instance: Instance | None = None
    try:
        # strict JSON mode: what the file says, with no coercion between types
        instance = Instance.model_validate_json(json.dumps(raw, default=str), strict=True)
    except ValidationError as exc:
        problems.extend(_from_pydantic(exc))
    if isinstance(raw, dict):
        problems.extend(check_consistency(raw))
    if problems:
        raise InvalidInstance(_dedupe(problems))
    assert instance is not None
    return instance


def _scan(raw: Any) -> Iterator[Problem]:
    """Nesting deeper than the limit (iteratively: the document may be deeper than Python's stack)."""
    stack: list[tuple[Any, int]] = [(raw, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        if children and depth >= L.MAX_DEPTH:
            yield Problem(format_path(_deep_path(raw)[:4]) + "…", f"objects and lists nested deeper "
                          f"than {L.MAX_DEPTH} levels", ProblemKind.UNREADABLE)
            return
        # Only containers go on the stack: a leaf cannot be too deep unless its container is.
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))


def _deep_path(raw: Any) -> tuple[str | int, ...]:
    """Where the first value deeper than the limit is (only asked once one is known to be)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(raw, ())]
    while stack:
        value, loc = stack.pop()
        if len(loc) > L.MAX_DEPTH:
            return loc
        if isinstance(value, dict):
            stack.extend((v, (*loc, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*loc, i)) for i, v in enumerate(value))
    return ()


def _from_pydantic(exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p != "[key]")
        kind = _PYDANTIC_KIND.get(err["type"], ProblemKind.SCHEMA)
        message = _PYDANTIC_MESSAGE.get(err["type"]) or _TYPE_MESSAGE.get(err["type"]) or err["msg"]
        bound = _BOUND_MESSAGE.get(err["type"])
        if bound is not None and "ctx" in err:
            limit = next(iter(err["ctx"].values()))
            message = f"must be {bound} {limit:,g}" if isinstance(limit, int | float) else message
        if err["type"].startswith("datetime") and _is_date(err.get("input")):
            kind, message = ProblemKind.NAIVE_TIME, _PYDANTIC_MESSAGE["timezone_aware"]
        if err["type"] == "too_short" and loc in (("members",), ("events",)):
            message = f"at least one {loc[0][:-1]} is required"
        elif err["type"] not in ("missing", "extra_forbidden") and "input" in err:
            message += f" (got {_shown(err['input'])})"
        yield Problem(format_path(loc), message, kind)


def _is_date(value: Any) -> bool:
    """A date alone where a time was expected: a time without its clock and offset."""
    try:
        return isinstance(value, str) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


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
    return _parse_time(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=1 << 16)
def _parse_time(value: str) -> dt.datetime | None:
    # Rosters repeat the same few thousand shift and tour times across members.
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _number(value: Any) -> float | None:
    """A finite number, or None (pydantic reports the rest)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


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
            problems.extend(_too_long(span, f"{path}.tours[{j}]", "an on-duty tour"))
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
            span = interval(shift, spath)
            if span is not None:
                problems.extend(_too_long(span, spath, "a shift"))
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

    # Without members (or events) every reference to one would dangle: the missing list is
    # reported once, as itself, not as hundreds of dangling references.
    has_members, has_events = bool(members), bool(events)

    def ref(item: Any, path: str, field: str, table: dict[str, str], what: str) -> None:
        value = item.get(field) if isinstance(item, dict) else None
        if not (has_members if what == "member" else has_events):
            return
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
    timed = _timed(raw)
    problems.extend(check_horizon(raw, timed))
    problems.extend(check_whole_minutes(raw, timed))
    return problems


#: Durations the rules count with, in hours.
_HOUR_FIELDS = ("work_day_cap_hours", "max_secondary_hours_per_week", "min_rest_hours")

#: A time of the document: where it is (a path as a tuple, formatted only for a problem), its
#: text, its parsed value, and whether it bounds an interval (a tour, leave, shift or window).
_Timed = tuple[tuple[str | int, ...], str, dt.datetime, bool]


def check_whole_minutes(raw: dict[str, Any], timed: list[_Timed] | None = None) -> list[Problem]:
    """Interval times and the hours the rules count with are whole minutes.

    The model counts on a clock of whole minutes; a tour ending 30 s into a shift, or a cap of
    15.999 h, would be judged differently by it and by the exact verifier. Application and
    cancellation times may carry seconds: they only order members."""
    timed = _timed(raw) if timed is None else timed
    problems = [Problem(format_path(where), f"{value} is not on a whole minute (seconds must be 0)",
                        ProblemKind.OUT_OF_RANGE)
                for where, value, t, bounds in timed if bounds and (t.second or t.microsecond)]
    policy = raw.get("policy") if isinstance(raw.get("policy"), dict) else {}
    assert isinstance(policy, dict)
    hours = [(f"policy.{key}", policy.get(key)) for key in _HOUR_FIELDS]
    leads = policy.get("work_day_lead_hours")
    if isinstance(leads, dict):
        hours += [(f"policy.work_day_lead_hours.{k}", v) for k, v in leads.items()]
    for i, member in enumerate(_list(raw, "members")):
        for j, tour in enumerate(_list(member, "tours")):
            if isinstance(tour, dict) and tour.get("exception_hours") is not None:
                hours.append((f"members[{i}].tours[{j}].exception_hours", tour.get("exception_hours")))
    for path, value in hours:
        number = _number(value)
        if number is not None and math.isfinite(number) and abs(number * 60 - round(number * 60)) > 1e-6:
            problems.append(Problem(path, f"{number:g} h is not a whole number of minutes "
                                    f"({number * 60:g} min)", ProblemKind.OUT_OF_RANGE))
    return problems


def _too_long(span: tuple[dt.datetime, dt.datetime], path: str, what: str) -> list[Problem]:
    hours = (span[1] - span[0]).total_seconds() / 3600
    if hours <= L.MAX_SHIFT_HOURS:
        return []
    return [Problem(f"{path}.end", f"{hours:,.1f} h after its start; {what} lasts at most "
                    f"{L.MAX_SHIFT_HOURS} h", ProblemKind.OUT_OF_RANGE)]


def _timed(raw: dict[str, Any]) -> list[_Timed]:
    """Every readable time of the document (the others are pydantic's to report)."""
    return [(where, value, t, bounds) for where, value, bounds in _times(raw)
            if (t := _time(value)) is not None]


def _times(raw: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any, bool]]:
    """(where, value, bounds an interval) of every time of the document."""
    for i, member in enumerate(_list(raw, "members")):
        if isinstance(member, dict):
            yield ("members", i, "last_worked"), member.get("last_worked"), False
        for key in ("tours", "leaves"):
            for j, item in enumerate(_list(member, key)):
                if isinstance(item, dict):
                    yield ("members", i, key, j, "start"), item.get("start"), True
                    yield ("members", i, key, j, "end"), item.get("end"), True
    for i, event in enumerate(_list(raw, "events")):
        window = event.get("window") if isinstance(event, dict) else None
        if isinstance(window, dict):
            yield ("events", i, "window", "start"), window.get("start"), True
            yield ("events", i, "window", "end"), window.get("end"), True
        for j, shift in enumerate(_list(event, "shifts")):
            if isinstance(shift, dict):
                yield ("events", i, "shifts", j, "start"), shift.get("start"), True
                yield ("events", i, "shifts", j, "end"), shift.get("end"), True
    for key in ("applications", "cancellations"):
        for i, item in enumerate(_list(raw, key)):
            if isinstance(item, dict):
                yield (key, i, "at"), item.get("at"), False


def check_horizon(raw: dict[str, Any], timed: list[_Timed] | None = None) -> list[Problem]:
    """Every time within `HORIZON_DAYS` of the median of all the instance's times; seniority
    dates not absurd.

    A typo year (1926 or 2206 for 2026) would otherwise tile work days across centuries. The
    centre is the median of every time of the file (tours, leaves, shifts, applications, ...), so
    that the typo is reported where it is, not every other date of the file."""
    timed = _timed(raw) if timed is None else timed
    if not timed:
        return []
    # Seconds since the epoch: comparing aware datetimes asks each for its offset, every time.
    stamps = [t.timestamp() for _, _, t, _ in timed]
    middle = sorted(range(len(stamps)), key=stamps.__getitem__)[len(stamps) // 2]
    centre, centre_s = timed[middle][2], stamps[middle]
    horizon = dt.timedelta(days=L.HORIZON_DAYS)
    reach = horizon.total_seconds()
    problems = [Problem(format_path(where), f"{value} is more than {L.HORIZON_DAYS} days from the "
                        f"instance's other times (they centre on {centre:%Y-%m-%d})",
                        ProblemKind.OUT_OF_RANGE)
                for (where, value, _, _), s in zip(timed, stamps, strict=True) if abs(s - centre_s) > reach]
    earliest = centre.date().year - L.MAX_SENIORITY_YEARS
    try:
        latest = (centre + horizon).date()
    except OverflowError:  # a centre near the year 9999
        latest = dt.date.max
    for i, member in enumerate(_list(raw, "members")):
        value = member.get("seniority_date") if isinstance(member, dict) else None
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            continue
        if day is not None and not (earliest <= day.year and day <= latest):
            problems.append(Problem(f"members[{i}].seniority_date",
                                    f"{value} is outside {earliest}-01-01 … {latest} (the details are "
                                    f"around {centre:%Y-%m-%d})", ProblemKind.OUT_OF_RANGE))
    return problems
