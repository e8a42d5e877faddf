"""A member works at most one detail at a time.

C-OVERLAP, §III.N.1. Also carries the detail-to-detail part of C-REST: intervals are extended by
`min_rest_hours` before the cliques are found, so two details closer than the rest count as
overlapping. A member likewise holds at most one position of a shift.

One at-most-one row per maximal clique of each member's own interval graph (the shifts the
member is eligible for): every two of the member's details that clash share such a clique, so
"at most one per clique" is exactly "no two at once", with no row implied by another. The
cliques of all members are found at once by sorts and searches (`member_cliques`).
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule
from offduty.constraints.intervals import KEY_STRIDE, expand_ranges
from offduty.constraints.model import ModelWriter
from offduty.models.arrays import IntArray, hours_to_minutes


def member_cliques(member: IntArray, start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """Maximal cliques of each member's intervals [start, end), for intervals sorted by
    (member, start): (interval, clique) incidences, cliques numbered in (member, time) order.

    In an interval graph the maximal cliques are the sets of intervals alive just after a start
    that is followed, before the member's next start, by some end (nothing new joins before one
    leaves). Every interval alive at that point started earlier, so "some end in (start, next
    start]" is a count over the member's sorted ends.
    """
    n = len(member)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    same_next = np.r_[member[1:] == member[:-1], False]
    big = np.iinfo(np.int64).max // 4
    next_start = np.where(same_next, np.r_[start[1:], 0], big)
    ends = np.sort(member * KEY_STRIDE + end)
    key_start = member * KEY_STRIDE + start
    key_next = member * KEY_STRIDE + np.minimum(next_start, KEY_STRIDE - 1)
    ended = (np.searchsorted(ends, key_next, side="right")
             - np.searchsorted(ends, key_start, side="right"))
    points = key_start[ended > 0]  # one per maximal clique, sorted
    lo = np.searchsorted(points, key_start, side="left")
    hi = np.searchsorted(points, member * KEY_STRIDE + end, side="left")
    return expand_ranges(lo, hi)


class Overlap(Rule):
    """A member works at most one detail at a time."""

    code = "C-OVERLAP"
    section = "§III.N.1"

    def add(self, model: ModelWriter) -> None:
        a, pairs = model.arrays, model.pairs
        if len(pairs) == 0:
            return
        rest = hours_to_minutes(a.instance.policy.min_rest_hours)
        n_shifts = max(a.n_shifts, 1)
        # the member's details as intervals: one per (member, shift), every position of it inside
        # sorted by (member, shift start, shift, position): one stable sort of one key (the pairs
        # come sorted by member, then position)
        shift_rank = np.empty(n_shifts, dtype=np.int64)
        shift_rank[np.lexsort((np.arange(a.n_shifts), a.shift_start))] = np.arange(a.n_shifts)
        key = pairs.member * n_shifts + shift_rank[pairs.shift]
        order = np.argsort(key, kind="stable")
        key_sorted = key[order]
        first = np.r_[True, key_sorted[1:] != key_sorted[:-1]]
        bounds = np.r_[np.flatnonzero(first), len(order)]
        i_member = pairs.member[order[first]]
        i_shift = pairs.shift[order[first]]
        interval, clique = member_cliques(i_member, a.shift_start[i_shift], a.shift_end[i_shift] + rest)
        # every pair of the interval belongs to the interval's cliques
        inc, offset = expand_ranges(bounds[interval], bounds[interval + 1])
        # (clique, pair) incidences sorted by clique, then pair: one sort of one key
        n_pairs = np.int64(len(pairs))
        incidence = np.sort(clique[inc] * n_pairs + order[offset])
        clique_of, pair_of = np.divmod(incidence, n_pairs)
        size = np.bincount(clique_of)
        keep = size[clique_of] >= 2
        starts = np.r_[0, np.cumsum(size[size >= 2])]
        model.add_at_most_ones(pair_of[keep], starts)
