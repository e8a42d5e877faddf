"""Fairness metrics reported for every solution (DESIGN.md, "Fairness metrics").

- `filled` / `required`: slots filled and slots asked for;
- `hours_gini`, `hours_max_min`: over the members eligible for anything (at least one eligible
  pair under the solve's candidates), of their total hours (year to date plus the new details);
- `seniority_inversions`: (assignment (b, p), member a) where a is more senior than b, eligible
  for p, and could have taken p: a holds no detail overlapping p's shift (with the policy's
  minimum rest around it), and adding p keeps a within the work-day cap and the weekly cap; b's
  assignment is not locked. Each such pair is a swap the seniority strategy forbids;
- `fcfs_inversions`: likewise with application times: a applied for p's shift earlier than b (or
  b did not apply at all); members who did not apply never count as better;
- `rotation_inversions`: likewise with `last_worked` (never worked counts as oldest);
- `hours_transfers`: likewise, (b, p, a) where moving p from b to a would lower the larger of
  their totals (T_a + d_p < T_b, totals in integer minutes);
- `pay_cost`: hours × pay rate over the assignments;
- `changes`: assignments of the instance's current roster (not locked) that the solution dropped.

The "could have taken" test is the model's view of a swap (every rule that a replacement on the
same position can break is a rule of the member who takes it: overlap and rest, work-day cap,
weekly cap; position counts, staffing floors and tavern minimums are unchanged). It makes the
counts zero on optimal solutions of the matching strategy. `distribution.properties` checks the
same properties against the independent verifier instead.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.eligibility import Eligibility
from offduty.constraints.intervals import merge, pair_overlaps
from offduty.constraints.workdays import iso_weeks, work_days
from offduty.distribution.first_come import first_come_ranks
from offduty.distribution.hours import ytd_minutes
from offduty.models.arrays import (
    MINUTES_PER_HOUR,
    BoolArray,
    FloatArray,
    InstanceArrays,
    IntArray,
    hours_to_minutes,
)

NO_APPLICATION = np.iinfo(np.int64).max


def gini(values: FloatArray) -> float:
    """Gini coefficient of non-negative values (0 = all equal)."""
    if len(values) == 0 or values.sum() <= 0:
        return 0.0
    v = np.sort(values)
    n = len(v)
    cum = np.cumsum(v)
    return float((n + 1 - 2 * (cum.sum() / cum[-1])) / n)


def total_hours(arrays: InstanceArrays, member: IntArray, position: IntArray) -> FloatArray:
    new = np.bincount(member, weights=arrays.position_minutes[position] / MINUTES_PER_HOUR,
                      minlength=arrays.n_members)
    return arrays.member_hours_ytd + new


def total_minutes(arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
    """Hours year to date (rounded to minutes) plus the new details' minutes, per member."""
    new = np.bincount(member, weights=arrays.position_minutes[position], minlength=arrays.n_members)
    return ytd_minutes(arrays) + new.astype(np.int64)


def locked_assignments(arrays: InstanceArrays, member: IntArray, position: IntArray) -> BoolArray:
    """Per assignment: is it one of the instance's locked assignments?"""
    locked = set(zip(arrays.assignment_member[arrays.assignment_locked].tolist(),
                     arrays.assignment_position[arrays.assignment_locked].tolist(), strict=True))
    return np.fromiter(((m, p) in locked for m, p in zip(member.tolist(), position.tolist(), strict=True)),
                       dtype=np.bool_, count=len(member))


