"""First come: each position goes to the members who applied earliest for its shift.

Tier-2 objective: minimize the sum over assignments (m, p) of the first-come rank r(m, s) of the
member for p's shift s. Ranks are dense rank positions *per shift*: 1 for the earliest
application time to s, equal times share a rank, no gaps; a member who did not apply for s ranks
after every applicant of s (rank = number of distinct application times + 1). Only a member's
earliest application to a shift counts. Rank positions, not powers of two, keep coefficients
small (at most applicants + 1 per shift).

Why the swap property follows from optimality: take an optimal solution, an assigned member b on
position p of shift s, and a member a who ranks better for s (r(a, s) < r(b, s): a applied
earlier than b, or a applied and b did not), is eligible for p and free to take it (the swap
keeps every hard rule). Swapping b for a on p fills the same slot, so coverage (tier 1) is
unchanged, and changes the tier-2 objective by r(a, s) − r(b, s) < 0, since both terms are read
on the same shift s and nothing else changes. That contradicts optimality, so no such swap
exists. (Ranks being per shift is harmless: the swap never moves work between shifts.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offduty.constraints.model import ModelWriter
from offduty.distribution.base import Strategy, Terms
from offduty.models.arrays import InstanceArrays, IntArray


@dataclass(frozen=True, eq=False)
class FirstComeRanks:
    """Dense per-shift ranks of the earliest application of each (member, shift)."""

    n_shifts: int
    keys: IntArray  # sorted member * n_shifts + shift of every (member, shift) that applied
    at: IntArray  # earliest application time (seconds) of each key
    rank: IntArray  # its dense rank within the shift (1 = earliest)
    last: IntArray  # [S] the rank of a member who did not apply: applicants' ranks + 1

    def _find(self, member: IntArray, shift: IntArray) -> tuple[IntArray, np.ndarray]:
        key = np.asarray(member, dtype=np.int64) * self.n_shifts + np.asarray(shift, dtype=np.int64)
        if len(self.keys) == 0:
            return np.zeros(len(key), dtype=np.int64), np.zeros(len(key), dtype=np.bool_)
        idx = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return idx, self.keys[idx] == key

    def of(self, member: IntArray, shift: IntArray) -> IntArray:
        """The rank of each (member, shift)."""
        idx, found = self._find(member, shift)
        out = self.last[np.asarray(shift, dtype=np.int64)].copy()
        out[found] = self.rank[idx[found]]
        return out

    def applied_at(self, member: IntArray, shift: IntArray, missing: int) -> IntArray:
        """The earliest application time (seconds) of each (member, shift), `missing` where none."""
        idx, found = self._find(member, shift)
        out = np.full(len(idx), missing, dtype=np.int64)
        out[found] = self.at[idx[found]]
        return out


def first_come_ranks(arrays: InstanceArrays) -> FirstComeRanks:
    n_shifts = max(arrays.n_shifts, 1)
    key = arrays.application_member * n_shifts + arrays.application_shift
    at = arrays.application_at
    order = np.lexsort((at, key))
    key, at = key[order], at[order]
    first = np.ones(len(key), dtype=np.bool_)
    first[1:] = key[1:] != key[:-1]
    key, at = key[first], at[first]  # earliest application per (member, shift)
    shift = key % n_shifts
    # dense rank of `at` within each shift
    by_shift = np.lexsort((at, shift))
    s_sorted, at_sorted = shift[by_shift], at[by_shift]
    new_shift = np.ones(len(s_sorted), dtype=np.bool_)
    new_shift[1:] = s_sorted[1:] != s_sorted[:-1]
    new_value = new_shift.copy()
    new_value[1:] |= at_sorted[1:] != at_sorted[:-1]
    cum = np.cumsum(new_value)
    base = np.maximum.accumulate(np.where(new_shift, cum - 1, 0)) if len(cum) else cum
    rank = np.empty(len(key), dtype=np.int64)
    rank[by_shift] = cum - base
    last = np.ones(n_shifts, dtype=np.int64)
    if len(rank):
        np.maximum.at(last, shift, rank + 1)
    return FirstComeRanks(n_shifts, key.astype(np.int64), at.astype(np.int64), rank, last)


class FirstCome(Strategy):
    """Positions go to the members who applied earliest for the shift; non-applicants come last."""

    name = "first_come"

    def terms(self, model: ModelWriter) -> Terms:
        pairs = model.pairs
        rank = first_come_ranks(model.arrays).of(pairs.member, pairs.shift)
        return Terms(variables=model.pair_vars, coeffs=rank)

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        return first_come_ranks(arrays).of(member, arrays.position_shift[position])
