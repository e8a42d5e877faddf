"""Fairness metrics reported for every solution (DESIGN.md, "Fairness metrics").

- `filled` / `required`: slots filled and slots asked for;
- `hours_gini`, `hours_max_min`: over the members eligible for anything, of their total hours
  (year to date plus the new details);
- `seniority_inversions`: (assigned member b, position p, member a) where a is more senior than
  b, eligible for p, and assigned nothing at all: a could have had p instead;
- `fcfs_inversions`: likewise with application times, a having applied for p's shift earlier
  than b (or b not at all);
- `pay_cost`: hours × pay rate over the assignments;
- `changes`: assignments of the instance's current roster that the solution dropped.
"""

from __future__ import annotations

import numpy as np

from constraints.eligibility import Eligibility
from models.arrays import MINUTES_PER_HOUR, FloatArray, InstanceArrays, IntArray

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


def application_times(arrays: InstanceArrays) -> np.ndarray:
    """[M, S] earliest application time in seconds, NO_APPLICATION where none."""
    at = np.full((arrays.n_members, arrays.n_shifts), NO_APPLICATION, dtype=np.int64)
    np.minimum.at(at, (arrays.application_member, arrays.application_shift), arrays.application_at)
    return at


def _inversions(eligibility: Eligibility, member: IntArray, position: IntArray,
                better: np.ndarray) -> int:
    """Count (assignment (b, p), unassigned a eligible for p) with better[a, (b, p)] true."""
    arrays = eligibility.pairs.arrays
    assigned = np.zeros(arrays.n_members, dtype=np.bool_)
    assigned[member] = True
    eligible = eligibility.reason[:, position] == 0  # [M, n_assignments]
    return int((eligible & ~assigned[:, None] & better).sum())


def solution_metrics(arrays: InstanceArrays, eligibility: Eligibility, member: IntArray,
                     position: IntArray) -> dict[str, float | int | None]:
    required = int(arrays.position_count.sum())
    hours = total_hours(arrays, member, position)
    pool = np.zeros(arrays.n_members, dtype=np.bool_)
    pool[eligibility.pairs.member] = True
    pooled = hours[pool]

    seniority = arrays.member_seniority_day
    sen_better = seniority[:, None] < seniority[member][None, :]
    at = application_times(arrays)
    shift = arrays.position_shift[position]
    app = at[:, shift]  # [M, n_assignments]
    fcfs_better = (app != NO_APPLICATION) & (app < at[member, shift][None, :])

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
        "seniority_inversions": _inversions(eligibility, member, position, sen_better),
        "fcfs_inversions": _inversions(eligibility, member, position, fcfs_better),
        "pay_cost": round(cost, 2),
        "changes": len(previous) - len(kept),
    }
