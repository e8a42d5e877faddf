"""The independent verifier: checks a roster against every rule of docs/rules.md.

This module is written from DESIGN.md and docs/rules.md alone. It deliberately shares no code
with the model (`constraints/`, the rest of `solver/`, `models/arrays.py`): it works on the
pydantic `Instance` with plain `datetime` arithmetic, so that a bug in the model's integer-minute
encoding cannot hide itself by being repeated here.

All times are converted to UTC on the way in, so that subtracting two of them always gives the
real elapsed time (Python subtracts datetimes that share a `ZoneInfo` by their wall clocks, which
would make the night daylight time ends one hour too short). Local time (the policy's
`timezone`) is used only to find local midnights and Mondays, and to print times.

The hours within a work day or an ISO week (the part of each tour and detail inside it, a tour's
exception hours taken off pro rata) are summed as exact fractions and compared with the cap
exactly: a pro-rata share can be a fraction of a minute, and no rounding may decide a case.

Usage::

    violations = verify(instance, [("M1042", "EV1-S1-gate"), ...])
    assert_valid(instance, solution.assignments, candidates="applicants")
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from offduty.models.instance import (
    Employer,
    Event,
    Instance,
    LeaveKind,
    Member,
    MemberKind,
    MemberStatus,
    Position,
    Privileges,
    Rank,
    Shift,
    Tour,
)

HOUR = dt.timedelta(hours=1)
MICROSECOND = dt.timedelta(microseconds=1)
DAY = dt.timedelta(hours=24)
WEEK = dt.timedelta(days=7)

#: Rank levels for E-RANK, as docs/rules.md states them (civilian counts as officer).
_RANK_LEVEL: dict[Rank, int] = {
    Rank.CIVILIAN: 0,
    Rank.OFFICER: 0,
    Rank.SERGEANT: 1,
    Rank.CAPTAIN: 2,
    Rank.MAJOR: 3,
    Rank.DEPUTY_CHIEF: 4,
}

CANDIDATES = ("all_eligible", "applicants")


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken rule: its code, the member and position concerned (if any), and why."""

    code: str
    member: str | None
    position: str | None
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class VerificationError(AssertionError):
    """Raised by `assert_valid`; `violations` holds everything that was found."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(f"  {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} rule violation(s):\n{lines}")


# --- the roster being checked ----------------------------------------------------------------


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC)


def _hours(span: dt.timedelta) -> float:
    return span / HOUR


def _fmt_hours(span: dt.timedelta) -> str:
    """`17.0`, `16.02`, `16.5`: at least one decimal, at most two."""
    text = f"{_hours(span):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime,
              b_end: dt.datetime) -> bool:
    """Half-open intervals overlap when they share a positive length (touching does not)."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class _Slot:
    """A position with its shift, event and employer; times in UTC."""

    position: Position
    shift: Shift
    event: Event
    employer: Employer | None
    start: dt.datetime
    end: dt.datetime

    @property
    def id(self) -> str:
        return self.position.id

    @property
    def hours(self) -> dt.timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class _Detail:
    """One assignment: a member on a position."""

    member: Member
    slot: _Slot


@dataclass
class _Roster:
    """The instance indexed for checking, and the assignments to check."""

    instance: Instance
    tz: ZoneInfo
    candidates: str
    allow_understaffed: bool
    members: dict[str, Member]
    slots: dict[str, _Slot]
    #: Distinct assignments whose member and position exist, in input order.
    details: list[_Detail] = field(default_factory=list)
    #: Assignments naming an unknown member or position.
    unknown: list[tuple[str, str]] = field(default_factory=list)
    #: Second and later copies of the same (member, position) pair.
    repeated: list[tuple[str, str]] = field(default_factory=list)
    #: member id -> that member's details, by start time.
    by_member: dict[str, list[_Detail]] = field(default_factory=dict)
    #: (member id, shift id) of every application.
    applied: set[tuple[str, str]] = field(default_factory=set)
    #: (member id, position id) of every cancellation.
    cancelled: set[tuple[str, str]] = field(default_factory=set)

    def local(self, t: dt.datetime) -> str:
        return t.astimezone(self.tz).isoformat(timespec="minutes")

    def span(self, start: dt.datetime, end: dt.datetime) -> str:
        return f"{self.local(start)} to {self.local(end)}"


