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
from offduty.constraints.intervals import expand_ranges
from offduty.constraints.workdays import Days, iso_weeks, work_days
from offduty.distribution.first_come import first_come_ranks
from offduty.distribution.hours import ytd_minutes
from offduty.distribution.rotation import rotation_rank
from offduty.distribution.seniority import seniority_rank
from offduty.models.arrays import FloatArray, InstanceArrays, IntArray, hours_to_minutes

#: Strategies whose tier-2 objective the soft level expresses exactly: per-pair ranks (a linear
#: cost per assignment) or, for `hours`, the convex penalty f(Y + N) - f(Y), f(t) = t², per member.
#: `balanced` is left out: its hours part is a rounded rescaling of offduty's piecewise-linear
#: segments, which a constraint stream cannot reproduce to the unit.
LINEAR_STRATEGIES = ("seniority", "first_come", "rotation")
STRATEGIES = (*LINEAR_STRATEGIES, "hours")


@dataclass(frozen=True, eq=False)
class CapParts:
    """Minutes of candidate details inside capped buckets (work days or ISO weeks).

    A bucket belongs to one member; `part_*` say that pair `part_pair` puts `part_minutes`
    minutes into bucket `part_bucket`. Buckets that no roster can overfill are left out.
    """

    bucket_room: IntArray  # minutes of secondary work the bucket still takes
    part_pair: IntArray
    part_bucket: IntArray
    part_minutes: IntArray

    @staticmethod
    def empty() -> CapParts:
        z = np.zeros(0, dtype=np.int64)
        return CapParts(z, z, z, z)


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
    if strategy == "seniority":
        return seniority_rank(arrays)[pairs.member]
    if strategy == "rotation":
        return rotation_rank(arrays)[pairs.member]
    if strategy == "first_come":
        return first_come_ranks(arrays).of(pairs.member, pairs.shift)
    return np.zeros(len(pairs), dtype=np.int64)  # hours: a per-member penalty, not per pair


# --- C-WORK-DAY-CAP and C-WEEKLY-CAP -------------------------------------------------------------


def _inside(start: IntArray, end: IntArray, lo: IntArray, hi: IntArray) -> IntArray:
    return np.maximum(0, np.minimum(end, hi) - np.maximum(start, lo))


def on_duty_inside(arrays: InstanceArrays, days: Days) -> FloatArray:
    """Per work day: on-duty minutes inside it, each tour's exception time taken off pro rata to
    the part of the tour inside the day (DESIGN.md, "Work days")."""
    load = np.zeros(len(days.member), dtype=np.float64)
    if len(arrays.tour_member) == 0:
        return load
    tour, day = days.touched(arrays.tour_member, arrays.tour_start, arrays.tour_end)
    length = (arrays.tour_end - arrays.tour_start)[tour]
    share = np.maximum(length - arrays.tour_exception[tour], 0) / np.maximum(length, 1)
    inside = _inside(arrays.tour_start[tour], arrays.tour_end[tour], days.start[day], days.end[day])
    np.add.at(load, day, inside * share)
    return load


def work_day_parts(arrays: InstanceArrays, pairs: Pairs) -> CapParts:
    """C-WORK-DAY-CAP (§IV.A.12, §II.H): the minutes each pair puts inside each work day of its
    member, and the room each day has left after the on-duty hours inside it."""
    keep = ~arrays.member_cap_exception[pairs.member]
    if not keep.any():
        return CapParts.empty()
    days = work_days(arrays)
    cap = hours_to_minutes(arrays.instance.policy.work_day_cap_hours)
    # integer detail minutes fit iff they fit the floor of the (fractional) room
    room = np.floor(cap - on_duty_inside(arrays, days) + 1e-9).astype(np.int64)
    pair, day = days.touched(pairs.member, pairs.start, pairs.end)
    keep_part = keep[pair]
    pair, day = pair[keep_part], day[keep_part]
    minutes = _inside(pairs.start[pair], pairs.end[pair], days.start[day], days.end[day])
    return _binding(pairs, pair, day, minutes, room)


def week_parts(arrays: InstanceArrays, pairs: Pairs) -> CapParts:
    """C-WEEKLY-CAP (pillar 1): the minutes each pair puts inside each local ISO week, per member."""
    cap_hours = arrays.instance.policy.max_secondary_hours_per_week
    if cap_hours is None or len(pairs) == 0:
        return CapParts.empty()
    mondays = iso_weeks(arrays)
    first = np.searchsorted(mondays, pairs.start, side="right") - 1
    last = np.searchsorted(mondays, pairs.end - 1, side="right") - 1
    pair, week = expand_ranges(first, last + 1)
    minutes = _inside(pairs.start[pair], pairs.end[pair], mondays[week], mondays[week + 1])
    # one bucket per (member, week)
    key = pairs.member[pair] * len(mondays) + week
    uniq, bucket = np.unique(key, return_inverse=True)
    room = np.full(len(uniq), hours_to_minutes(cap_hours), dtype=np.int64)
    return _binding(pairs, pair, bucket.reshape(-1), minutes, room)


def _binding(pairs: Pairs, pair: IntArray, bucket: IntArray, minutes: IntArray,
             room: IntArray) -> CapParts:
    """Only the buckets that some roster could overfill: the candidate minutes inside them,
    each shift counted once (a member holds at most one position per shift), exceed the room.
    Buckets are renumbered densely."""
    positive = minutes > 0
    pair, bucket, minutes = pair[positive], bucket[positive], minutes[positive]
    # the most a bucket can receive: its distinct shifts' minutes
    n_shifts = max(int(pairs.shift.max()) + 1 if len(pairs) else 1, 1)
    per_shift, first = np.unique(bucket * n_shifts + pairs.shift[pair], return_index=True)
    most = np.bincount(per_shift // n_shifts, weights=minutes[first], minlength=len(room))
    binding = most > room
    keep = binding[bucket]
    used = np.flatnonzero(binding)
    renumber = np.full(len(room), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return CapParts(room[used], pair[keep], renumber[bucket[keep]], minutes[keep])


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
