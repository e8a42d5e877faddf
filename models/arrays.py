"""The instance as numpy arrays on one integer clock: minutes since the Unix epoch (UTC).

Offsets are applied when converting, so a shift across the end of daylight time lasts its real
elapsed minutes (9 hours, not 8). Everything the eligibility rules and the model need is here,
indexed by position in the instance's lists (members, employers, events, shifts, positions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from offduty.models.instance import RANK_LEVEL, Instance, LeaveKind, MemberKind, MemberStatus, Privileges

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Stands for "never" in arrays of times (e.g. no last_worked).
NEVER = np.iinfo(np.int64).min // 4

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def to_minutes(t: dt.datetime) -> int:
    """Minutes since the epoch, on UTC; seconds are dropped."""
    return int((t - _EPOCH).total_seconds()) // 60


def to_seconds(t: dt.datetime) -> int:
    return int((t - _EPOCH).total_seconds())


def hours_to_minutes(hours: float) -> int:
    return round(hours * MINUTES_PER_HOUR)


def from_minutes(minutes: int, tz: dt.tzinfo) -> dt.datetime:
    return (_EPOCH + dt.timedelta(minutes=int(minutes))).astimezone(tz)


def _ints(values: list[int]) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _bools(values: list[bool]) -> BoolArray:
    return np.asarray(values, dtype=np.bool_).reshape(-1)


@dataclass(frozen=True, eq=False)
class InstanceArrays:
    """Column arrays of one validated instance. Build with `InstanceArrays.build`."""

    instance: Instance
    tz: ZoneInfo
    # members (M)
    member_ids: list[str]
    member_kind: list[MemberKind]
    member_status: list[MemberStatus]
    member_privileges: list[Privileges]
    member_rank_level: IntArray
    member_open_closeouts: IntArray
    member_private_license: BoolArray
    member_reserve_hours_met: BoolArray
    member_cap_exception: BoolArray
    member_hours_ytd: FloatArray
    member_seniority_day: IntArray  # days since the epoch; smaller is more senior
    member_last_worked: IntArray  # minutes, NEVER when unknown
    member_lead_minutes: IntArray  # work-day lead before a tour (§II.H), 0 without tours
    member_certs: BoolArray  # [M, C]
    # tours (T), flattened and sorted by (member, start)
    tour_member: IntArray
    tour_start: IntArray
    tour_end: IntArray
    tour_exception: IntArray  # minutes
    # leaves (L), flattened
    leave_member: IntArray
    leave_kind: list[LeaveKind]
    leave_start: IntArray
    leave_end: IntArray
    leave_medical: BoolArray
    # employers (E)
    employer_ids: list[str]
    employer_approved: BoolArray
    employer_tavern: BoolArray
    employer_restricted: BoolArray
    # events (V)
    event_ids: list[str]
    event_employer: IntArray
    event_law_enforcement: BoolArray
    event_in_city_limits: BoolArray
    event_pool: BoolArray
    event_commander_approved: BoolArray
    event_understaffing_approved: BoolArray
    event_floor: IntArray  # C-STAFFING-RATIO floor, 0 when none applies
    event_window_start: IntArray
    event_window_end: IntArray
    # shifts (S)
    shift_ids: list[str]
    shift_event: IntArray
    shift_start: IntArray
    shift_end: IntArray
    # positions (P)
    position_ids: list[str]
    position_shift: IntArray
    position_count: IntArray
    position_min_rank_level: IntArray
    position_certs: BoolArray  # [P, C]
    position_pay_rate: FloatArray
    position_priority: IntArray
    # member x employer conflicts, applications, assignments, cancellations
    conflict_member: IntArray
    conflict_employer: IntArray
    application_member: IntArray
    application_shift: IntArray
    application_at: IntArray  # seconds since the epoch
    assignment_member: IntArray
    assignment_position: IntArray
    assignment_locked: BoolArray
    cancellation_member: IntArray
    cancellation_position: IntArray
    certifications: list[str] = field(default_factory=list)

    @property
    def n_members(self) -> int:
        return len(self.member_ids)

    @property
    def n_positions(self) -> int:
        return len(self.position_ids)

    @property
    def n_shifts(self) -> int:
        return len(self.shift_ids)

    @cached_property
    def member_index(self) -> dict[str, int]:
        return {m: i for i, m in enumerate(self.member_ids)}

    @cached_property
    def position_index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.position_ids)}

    @cached_property
    def shift_index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.shift_ids)}

    @cached_property
    def position_start(self) -> IntArray:
        return self.shift_start[self.position_shift]

    @cached_property
    def position_end(self) -> IntArray:
        return self.shift_end[self.position_shift]

    @cached_property
    def position_minutes(self) -> IntArray:
        return self.position_end - self.position_start

    @cached_property
    def position_event(self) -> IntArray:
        return self.shift_event[self.position_shift]

    @cached_property
    def position_employer(self) -> IntArray:
        return self.event_employer[self.position_event]

    @classmethod
    def build(cls, instance: Instance) -> InstanceArrays:
        policy = instance.policy
        tz = ZoneInfo(policy.timezone)
        members, employers, events = instance.members, instance.employers, instance.events
        member_index = {m.id: i for i, m in enumerate(members)}
        employer_index = {e.id: i for i, e in enumerate(employers)}
        shifts = [(v, s) for v, ev in enumerate(events) for s in ev.shifts]
        shift_index = {s.id: i for i, (_, s) in enumerate(shifts)}
        positions = [(k, p) for k, (_, s) in enumerate(shifts) for p in s.positions]
        position_index = {p.id: i for i, (_, p) in enumerate(positions)}
        certs = sorted({c for m in members for c in m.certifications}
                       | {c for _, p in positions for c in p.certifications})
        cert_index = {c: i for i, c in enumerate(certs)}

        member_certs = np.zeros((len(members), len(certs)), dtype=np.bool_)
        for i, m in enumerate(members):
            member_certs[i, [cert_index[c] for c in m.certifications]] = True
        position_certs = np.zeros((len(positions), len(certs)), dtype=np.bool_)
        for k, (_, p) in enumerate(positions):
            position_certs[k, [cert_index[c] for c in p.certifications]] = True

        tours = sorted(
            (i, to_minutes(t.start), to_minutes(t.end), hours_to_minutes(t.exception_hours))
            for i, m in enumerate(members) for t in m.tours
        )
        leaves = [(i, lv) for i, m in enumerate(members) for lv in m.leaves]

        floors, w_start, w_end = [], [], []
        for ev in events:
            window = ev.effective_window()
            w_start.append(to_minutes(window[0]) if window else 0)
            w_end.append(to_minutes(window[1]) if window else 0)
            ratio = policy.staffing_ratio(ev.venue)
            if ratio is None or ev.attendance is None:
                floors.append(0)
            else:
                floors.append(ratio.core + -(-ev.attendance // ratio.attendees_per_officer))

        conflicts = [(i, employer_index[e]) for i, m in enumerate(members) for e in m.conflicts]
        apps = instance.applications
        asgs = instance.assignments
        cancs = instance.cancellations
        return cls(
            instance=instance,
            tz=tz,
            member_ids=[m.id for m in members],
            member_kind=[m.kind for m in members],
            member_status=[m.status for m in members],
            member_privileges=[m.privileges for m in members],
            member_rank_level=_ints([RANK_LEVEL[m.rank] for m in members]),
            member_open_closeouts=_ints([m.open_closeouts for m in members]),
            member_private_license=_bools([m.private_officer_license for m in members]),
            member_reserve_hours_met=_bools([m.reserve_hours_met for m in members]),
            member_cap_exception=_bools([m.cap_exception for m in members]),
            member_hours_ytd=np.asarray([m.hours_ytd for m in members], dtype=np.float64),
            member_seniority_day=_ints([m.seniority_date.toordinal() for m in members]),
            member_last_worked=_ints([to_minutes(m.last_worked) if m.last_worked else NEVER
                                      for m in members]),
            member_lead_minutes=_ints([hours_to_minutes(policy.lead_hours(m.hour_plan))
                                       if m.hour_plan is not None else 0 for m in members]),
            member_certs=member_certs,
            tour_member=_ints([t[0] for t in tours]),
            tour_start=_ints([t[1] for t in tours]),
            tour_end=_ints([t[2] for t in tours]),
            tour_exception=_ints([t[3] for t in tours]),
            leave_member=_ints([i for i, _ in leaves]),
            leave_kind=[lv.kind for _, lv in leaves],
            leave_start=_ints([to_minutes(lv.start) for _, lv in leaves]),
            leave_end=_ints([to_minutes(lv.end) for _, lv in leaves]),
            leave_medical=_bools([lv.medical_appointment for _, lv in leaves]),
            employer_ids=[e.id for e in employers],
            employer_approved=_bools([e.approved for e in employers]),
            employer_tavern=_bools([e.tavern for e in employers]),
            employer_restricted=_bools([bool(e.restricted) for e in employers]),
            event_ids=[ev.id for ev in events],
            event_employer=_ints([employer_index[ev.employer] for ev in events]),
            event_law_enforcement=_bools([ev.law_enforcement for ev in events]),
            event_in_city_limits=_bools([ev.in_city_limits for ev in events]),
            event_pool=_bools([ev.pool for ev in events]),
            event_commander_approved=_bools([ev.commander_approved for ev in events]),
            event_understaffing_approved=_bools([ev.understaffing_approved for ev in events]),
            event_floor=_ints(floors),
            event_window_start=_ints(w_start),
            event_window_end=_ints(w_end),
            shift_ids=[s.id for _, s in shifts],
            shift_event=_ints([v for v, _ in shifts]),
            shift_start=_ints([to_minutes(s.start) for _, s in shifts]),
            shift_end=_ints([to_minutes(s.end) for _, s in shifts]),
            position_ids=[p.id for _, p in positions],
            position_shift=_ints([k for k, _ in positions]),
            position_count=_ints([p.count for _, p in positions]),
            position_min_rank_level=_ints([RANK_LEVEL[p.min_rank] for _, p in positions]),
            position_certs=position_certs,
            position_pay_rate=np.asarray(
                [p.pay_rate if p.pay_rate is not None else policy.minimum_pay_rate
                 for _, p in positions], dtype=np.float64),
            position_priority=_ints([p.priority for _, p in positions]),
            conflict_member=_ints([c[0] for c in conflicts]),
            conflict_employer=_ints([c[1] for c in conflicts]),
            application_member=_ints([member_index[a.member] for a in apps]),
            application_shift=_ints([shift_index[a.shift] for a in apps]),
            application_at=_ints([to_seconds(a.at) for a in apps]),
            assignment_member=_ints([member_index[a.member] for a in asgs]),
            assignment_position=_ints([position_index[a.position] for a in asgs]),
            assignment_locked=_bools([a.locked for a in asgs]),
            cancellation_member=_ints([member_index[c.member] for c in cancs]),
            cancellation_position=_ints([position_index[c.position] for c in cancs]),
            certifications=certs,
        )