def _pair_of(item: Any) -> tuple[str, str]:
    """(member, position) from a tuple, a mapping, or an object with those attributes."""
    if isinstance(item, tuple | list):
        member, position = item
    elif isinstance(item, Mapping):
        member, position = item["member"], item["position"]
    else:
        member, position = item.member, item.position
    return str(member), str(position)


def _build_roster(instance: Instance, assignments: Iterable[Any], candidates: str,
                  allow_understaffed: bool) -> _Roster:
    employers = {e.id: e for e in instance.employers}
    slots: dict[str, _Slot] = {}
    for event in instance.events:
        for shift in event.shifts:
            for position in shift.positions:
                slots[position.id] = _Slot(position, shift, event, employers.get(event.employer),
                                           _utc(shift.start), _utc(shift.end))
    roster = _Roster(
        instance=instance,
        tz=ZoneInfo(instance.policy.timezone),
        candidates=candidates,
        allow_understaffed=allow_understaffed,
        members={m.id: m for m in instance.members},
        slots=slots,
        applied={(a.member, a.shift) for a in instance.applications},
        cancelled={(c.member, c.position) for c in instance.cancellations},
    )
    seen: set[tuple[str, str]] = set()
    for item in assignments:
        pair = _pair_of(item)
        if pair in seen:
            roster.repeated.append(pair)
            continue
        seen.add(pair)
        member_id, position_id = pair
        if member_id not in roster.members or position_id not in roster.slots:
            roster.unknown.append(pair)
            continue
        roster.details.append(_Detail(roster.members[member_id], roster.slots[position_id]))
    by_member: dict[str, list[_Detail]] = defaultdict(list)
    for detail in roster.details:
        by_member[detail.member.id].append(detail)
    roster.by_member = {
        m: sorted(ds, key=lambda d: (d.slot.start, d.slot.end)) for m, ds in by_member.items()
    }
    return roster


# --- per-assignment eligibility rules --------------------------------------------------------

Check = Callable[[_Roster], Iterator[Violation]]
#: An eligibility rule on one assignment: None when it holds, else the reason in plain words.
PairRule = Callable[[Member, _Slot, _Roster], "str | None"]


def _each_assignment(code: str) -> Callable[[PairRule], Check]:
    """Turns a rule on one (member, position) pair into a check of every assignment."""

    def wrap(rule: PairRule) -> Check:
        @functools.wraps(rule)
        def check(roster: _Roster) -> Iterator[Violation]:
            for d in roster.details:
                reason = rule(d.member, d.slot, roster)
                if reason is not None:
                    yield Violation(code, d.member.id, d.slot.id,
                                    f"{d.member.id} on {d.slot.id}: {reason}")

        return check

    return wrap


