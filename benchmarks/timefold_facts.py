"""What the `timefold` peer's model is made of, computed by offduty from one instance (numpy only).

Both solvers see the same (member, position) pairs: the value range of each slot is its
position's eligible members from `constraints.eligibility.compute_eligibility`, and every number
the constraint streams compare (minutes inside a work day, the room left in it, staffing floors,
tavern minimums, strategy costs) is computed here, vectorized, from `models.arrays`. The Timefold
side (`benchmarks.timefold_model`) only turns these arrays into planning objects.

This module imports neither Timefold nor the JVM, so it is tested and timed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.c_staffing_ratio import floor_segments
from offduty.constraints.eligibility import Eligibility
from offduty.constraints.workdays import binding_groups, iso_weeks, work_days
from offduty.distribution.first_come import first_come_ranks
from offduty.distribution.hours import ytd_minutes
from offduty.distribution.rotation import rotation_rank
from offduty.distribution.seniority import seniority_rank
from offduty.models.arrays import InstanceArrays, IntArray, hours_to_minutes

#: Strategies whose tier-2 objective the soft level expresses exactly: per-pair ranks (a linear
#: cost per assignment) or, for `hours`, the convex penalty f(Y + N) - f(Y), f(t) = t², per member.
#: `balanced` is left out: its hours part is a rounded rescaling of offduty's piecewise-linear
#: segments, which a constraint stream cannot reproduce to the unit.
LINEAR_STRATEGIES = ("seniority", "first_come", "rotation")
STRATEGIES = (*LINEAR_STRATEGIES, "hours")


@dataclass(frozen=True, eq=False)
class CapParts:
    """Minutes of candidate details inside capped buckets (work days or ISO weeks).

    A bucket belongs to one member; `part_*` say that member `part_member` working shift
    `part_shift` (any of its positions) puts `part_minutes` minutes into bucket `part_bucket`.
    Buckets that no roster can overfill are left out.
    """

    bucket_room: IntArray  # minutes of secondary work the bucket still takes
    part_member: IntArray
    part_shift: IntArray
    part_bucket: IntArray
    part_minutes: IntArray

    @staticmethod
    def empty() -> CapParts:
        z = np.zeros(0, dtype=np.int64)
        return CapParts(z, z, z, z, z)

    def __len__(self) -> int:
        return len(self.part_member)


@dataclass(frozen=True, eq=False)
class FloorFacts:
    """C-STAFFING-RATIO: per segment of an event window, the floor and the shifts covering it."""

    floor: IntArray  # per segment
    segment_of_shift: list[list[int]]  # per shift: the segments it covers


@dataclass(frozen=True, eq=False)
class PeerFacts:
    arrays: InstanceArrays
    pairs: Pairs  # the eligible pairs, sorted by member then position
    strategy: str
    pair_cost: IntArray  # linear strategies: the soft cost of each pair (offduty's tier-2 coefficient)
    member_cost: IntArray | None  # the same per member, for strategies whose cost is the member's rank
    member_ytd: IntArray  # hours strategy: minutes year to date, per member
    work_days: CapParts
    weeks: CapParts
    tavern_minimum: IntArray  # per shift: the C-TAVERN-MIN minimum, 0 where it does not apply
    floors: FloorFacts
    locked: list[tuple[int, int]]  # (member, position) that must be kept
    previous: list[tuple[int, int]]  # the current roster's other assignments (tier 3: changes)
    min_rest: int  # minutes

    @property
    def n_slots(self) -> int:
        return int(self.arrays.position_count.sum())

    def streams(self) -> frozenset[str]:
        """The rules with something to enforce on this instance: a stream that can never match
        (C-REST without a minimum rest, caps no roster can reach, no tavern, no floor, nothing
        locked) would still be evaluated at every move."""
        present = {
            "C-OVERLAP": True,
            "C-REST": self.min_rest > 0,
            "C-WORK-DAY-CAP": len(self.work_days) > 0,
            "C-WEEKLY-CAP": len(self.weeks) > 0,
            "C-TAVERN-MIN": bool(self.tavern_minimum.any()),
            "C-STAFFING-RATIO": len(self.floors.floor) > 0,
            "C-LOCKED": len(self.locked) > 0,
        }
        return frozenset(code for code, yes in present.items() if yes)


def build_facts(arrays: InstanceArrays, eligibility: Eligibility, strategy: str) -> PeerFacts:
    if strategy not in STRATEGIES:
        raise ValueError(f"the timefold peer expresses the strategies {', '.join(STRATEGIES)}, "
                         f"not {strategy!r}")
    pairs = eligibility.pairs
    policy = arrays.instance.policy
    locked = arrays.assignment_locked
    return PeerFacts(
        arrays=arrays, pairs=pairs, strategy=strategy,
        pair_cost=strategy_costs(arrays, pairs, strategy),
        member_cost=member_costs(arrays, strategy),
        member_ytd=ytd_minutes(arrays),
        work_days=work_day_parts(arrays, pairs),
        weeks=week_parts(arrays, pairs),
        tavern_minimum=tavern_minimums(arrays),
        floors=floor_facts(arrays),
        locked=list(zip(arrays.assignment_member[locked].tolist(),
                        arrays.assignment_position[locked].tolist(), strict=True)),
        previous=list(zip(arrays.assignment_member[~locked].tolist(),
                          arrays.assignment_position[~locked].tolist(), strict=True)),
        min_rest=hours_to_minutes(policy.min_rest_hours),
    )


def strategy_costs(arrays: InstanceArrays, pairs: Pairs, strategy: str) -> IntArray:
    """The tier-2 coefficient of every pair, as the strategy's `terms()` writes it."""
    per_member = member_costs(arrays, strategy)
    if per_member is not None:
        return per_member[pairs.member]
    if strategy == "first_come":
        return first_come_ranks(arrays).of(pairs.member, pairs.shift)
    return np.zeros(len(pairs), dtype=np.int64)  # hours: a per-member penalty, not per pair


