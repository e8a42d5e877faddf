"""A roster (the chosen eligible pairs) in the solution format: assignments, unfilled positions
with the rules that excluded members, unmet staffing floors, fairness metrics."""

from __future__ import annotations

import numpy as np

from offduty.constraints.c_staffing_ratio import floor_segments
from offduty.constraints.eligibility import Eligibility
from offduty.distribution.metrics import solution_metrics
from offduty.models.arrays import MINUTES_PER_HOUR, InstanceArrays, IntArray, from_minutes
from offduty.models.solution import AssignmentOut, ShortageOut, UnfilledOut


def roster_parts(eligibility: Eligibility, chosen: IntArray) -> dict[str, object]:
    """The solution fields of the roster made of pairs `chosen` (indices into the pairs)."""
    pairs = eligibility.pairs
    arrays = pairs.arrays
    member, position = pairs.member[chosen], pairs.position[chosen]
    return {
        "assignments": assignments_out(arrays, member, position),
        "unfilled": unfilled_out(eligibility, position),
        "metrics": solution_metrics(arrays, eligibility, member, position),
    }


def assignments_out(arrays: InstanceArrays, member: IntArray, position: IntArray) -> list[AssignmentOut]:
    locked = set(zip(arrays.assignment_member[arrays.assignment_locked].tolist(),
                     arrays.assignment_position[arrays.assignment_locked].tolist(), strict=True))
    out = []
    for m, p in sorted(zip(member.tolist(), position.tolist(), strict=True),
                       key=lambda mp: (int(arrays.position_start[mp[1]]), mp[1], mp[0])):
        shift = int(arrays.position_shift[p])
        out.append(AssignmentOut(
            member=arrays.member_ids[m], position=arrays.position_ids[p],
            shift=arrays.shift_ids[shift], event=arrays.event_ids[int(arrays.shift_event[shift])],
            start=from_minutes(int(arrays.shift_start[shift]), arrays.tz).isoformat(),
            end=from_minutes(int(arrays.shift_end[shift]), arrays.tz).isoformat(),
            hours=round(float(arrays.position_minutes[p]) / MINUTES_PER_HOUR, 4),
            pay_rate=float(arrays.position_pay_rate[p]),
            locked=(m, p) in locked,
        ))
    return out


def unfilled_out(eligibility: Eligibility, position: IntArray) -> list[UnfilledOut]:
    arrays = eligibility.pairs.arrays
    filled = np.bincount(position, minlength=arrays.n_positions)
    eligible = np.bincount(eligibility.pairs.position, minlength=arrays.n_positions)
    return [UnfilledOut(position=arrays.position_ids[p], missing=int(arrays.position_count[p] - filled[p]),
                        eligible=int(eligible[p]), reasons=eligibility.counts_by_reason(p))
            for p in np.flatnonzero(filled < arrays.position_count).tolist()]


def shortages_out(arrays: InstanceArrays, position: IntArray) -> list[ShortageOut]:
    """Every stretch of an event's window staffed below its C-STAFFING-RATIO floor."""
    per_shift = np.bincount(arrays.position_shift[position], minlength=arrays.n_shifts)
    out = []
    for event in np.flatnonzero(arrays.event_floor > 0).tolist():
        floor = int(arrays.event_floor[event])
        for lo, hi, covering in floor_segments(arrays, event):
            achieved = int(per_shift[covering].sum())
            if achieved < floor:
                out.append(ShortageOut(event=arrays.event_ids[event], floor=floor, achieved=achieved,
                                       start=from_minutes(lo, arrays.tz).isoformat(),
                                       end=from_minutes(hi, arrays.tz).isoformat()))
    return out
