"""Hypothesis strategies shared by the tests: random SMALL valid raw instances (plain dicts).

`instances()` draws an instance in the format of DESIGN.md that `models.validation.parse_instance`
accepts: 2–6 members, 1–2 employers, 1–3 events of 1–3 shifts of 1–3 positions, all on
2026-09-12 .. 2026-09-14 in America/Chicago (daylight time, offset -05:00; 2026-09-14 is a Monday,
so a new ISO week starts inside the horizon). Times lie on a 15-minute grid and cluster on
Sunday 2026-09-13, so that overlaps, work-day caps (sometimes 10–12 h), rest (0 or 2 h), weekly
caps, tavern minimums and small staffing floors (1–3) all bind now and then.

Everything is small on purpose: the property tests enumerate rosters by brute force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Raw = dict[str, Any]

#: Sunday 2026-09-13 is in daylight time: America/Chicago is at -05:00 all over the horizon.
CDT = dt.timezone(dt.timedelta(hours=-5))
#: Saturday 2026-09-12 00:00 local: minute 0 of the horizon.
ORIGIN = dt.datetime(2026, 9, 12, 0, 0, tzinfo=CDT)
GRID = 15  # minutes
HORIZON = 3 * 24 * 60  # 2026-09-12 00:00 .. 2026-09-15 00:00
#: Where most shifts fall: Sunday 2026-09-13, 06:00 .. 22:00.
BUSY = (24 * 60 + 6 * 60, 24 * 60 + 22 * 60)

SENIORITY_DATES = ("1998-05-01", "2004-02-29", "2010-07-15", "2010-07-15", "2016-11-30", "2021-01-04")
CERTIFICATIONS = ("traffic", "k9")
LEAVE_KINDS = ("fmla_self", "fmla_family", "funeral", "injury", "sick", "military", "unpaid",
               "limited_duty", "leave_pool", "suspension")
RESTRICTIONS = ("labor_dispute", "gambling", "private_security")


def iso(minute: int) -> str:
    """Minute `minute` of the horizon as ISO 8601 with its offset (2026-09-13T10:00:00-05:00)."""
    return (ORIGIN + dt.timedelta(minutes=minute)).isoformat()


def grid_minute(lo: int, hi: int) -> st.SearchStrategy[int]:
    """A minute on the 15-minute grid in [lo, hi]."""
    return st.integers(-(-lo // GRID), hi // GRID).map(lambda k: k * GRID)


def duration(lo_hours: float, hi_hours: float) -> st.SearchStrategy[int]:
    """A length in minutes on the grid between the two bounds."""
    return grid_minute(round(lo_hours * 60), round(hi_hours * 60))


def _weighted(*choices: tuple[int, Any]) -> st.SearchStrategy[Any]:
    """`sampled_from` with integer weights (a value repeated `weight` times)."""
    return st.sampled_from([value for weight, value in choices for _ in range(weight)])


@st.composite
def policies(draw: st.DrawFn) -> Raw:
    policy: Raw = {
        "work_day_cap_hours": draw(_weighted((3, 16), (1, 10), (1, 11), (1, 12))),
        "min_rest_hours": draw(_weighted((2, 0), (1, 2))),
        "max_secondary_hours_per_week": draw(_weighted((3, None), (1, 6), (1, 9))),
        "tavern_min_officers": draw(_weighted((3, 3), (1, 2))),
    }
    if draw(_weighted((4, False), (1, True))):
        # other work-day leads (§II.H): the day boundaries move
        policy["work_day_lead_hours"] = {"8": draw(st.sampled_from([0, 2, 8])),
                                         "10": draw(st.sampled_from([3, 7])), "11": 6}
    if draw(st.booleans()):
        # small floors: reserved_no_alcohol gives core + ceil(attendance / 1000)
        policy["staffing_ratios"] = {
            "reserved_no_alcohol": {"attendees_per_officer": 1000, "core": draw(st.integers(0, 1))},
        }
    return {k: v for k, v in policy.items() if v is not None}


@st.composite
def tours(draw: st.DrawFn) -> list[Raw]:
    """0–3 non-overlapping tours, in time order, inside the horizon."""
    n = draw(_weighted((3, 1), (2, 0), (2, 2), (1, 3)))
    out: list[Raw] = []
    cursor = draw(grid_minute(0, HORIZON // 2))
    for _ in range(n):
        cursor += draw(_weighted((3, 10 * 60), (3, 4 * 60), (1, 0), (2, 16 * 60)))
        length = draw(duration(4, 10))
        if cursor + length > HORIZON:
            break
        tour: Raw = {"start": iso(cursor), "end": iso(cursor + length)}
        if draw(_weighted((4, False), (1, True))):
            tour["exception_hours"] = draw(st.sampled_from([0.5, 1, 2]))
        out.append(tour)
        cursor += length
    return out


@st.composite
def leaves(draw: st.DrawFn) -> list[Raw]:
    n = draw(_weighted((5, 0), (2, 1), (1, 2)))
    out: list[Raw] = []
    for _ in range(n):
        start = draw(grid_minute(0, HORIZON - 60))
        end = min(HORIZON, start + draw(duration(1, 20)))
        kind = draw(st.sampled_from(("sick", "sick", "fmla_family", *LEAVE_KINDS)))
        leave: Raw = {"kind": kind, "start": iso(start), "end": iso(end)}
        if kind == "sick":
            leave["medical_appointment"] = draw(st.booleans())
        out.append(leave)
    return out


#: At most one oddity per member, so that most members are eligible for most positions.
MEMBER_QUIRKS: tuple[Raw, ...] = (
    {"status": "probationary"},
    {"status": "lateral_break_in"},
    {"status": "entrant"},
    {"privileges": "suspended"},
    {"privileges": "revoked"},
    {"open_closeouts": 1},
    {"cap_exception": True},
    {"kind": "reserve", "reserve_hours_met": False},
    {"kind": "reserve", "reserve_hours_met": True},
    {"kind": "non_sworn", "rank": "civilian", "private_officer_license": False},
    {"kind": "non_sworn", "rank": "civilian", "private_officer_license": True},
)


@st.composite
def members(draw: st.DrawFn, n: int, employer_ids: list[str]) -> list[Raw]:
    out: list[Raw] = []
    for i in range(n):
        member: Raw = {
            "id": f"M{i + 1}",
            "kind": "sworn",
            "rank": draw(_weighted((5, "officer"), (2, "sergeant"), (1, "captain"))),
            "status": "active",
            "privileges": "active",
            "seniority_date": draw(st.sampled_from(SENIORITY_DATES)),
            "certifications": sorted(draw(st.sets(st.sampled_from(CERTIFICATIONS)))),
            "hour_plan": draw(st.sampled_from([8, 10, 11])),
            "tours": draw(tours()),
            "leaves": draw(leaves()),
            "hours_ytd": draw(st.sampled_from([0, 12.5, 40, 212.5])),
        }
        if draw(_weighted((3, False), (1, True))):
            member.update(draw(st.sampled_from(MEMBER_QUIRKS)))
        if draw(_weighted((12, False), (1, True))):
            member["conflicts"] = [draw(st.sampled_from(employer_ids))]
        out.append(member)
    return out


@st.composite
def employers(draw: st.DrawFn) -> list[Raw]:
    n = draw(st.integers(1, 2))
    out: list[Raw] = []
    for i in range(n):
        employer: Raw = {"id": f"E{i + 1}", "approved": True,
                         "tavern": draw(_weighted((3, False), (1, True)))}
        quirk = draw(_weighted((12, None), (1, "unapproved"), (1, "restricted")))
        if quirk == "unapproved":
            employer["approved"] = False
        elif quirk == "restricted":
            employer["restricted"] = [draw(st.sampled_from(RESTRICTIONS))]
        out.append(employer)
    return out


@st.composite
def positions(draw: st.DrawFn, shift_id: str) -> list[Raw]:
    out: list[Raw] = []
    for k in range(draw(st.integers(1, 3))):
        position: Raw = {
            "id": f"{shift_id}-P{k + 1}",
            "count": draw(_weighted((8, 1), (5, 2), (3, 3), (1, 0))),
            "min_rank": draw(_weighted((8, "officer"), (1, "sergeant"))),
            "certifications": draw(_weighted((5, []), (1, ["traffic"]), (1, ["k9"]))),
            "pay_rate": draw(st.sampled_from([38.0, 45.0, 55.0])),
            "priority": draw(_weighted((4, 1), (2, 2), (1, 3))),
        }
        out.append(position)
    return out


@st.composite
def shifts(draw: st.DrawFn, event_id: str) -> list[Raw]:
    out: list[Raw] = []
    for j in range(draw(_weighted((3, 1), (3, 2), (1, 3)))):
        length = draw(duration(2, 10))
        if draw(_weighted((3, True), (1, False))):
            start = draw(grid_minute(BUSY[0], BUSY[1] - 2 * 60))
        else:
            start = draw(grid_minute(0, HORIZON - length))
        start = min(start, HORIZON - length)
        sid = f"{event_id}-S{j + 1}"
        out.append({"id": sid, "start": iso(start), "end": iso(start + length),
                    "positions": draw(positions(sid))})
    return out


@st.composite
def events(draw: st.DrawFn, employer_list: list[Raw], ratio_override: bool) -> list[Raw]:
    out: list[Raw] = []
    for v in range(draw(_weighted((3, 1), (3, 2), (1, 3)))):
        eid = f"EV{v + 1}"
        employer = draw(st.sampled_from(employer_list))
        event: Raw = {
            "id": eid,
            "employer": employer["id"],
            "law_enforcement": True,
            "in_city_limits": True,
            "pool": draw(_weighted((3, True), (1, False))),
            "commander_approved": draw(_weighted((4, True), (1, False)) if employer["tavern"]
                                       else st.booleans()),
            "understaffing_approved": draw(_weighted((6, False), (1, True))),
            "shifts": draw(shifts(eid)),
        }
        quirk = draw(_weighted((10, None), (1, "not_le"), (1, "outside")))
        if quirk == "not_le":
            event["law_enforcement"] = False
        elif quirk == "outside":
            event["in_city_limits"] = False
        if draw(_weighted((4, False), (1, True))):
            # a small staffing floor (1..3)
            if ratio_override:
                event["venue"] = "reserved_no_alcohol"
                event["attendance"] = draw(st.sampled_from([0, 500, 1000, 1500, 2000]))
            else:
                event["venue"] = "reserved_no_alcohol"  # default: 1 core + ceil(n / 3000)
                event["attendance"] = draw(st.sampled_from([0, 1200, 3000, 4500]))
            if draw(_weighted((4, False), (1, True))):
                lo = min(s["start"] for s in event["shifts"])
                hi = max(s["end"] for s in event["shifts"])
                lo_m = _minute(lo)
                hi_m = _minute(hi)
                start = draw(grid_minute(lo_m, max(lo_m, hi_m - GRID)))
                end = draw(grid_minute(start + GRID, hi_m))
                event["window"] = {"start": iso(start), "end": iso(end)}
        out.append(event)
    return out


def _minute(text: str) -> int:
    return int((dt.datetime.fromisoformat(text) - ORIGIN).total_seconds() // 60)


def all_positions(raw: Raw) -> list[Raw]:
    return [p for ev in raw["events"] for s in ev["shifts"] for p in s["positions"]]


def all_shifts(raw: Raw) -> list[Raw]:
    return [s for ev in raw["events"] for s in ev["shifts"]]


@st.composite
def instances(draw: st.DrawFn, max_members: int = 6) -> Raw:
    """A random small instance (raw dict) that `parse_instance` accepts."""
    policy = draw(policies())
    employer_list = draw(employers())
    n_members = draw(st.integers(2, max_members))
    member_list = draw(members(n_members, [e["id"] for e in employer_list]))
    event_list = draw(events(employer_list, "staffing_ratios" in policy))
    raw: Raw = {"name": "hypothesis", "policy": policy, "members": member_list,
                "employers": employer_list, "events": event_list}
    member_ids = [m["id"] for m in member_list]
    shift_list = all_shifts(raw)
    position_list = all_positions(raw)

    # applications: each (member, shift) with some probability, when the instance has any
    if draw(_weighted((2, True), (1, False))):
        apps = []
        for m in member_ids:
            for s in shift_list:
                if draw(st.booleans()):
                    at = dt.datetime(2026, 9, 1, 8, 0, tzinfo=CDT) + dt.timedelta(
                        minutes=draw(st.integers(0, 5000)))
                    apps.append({"member": m, "shift": s["id"], "at": at.isoformat()})
        raw["applications"] = apps

    pair = st.tuples(st.sampled_from(member_ids), st.sampled_from([p["id"] for p in position_list]))
    cancelled: set[tuple[str, str]] = set()
    if draw(_weighted((4, False), (1, True))):
        for m, p in draw(st.lists(pair, min_size=1, max_size=2, unique=True)):
            cancelled.add((m, p))
        raw["cancellations"] = [{"member": m, "position": p, "reason": "illness",
                                 "at": "2026-09-11T09:00:00-05:00"} for m, p in sorted(cancelled)]
    if draw(_weighted((4, False), (1, True))):
        raw["assignments"] = draw(roster(raw, pair, cancelled))
    return raw


def _looks_valid(raw: Raw) -> Callable[[str, str], bool]:
    """Does the verifier accept (member, position) on its own (staffing floors and tavern
    minimums aside: they are about the whole roster)?"""
    from offduty.models.validation import parse_instance
    from offduty.solver.verify import verify

    inst = parse_instance(raw)

    def check(member: str, position: str) -> bool:
        return all(v.code in ("C-TAVERN-MIN", "C-STAFFING-RATIO")
                   for v in verify(inst, [(member, position)], allow_understaffed=True))

    return check


@st.composite
def roster(draw: st.DrawFn, raw: Raw, pair: st.SearchStrategy[tuple[str, str]],
           cancelled: set[tuple[str, str]]) -> list[Raw]:
    """A current roster of 1–3 assignments. Only valid-looking ones are locked: a pair the
    verifier accepts on its own, not cancelled, within the position's count (two locked
    assignments may still clash with each other: then no roster is valid)."""
    count = {p["id"]: p["count"] for p in all_positions(raw)}
    looks_valid = _looks_valid(raw)
    locked_on: dict[str, int] = {}
    out: list[Raw] = []
    for m, p in draw(st.lists(pair, min_size=1, max_size=3, unique=True)):
        locked = (draw(_weighted((2, False), (1, True))) and (m, p) not in cancelled
                  and locked_on.get(p, 0) < count[p]
                  and looks_valid(m, p))
        if locked:
            locked_on[p] = locked_on.get(p, 0) + 1
        out.append({"member": m, "position": p, "locked": locked})
    return out