def member_costs(arrays: InstanceArrays, strategy: str) -> IntArray | None:
    """Per member, for the strategies whose pair cost is the member's rank (None otherwise)."""
    if strategy == "seniority":
        return seniority_rank(arrays)
    if strategy == "rotation":
        return rotation_rank(arrays)
    return None


# --- C-WORK-DAY-CAP and C-WEEKLY-CAP -------------------------------------------------------------


def member_shifts(arrays: InstanceArrays, pairs: Pairs) -> tuple[IntArray, IntArray]:
    """The distinct (member, shift) of the eligible pairs: the positions of one shift put the
    same minutes into the same days, so the cap facts are per (member, shift)."""
    n_shifts = max(arrays.n_shifts, 1)
    key = np.unique(pairs.member * n_shifts + pairs.shift)
    return key // n_shifts, key % n_shifts


def work_day_parts(arrays: InstanceArrays, pairs: Pairs) -> CapParts:
    """C-WORK-DAY-CAP (§IV.A.12, §II.H): the minutes each (member, shift) puts inside each work
    day of the member, and the room the day has left after its on-duty minutes (offduty's
    `constraints.workdays`: hours inside the day, exception time pro rata)."""
    member, shift = member_shifts(arrays, pairs)
    keep = ~arrays.member_cap_exception[member]
    member, shift = member[keep], shift[keep]
    if len(member) == 0:
        return CapParts.empty()
    days = work_days(arrays)
    room = days.room(hours_to_minutes(arrays.instance.policy.work_day_cap_hours))
    start, end = arrays.shift_start[shift], arrays.shift_end[shift]
    item, day, minutes = days.pieces(member, start, end)
    piece_start = np.maximum(start[item], days.start[day])
    return _binding(member[item], shift[item], day, piece_start, minutes, room)


def week_parts(arrays: InstanceArrays, pairs: Pairs) -> CapParts:
    """C-WEEKLY-CAP (pillar 1): the minutes each (member, shift) puts inside each local ISO week."""
    cap_hours = arrays.instance.policy.max_secondary_hours_per_week
    member, shift = member_shifts(arrays, pairs)
    if cap_hours is None or len(member) == 0:
        return CapParts.empty()
    weeks = iso_weeks(arrays)
    start, end = arrays.shift_start[shift], arrays.shift_end[shift]
    item, week, minutes = weeks.pieces(start, end)
    piece_start = np.maximum(start[item], weeks.start[week])
    # one bucket per (member, week)
    _, bucket = np.unique(member[item] * max(len(weeks), 1) + week, return_inverse=True)
    bucket = bucket.reshape(-1)
    room = np.full(int(bucket.max()) + 1 if len(bucket) else 0, hours_to_minutes(cap_hours), dtype=np.int64)
    return _binding(member[item], shift[item], bucket, piece_start, minutes, room)


def _binding(member: IntArray, shift: IntArray, bucket: IntArray, start: IntArray, minutes: IntArray,
             room: IntArray) -> CapParts:
    """Only the buckets whose cap some roster could break (`binding_groups`: the heaviest set of
    parts that do not overlap one another exceeds the room), renumbered in bucket order. On
    kc-week this keeps the facts Timefold must load to those that matter (each fact costs tens
    of microseconds to convert to Java)."""
    groups = binding_groups(bucket, start, start + minutes, room[bucket])
    if not groups:
        return CapParts.empty()
    idx = np.concatenate(groups)
    renumber = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g) for g in groups])
    rooms = np.asarray([room[bucket[g[0]]] for g in groups], dtype=np.int64)
    return CapParts(rooms, member[idx], shift[idx], renumber, minutes[idx])


# --- C-TAVERN-MIN, C-STAFFING-RATIO --------------------------------------------------------------


def tavern_minimums(arrays: InstanceArrays) -> IntArray:
    """Per shift: tavern_min_officers where C-TAVERN-MIN applies (§IV.A.18.c), else 0."""
    minimum = arrays.instance.policy.tavern_min_officers
    bound = arrays.employer_tavern[arrays.event_employer] & ~arrays.event_understaffing_approved
    out = np.where(bound[arrays.shift_event], minimum, 0).astype(np.int64)
    return out if minimum > 1 else np.zeros(arrays.n_shifts, dtype=np.int64)


def floor_facts(arrays: InstanceArrays) -> FloorFacts:
    """C-STAFFING-RATIO (§IV.A.13): offduty's segments of each event window (`floor_segments`),
    one per distinct set of covering shifts, each with the event's floor."""
    floors: list[int] = []
    segment_of_shift: list[list[int]] = [[] for _ in range(arrays.n_shifts)]
    for event in np.flatnonzero(arrays.event_floor > 0).tolist():
        seen: set[tuple[int, ...]] = set()
        for _, _, covering in floor_segments(arrays, event):
            key = tuple(covering.tolist())
            if key in seen:
                continue
            seen.add(key)
            for shift in key:
                segment_of_shift[shift].append(len(floors))
            floors.append(int(arrays.event_floor[event]))
    return FloorFacts(np.asarray(floors, dtype=np.int64), segment_of_shift)