class RosterLoad:
    """A roster's per-member busy intervals (with rest), work-day and weekly loads, to test
    cheaply whether a member could also work one more position (`could_take`). Loads count the
    part of each detail inside each day or week (docs/rules.md), through the same pieces as the
    model."""

    def __init__(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> None:
        self.arrays, self.member, self.position = arrays, member, position
        policy = arrays.instance.policy
        self.rest = hours_to_minutes(policy.min_rest_hours)
        start, end = arrays.position_start[position], arrays.position_end[position]
        # a detail and the rest after it: [s, e + rest) must not overlap another one
        self.busy = merge(member, start, end + self.rest)
        self.days = work_days(arrays)
        # whole minutes each day still admits: floor(cap - exact on-duty load) - details inside
        self.day_room = self.days.room(hours_to_minutes(policy.work_day_cap_hours))
        _, day, minutes = self.days.pieces(member, start, end)
        np.subtract.at(self.day_room, day, minutes)
        self.week_cap: int | None = None
        if policy.max_secondary_hours_per_week is not None:
            self.week_cap = hours_to_minutes(policy.max_secondary_hours_per_week)
            self.weeks = iso_weeks(arrays)
            self.week_load = np.zeros((arrays.n_members, len(self.weeks)), dtype=np.int64)
            item, week, minutes = self.weeks.pieces(start, end)
            np.add.at(self.week_load, (member[item], week), minutes)

    def could_take(self, cand_member: IntArray, cand_assignment: IntArray) -> BoolArray:
        """For each candidate (a, j): could member a also work the position of assignment j?
        Checks overlap and minimum rest against a's details, the work-day cap (unless a has the
        cap exception) and the weekly cap; not eligibility."""
        a = self.arrays
        ok = np.ones(len(cand_member), dtype=np.bool_)
        if len(cand_member) == 0:
            return ok
        c_pos = self.position[cand_assignment]
        c_start, c_end = a.position_start[c_pos], a.position_end[c_pos]
        ok &= ~pair_overlaps(*self.busy, cand_member, c_start, c_end + self.rest)
        item, day, minutes = self.days.pieces(cand_member, c_start, c_end)
        over = (minutes > self.day_room[day]) & ~a.member_cap_exception[cand_member[item]]
        ok[item[over]] = False
        if self.week_cap is not None:
            item, week, minutes = self.weeks.pieces(c_start, c_end)
            over = self.week_load[cand_member[item], week] + minutes > self.week_cap
            ok[item[over]] = False
        return ok


#: Assignments per block when counting inversions (bounds the [members, block] matrices).
BLOCK = 1024


def better_matrices(arrays: InstanceArrays, member: IntArray, position: IntArray,
                    ) -> dict[str, np.ndarray]:
    """[members, assignments] "a ranks strictly better than the holder of assignment j" per
    ranked strategy (seniority, first_come, rotation)."""
    seniority = arrays.member_seniority_day
    last = arrays.member_last_worked
    shift = arrays.position_shift[position]
    ranks = first_come_ranks(arrays)
    holder_at = ranks.applied_at(member, shift, NO_APPLICATION)
    everyone = np.repeat(np.arange(arrays.n_members, dtype=np.int64), len(shift))
    at = ranks.applied_at(everyone, np.tile(shift, arrays.n_members), NO_APPLICATION)
    at = at.reshape(arrays.n_members, len(shift))
    return {
        "seniority": seniority[:, None] < seniority[member][None, :],
        "first_come": (at != NO_APPLICATION) & (at < holder_at[None, :]),
        "rotation": last[:, None] < last[member][None, :],
    }


def inversion_counts(arrays: InstanceArrays, eligibility: Eligibility, member: IntArray,
                     position: IntArray) -> dict[str, int]:
    """The four swap/transfer counts of the module docstring, by blocks of assignments."""
    load = RosterLoad(arrays, member, position)
    locked = locked_assignments(arrays, member, position)
    totals = total_minutes(arrays, member, position)
    minutes = arrays.position_minutes[position]
    counts = {"seniority": 0, "first_come": 0, "rotation": 0, "hours": 0}
    for lo in range(0, len(member), BLOCK):
        block = slice(lo, lo + BLOCK)
        b_member, b_position = member[block], position[block]
        eligible = eligibility.reason[:, b_position] == 0
        eligible[:, locked[block]] = False
        better = better_matrices(arrays, b_member, b_position)
        better["hours"] = totals[:, None] + minutes[block][None, :] < totals[b_member][None, :]
        for name, matrix in better.items():
            a, j = np.nonzero(eligible & matrix)
            counts[name] += int(load.could_take(a.astype(np.int64), j.astype(np.int64) + lo).sum())
    return counts


def solution_metrics(arrays: InstanceArrays, eligibility: Eligibility, member: IntArray,
                     position: IntArray) -> dict[str, float | int | None]:
    member = np.asarray(member, dtype=np.int64)
    position = np.asarray(position, dtype=np.int64)
    required = int(arrays.position_count.sum())
    hours = total_hours(arrays, member, position)
    pool = np.zeros(arrays.n_members, dtype=np.bool_)
    pool[eligibility.pairs.member] = True
    pooled = hours[pool]

    counts = inversion_counts(arrays, eligibility, member, position)

    previous = set(zip(arrays.assignment_member[~arrays.assignment_locked].tolist(),
                       arrays.assignment_position[~arrays.assignment_locked].tolist(), strict=True))
    kept = previous & set(zip(member.tolist(), position.tolist(), strict=True))
    cost = float((arrays.position_minutes[position] / MINUTES_PER_HOUR
                  * arrays.position_pay_rate[position]).sum())
    return {
        "filled": len(member),
        "required": required,
        "hours_gini": round(gini(pooled), 4),
        "hours_max_min": round(float(pooled.max() - pooled.min()), 2) if len(pooled) else 0.0,
        "seniority_inversions": counts["seniority"],
        "fcfs_inversions": counts["first_come"],
        "rotation_inversions": counts["rotation"],
        "hours_transfers": counts["hours"],
        "pay_cost": round(cost, 2),
        "changes": len(previous) - len(kept),
    }