@_each_assignment("E-ENTRANT")
def check_entrant(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Entrant officers work no secondary employment (§IV.C.6)."""
    if m.status == MemberStatus.ENTRANT:
        return "entrant officers work no secondary employment"
    return None


@_each_assignment("E-PROBATION")
def check_probation(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Probationary members work no law-enforcement detail (§IV.A.6)."""
    if m.status == MemberStatus.PROBATIONARY and s.event.law_enforcement:
        return f"probationary member on law-enforcement event {s.event.id}"
    return None


@_each_assignment("E-BREAK-IN")
def check_break_in(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Lateral officers in their break-in period work no secondary employment (§IV.A.7)."""
    if m.status == MemberStatus.LATERAL_BREAK_IN:
        return "lateral officer still in the break-in period"
    return None


@_each_assignment("E-PRIVILEGES")
def check_privileges(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Members with suspended or revoked privileges work no secondary employment (§III.S)."""
    if m.privileges in (Privileges.SUSPENDED, Privileges.REVOKED):
        return f"secondary employment privileges are {m.privileges.value}"
    return None


@_each_assignment("E-RESERVE-HOURS")
def check_reserve_hours(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Reserve members who missed their required hours work none (§IV.B.2)."""
    if m.kind == MemberKind.RESERVE and not m.reserve_hours_met:
        return "reserve member has not met the required reserve hours"
    return None


@_each_assignment("E-NON-SWORN-LE")
def check_non_sworn_le(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Non-sworn members work law-enforcement details only with a private license (§IV.C.4)."""
    if (m.kind == MemberKind.NON_SWORN and s.event.law_enforcement
            and not m.private_officer_license):
        return (f"non-sworn member without a private officer license on "
                f"law-enforcement event {s.event.id}")
    return None


@_each_assignment("E-CLOSEOUT")
def check_closeout(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Members with open close-outs may not take pool details (§III.H)."""
    if m.open_closeouts > 0 and s.event.pool:
        return f"{m.open_closeouts} open close-out(s) and {s.event.id} is a pool detail"
    return None


@_each_assignment("E-EMPLOYER")
def check_employer(m: Member, s: _Slot, r: _Roster) -> str | None:
    """The employer must be approved and not restricted (§III.N–P, §IV.A.2)."""
    if s.employer is None:
        return f"event {s.event.id} names no known employer ({s.event.employer!r})"
    if not s.employer.approved:
        return f"employer {s.employer.id} is not approved"
    if s.employer.restricted:
        kinds = ", ".join(k.value for k in s.employer.restricted)
        return f"employer {s.employer.id} is restricted ({kinds})"
    return None


@_each_assignment("E-CITY-LIMITS")
def check_city_limits(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Law-enforcement details only inside the city limits (§IV.A.11)."""
    if s.event.law_enforcement and not s.event.in_city_limits:
        return f"law-enforcement event {s.event.id} is outside the city limits"
    return None


@_each_assignment("E-CONFLICT")
def check_conflict(m: Member, s: _Slot, r: _Roster) -> str | None:
    """A member-specific conflict with the employer bars the member (§III.N.3)."""
    if s.event.employer in m.conflicts:
        return f"member has a conflict with employer {s.event.employer}"
    return None


@_each_assignment("E-TAVERN-APPROVAL")
def check_tavern_approval(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Tavern/nightclub details need the commander's approval first (§IV.A.2)."""
    if s.employer is not None and s.employer.tavern and not s.event.commander_approved:
        return f"tavern event {s.event.id} is not commander-approved"
    return None


@_each_assignment("E-RANK")
def check_rank(m: Member, s: _Slot, r: _Roster) -> str | None:
    """The member's rank is at least the position's min_rank (§IV.A.8)."""
    if _RANK_LEVEL[m.rank] < _RANK_LEVEL[s.position.min_rank]:
        return f"rank {m.rank.value} is below the required {s.position.min_rank.value}"
    return None


@_each_assignment("E-CERT")
def check_cert(m: Member, s: _Slot, r: _Roster) -> str | None:
    """The member holds every certification the position requires (pillar 3)."""
    missing = [c for c in s.position.certifications if c not in m.certifications]
    if missing:
        return f"missing certification(s) {', '.join(missing)}"
    return None


@_each_assignment("E-LEAVE")
def check_leave(m: Member, s: _Slot, r: _Roster) -> str | None:
    """No detail during a leave of any kind but fmla_family (§V.A)."""
    for leave in m.leaves:
        if leave.kind == LeaveKind.FMLA_FAMILY:
            continue
        if _overlaps(s.start, s.end, _utc(leave.start), _utc(leave.end)):
            what = "medical-appointment sick" if leave.medical_appointment else leave.kind.value
            return (f"shift {r.span(s.start, s.end)} overlaps {what} leave "
                    f"{r.span(leave.start, leave.end)}")
    return None


def _sick_bar_start(member: Member, leave_start: dt.datetime,
                    leave_end: dt.datetime) -> dt.datetime:
    """The 10-41 time of a sick leave: the start of the earliest tour overlapping the leave,
    else the leave's own start."""
    starts = [_utc(t.start) for t in member.tours
              if _overlaps(_utc(t.start), _utc(t.end), leave_start, leave_end)]
    return min(starts) if starts else leave_start


@_each_assignment("E-SICK-24H")
def check_sick_24h(m: Member, s: _Slot, r: _Roster) -> str | None:
    """No detail in the 24 h from the 10-41 time of a non-appointment sick leave (§V.A.4.b)."""
    for leave in m.leaves:
        if leave.kind != LeaveKind.SICK or leave.medical_appointment:
            continue
        bar_start = _sick_bar_start(m, _utc(leave.start), _utc(leave.end))
        bar_end = bar_start + DAY
        if _overlaps(s.start, s.end, bar_start, bar_end):
            return (f"shift {r.span(s.start, s.end)} falls in the 24 h after the 10-41 time "
                    f"{r.local(bar_start)} of sick leave {r.span(leave.start, leave.end)}")
    return None


@_each_assignment("E-ON-DUTY")
def check_on_duty(m: Member, s: _Slot, r: _Roster) -> str | None:
    """No detail during an on-duty tour, fmla_family leave included (§III.N.1, §V.B)."""
    for tour in m.tours:
        if _overlaps(s.start, s.end, _utc(tour.start), _utc(tour.end)):
            return f"shift {r.span(s.start, s.end)} overlaps tour {r.span(tour.start, tour.end)}"
    return None


@_each_assignment("E-APPLICANT")
def check_applicant(m: Member, s: _Slot, r: _Roster) -> str | None:
    """Restricted to applicants, pool details go only to those who applied (§III.E, §IV.A.5)."""
    if r.candidates != "applicants" or not s.event.pool:
        return None
    if (m.id, s.shift.id) not in r.applied:
        return f"did not apply for shift {s.shift.id} (candidates are applicants only)"
    return None


@_each_assignment("E-CANCELLED")
def check_cancelled(m: Member, s: _Slot, r: _Roster) -> str | None:
    """A cancelled (member, position) pair is not assigned again (extension; §IV.D)."""
    if (m.id, s.id) in r.cancelled:
        return "this assignment was cancelled"
    return None


# --- roster-level rules ----------------------------------------------------------------------


def check_unknown_ids(r: _Roster) -> Iterator[Violation]:
    """Every assignment names a member and a position of the instance (input sanity)."""
    for member_id, position_id in r.unknown:
        missing = []
        if member_id not in r.members:
            missing.append(f"no member with id {member_id!r}")
        if position_id not in r.slots:
            missing.append(f"no position with id {position_id!r}")
        yield Violation("UNKNOWN-ID", member_id, position_id,
                        f"assignment {member_id} on {position_id}: {'; '.join(missing)}")


def check_position_count(r: _Roster) -> Iterator[Violation]:
    """A position gets at most `count` members, each at most once (no policy section)."""
    for member_id, position_id in r.repeated:
        yield Violation("C-POSITION-COUNT", member_id, position_id,
                        f"{member_id} is assigned to {position_id} more than once")
    holders: dict[str, list[str]] = defaultdict(list)
    for d in r.details:
        holders[d.slot.id].append(d.member.id)
    for position_id, members in holders.items():
        count = r.slots[position_id].position.count
        if len(members) > count:
            yield Violation("C-POSITION-COUNT", None, position_id,
                            f"{position_id} has {len(members)} members (count {count}): "
                            f"{', '.join(members)}")


def check_overlap(r: _Roster) -> Iterator[Violation]:
    """A member works at most one detail at a time (§III.N.1)."""
    for member_id, details in r.by_member.items():
        for i, first in enumerate(details):
            for second in details[i + 1:]:
                if _overlaps(first.slot.start, first.slot.end, second.slot.start, second.slot.end):
                    yield Violation(
                        "C-OVERLAP", member_id, second.slot.id,
                        f"{member_id}'s {second.slot.id} "
                        f"({r.span(second.slot.start, second.slot.end)}) overlaps "
                        f"{first.slot.id} ({r.span(first.slot.start, first.slot.end)})")


def _calendar_days(tz: ZoneInfo, lo: dt.datetime,
                   hi: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Local calendar days (midnight to midnight, 23 or 25 h when the clocks change) that
    overlap [lo, hi), in UTC."""

    def midnight(day: dt.date) -> dt.datetime:
        return _utc(dt.datetime.combine(day, dt.time(0), tzinfo=tz))

    day = lo.astimezone(tz).date()
    while midnight(day) < hi:
        yield midnight(day), midnight(day + dt.timedelta(days=1))
        day += dt.timedelta(days=1)


def _tile(origin: dt.datetime, stop: dt.datetime | None, lo: dt.datetime,
          hi: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """24-hour days from `origin` on, the last one cut short at `stop` (None: never stop),
    that overlap [lo, hi)."""
    start = origin
    if lo > origin:  # skip whole days that end before lo
        start = origin + ((lo - origin) // DAY) * DAY
    while start < hi and (stop is None or start < stop):
        end = start + DAY if stop is None else min(start + DAY, stop)
        if end > lo:
            yield start, end
        start = end


def _work_days(member: Member, instance: Instance, tz: ZoneInfo, lo: dt.datetime,
               hi: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The member's work days (§II.H, docs/rules.md) that overlap [lo, hi), in UTC."""
    if not member.tours:
        yield from _calendar_days(tz, lo, hi)
        return
    if member.hour_plan is None:
        raise ValueError(f"member {member.id} has tours but no hour_plan "
                         "(parse_instance rejects such instances)")
    lead = dt.timedelta(hours=instance.policy.lead_hours(member.hour_plan))
    opens = sorted(_utc(t.start) - lead for t in member.tours)
    if lo < opens[0]:  # before the first tour: 24-hour days backwards from its day
        days_back = math.ceil((opens[0] - lo) / DAY)
        yield from _tile(opens[0] - days_back * DAY, opens[0], lo, hi)
    for i, day_open in enumerate(opens):
        next_open = opens[i + 1] if i + 1 < len(opens) else None
        yield from _tile(day_open, next_open, lo, hi)


def _inside(start: dt.datetime, end: dt.datetime, lo: dt.datetime, hi: dt.datetime) -> Fraction:
    """Hours of [start, end) inside [lo, hi), exactly (0 when they do not overlap)."""
    span = min(end, hi) - max(start, lo)
    return max(Fraction(span // MICROSECOND, HOUR // MICROSECOND), Fraction(0))


def _on_duty_inside(tour: Tour, lo: dt.datetime, hi: dt.datetime) -> Fraction:
    """The part of a tour's on-duty hours inside [lo, hi): its hours inside, less its exception
    hours pro rata to that part (the tour's hours less exception, not below zero, times the
    share of the tour inside), exactly."""
    start, end = _utc(tour.start), _utc(tour.end)
    inside = _inside(start, end, lo, hi)
    if inside == 0:
        return inside
    length = _inside(start, end, start, end)
    worked = max(length - Fraction(tour.exception_hours), Fraction(0))
    return worked * inside / length


def _fmt_exact(hours: Fraction) -> str:
    """Exact hours as `_fmt_hours` prints them (two decimals at most)."""
    return _fmt_hours(float(hours) * HOUR)


def _part(slot: _Slot, lo: dt.datetime, hi: dt.datetime) -> str:
    """`EV1-S1-P 6.0 h`, or `EV1-S1-P 6.0 of 8.0 h` when only part of it is inside."""
    inside = _inside(slot.start, slot.end, lo, hi)
    if lo <= slot.start and slot.end <= hi:
        return f"{slot.id} {_fmt_exact(inside)} h"
    return f"{slot.id} {_fmt_exact(inside)} of {_fmt_hours(slot.hours)} h"


def check_work_day_cap(r: _Roster) -> Iterator[Violation]:
    """On-duty less exception plus secondary hours within each work day ≤ the cap (§IV.A.12, §II.H)."""
    cap = Fraction(r.instance.policy.work_day_cap_hours)
    for member_id, details in r.by_member.items():
        member = r.members[member_id]
        if member.cap_exception:
            continue
        lo = min(d.slot.start for d in details)
        hi = max(d.slot.end for d in details)
        for day_start, day_end in _work_days(member, r.instance, r.tz, lo, hi):
            inside = [d for d in details
                      if _overlaps(d.slot.start, d.slot.end, day_start, day_end)]
            if not inside:
                continue
            on_duty = sum((_on_duty_inside(t, day_start, day_end) for t in member.tours),
                          Fraction(0))
            secondary = sum((_inside(d.slot.start, d.slot.end, day_start, day_end)
                             for d in inside), Fraction(0))
            load = on_duty + secondary
            if load > cap:
                parts = ", ".join(_part(d.slot, day_start, day_end) for d in inside)
                yield Violation(
                    "C-WORK-DAY-CAP", member_id, inside[-1].slot.id if len(inside) == 1 else None,
                    f"{member_id} works {_fmt_exact(load)} h in the work day starting "
                    f"{r.local(day_start)} (cap {r.instance.policy.work_day_cap_hours:g}): "
                    f"on duty {_fmt_exact(on_duty)} h, details {parts}")


def _iso_weeks(tz: ZoneInfo, lo: dt.datetime,
               hi: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Local ISO weeks (Monday 00:00 to Monday 00:00) that overlap [lo, hi), in UTC."""

    def monday_midnight(day: dt.date) -> dt.datetime:
        return _utc(dt.datetime.combine(day, dt.time(0), tzinfo=tz))

    local = lo.astimezone(tz).date()
    monday = local - dt.timedelta(days=local.weekday())
    while monday_midnight(monday) < hi:
        yield monday_midnight(monday), monday_midnight(monday + WEEK)
        monday += WEEK


def check_weekly_cap(r: _Roster) -> Iterator[Violation]:
    """Secondary hours within each local ISO week ≤ max_secondary_hours_per_week, when set (pillar 1)."""
    cap_hours = r.instance.policy.max_secondary_hours_per_week
    if cap_hours is None:
        return
    for member_id, details in r.by_member.items():
        lo = min(d.slot.start for d in details)
        hi = max(d.slot.end for d in details)
        for week_start, week_end in _iso_weeks(r.tz, lo, hi):
            inside = [d for d in details
                      if _overlaps(d.slot.start, d.slot.end, week_start, week_end)]
            total = sum((_inside(d.slot.start, d.slot.end, week_start, week_end)
                         for d in inside), Fraction(0))
            if total > Fraction(cap_hours):
                parts = ", ".join(_part(d.slot, week_start, week_end) for d in inside)
                yield Violation(
                    "C-WEEKLY-CAP", member_id, inside[-1].slot.id if len(inside) == 1 else None,
                    f"{member_id} works {_fmt_exact(total)} h of details in the week starting "
                    f"{r.local(week_start)} (cap {cap_hours:g}): {parts}")


def check_rest(r: _Roster) -> Iterator[Violation]:
    """At least min_rest_hours from a detail's end to the next tour or detail start (§III.C)."""
    rest_hours = r.instance.policy.min_rest_hours
    if rest_hours <= 0:
        return
    rest = rest_hours * HOUR
    for member_id, details in r.by_member.items():
        member = r.members[member_id]
        nexts = [(f"tour at {r.local(t.start)}", _utc(t.start)) for t in member.tours]
        nexts += [(f"{d.slot.id} at {r.local(d.slot.start)}", d.slot.start) for d in details]
        for d in details:
            for label, start in nexts:
                if d.slot.end <= start < d.slot.end + rest:
                    yield Violation(
                        "C-REST", member_id, d.slot.id,
                        f"{member_id} has {_fmt_hours(start - d.slot.end)} h between the end of "
                        f"{d.slot.id} at {r.local(d.slot.end)} and the {label} "
                        f"(minimum rest {rest_hours:g} h)")


def check_tavern_min(r: _Roster) -> Iterator[Violation]:
    """A tavern event's shift has no members or at least tavern_min_officers (§IV.A.18.c)."""
    minimum = r.instance.policy.tavern_min_officers
    employers = {e.id: e for e in r.instance.employers}
    members_by_shift: dict[str, set[str]] = defaultdict(set)
    for d in r.details:
        members_by_shift[d.slot.shift.id].add(d.member.id)
    for event in r.instance.events:
        employer = employers.get(event.employer)
        if employer is None or not employer.tavern or event.understaffing_approved:
            continue
        for shift in event.shifts:
            n = len(members_by_shift[shift.id])
            if 0 < n < minimum:
                yield Violation(
                    "C-TAVERN-MIN", None, None,
                    f"tavern shift {shift.id} of event {event.id} has {n} member(s) "
                    f"(needs 0 or at least {minimum})")


def check_staffing_ratio(r: _Roster) -> Iterator[Violation]:
    """Throughout an event's window, assignments ≥ core + ceil(attendance / ratio) (§IV.A.13)."""
    if r.allow_understaffed:
        return
    details_by_event: dict[str, list[_Detail]] = defaultdict(list)
    for d in r.details:
        details_by_event[d.slot.event.id].append(d)
    for event in r.instance.events:
        ratio = r.instance.policy.staffing_ratio(event.venue)
        window = event.effective_window()
        if ratio is None or event.attendance is None or window is None:
            continue
        floor = ratio.core + math.ceil(event.attendance / ratio.attendees_per_officer)
        w_start, w_end = _utc(window[0]), _utc(window[1])
        details = details_by_event[event.id]
        # The count is constant between consecutive shift boundaries.
        cuts = {w_start, w_end}
        for shift in event.shifts:
            for t in (_utc(shift.start), _utc(shift.end)):
                if w_start < t < w_end:
                    cuts.add(t)
        points = sorted(cuts)
        under: list[tuple[dt.datetime, dt.datetime, int]] = []  # short segments
        for a, b in itertools.pairwise(points):
            n = sum(1 for d in details if d.slot.start <= a < d.slot.end)
            if n < floor:
                under.append((a, b, n))
        # One violation per run of adjacent short segments.
        runs: list[list[tuple[dt.datetime, dt.datetime, int]]] = []
        for seg in under:
            if runs and runs[-1][-1][1] == seg[0]:
                runs[-1].append(seg)
            else:
                runs.append([seg])
        for run in runs:
            fewest = min(run, key=lambda seg: seg[2])
            yield Violation(
                "C-STAFFING-RATIO", None, None,
                f"event {event.id} has as few as {fewest[2]} assigned member(s) at "
                f"{r.local(fewest[0])}, below its floor of {floor} (core {ratio.core} + "
                f"ceil({event.attendance}/{ratio.attendees_per_officer})), "
                f"from {r.span(run[0][0], run[-1][1])}")


def check_locked(r: _Roster) -> Iterator[Violation]:
    """Every locked assignment of the instance is kept (no policy section)."""
    kept = {(d.member.id, d.slot.id) for d in r.details}
    for a in r.instance.assignments:
        if a.locked and (a.member, a.position) not in kept:
            yield Violation("C-LOCKED", a.member, a.position,
                            f"locked assignment {a.member} on {a.position} is missing")


#: Every check, in report order: input sanity, eligibility in docs/rules.md order, then the
#: model constraints in DESIGN.md order.
CHECKS: tuple[Check, ...] = (
    check_unknown_ids,
    check_entrant,
    check_probation,
    check_break_in,
    check_privileges,
    check_reserve_hours,
    check_non_sworn_le,
    check_closeout,
    check_employer,
    check_city_limits,
    check_conflict,
    check_tavern_approval,
    check_rank,
    check_cert,
    check_leave,
    check_sick_24h,
    check_on_duty,
    check_applicant,
    check_cancelled,
    check_position_count,
    check_overlap,
    check_work_day_cap,
    check_weekly_cap,
    check_rest,
    check_tavern_min,
    check_staffing_ratio,
    check_locked,
)


# --- entry points ----------------------------------------------------------------------------


def verify(instance: Instance, assignments: Iterable[Any], *,
           candidates: str = "all_eligible", allow_understaffed: bool = False) -> list[Violation]:
    """Every rule the assignments break, in the order of CHECKS; [] when the roster is valid.

    `assignments` holds (member id, position id) tuples, mappings with `member` and `position`
    keys, or objects with `.member` and `.position` (e.g. a Solution's assignments).
    C-STAFFING-RATIO is skipped with `allow_understaffed`; E-APPLICANT applies only when
    `candidates == "applicants"`.
    """
    if candidates not in CANDIDATES:
        raise ValueError(f"candidates must be one of {CANDIDATES}, not {candidates!r}")
    roster = _build_roster(instance, assignments, str(candidates), allow_understaffed)
    violations: list[Violation] = []
    for check in CHECKS:
        violations.extend(check(roster))
    return violations


def assert_valid(instance: Instance, assignments: Iterable[Any], **kw: Any) -> None:
    """Raise VerificationError listing every violation, if there is any."""
    violations = verify(instance, assignments, **kw)
    if violations:
        raise VerificationError(violations)
