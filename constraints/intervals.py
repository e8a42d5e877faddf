"""Vectorized interval arithmetic shared by the time-based rules.

Per-member interval sets are flattened into sorted arrays keyed by `member * KEY_STRIDE + time`,
so one `np.searchsorted` answers "does member m have an interval overlapping [s, e)?" for every
(member, shift) pair at once.
"""

from __future__ import annotations

import numpy as np

from offduty.models.arrays import BoolArray, IntArray

#: Larger than any minute count of this era (~3e7), so keys of different members never mix.
KEY_STRIDE = np.int64(1) << np.int64(36)


def merge(member: IntArray, start: IntArray, end: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Union of each member's intervals: disjoint, sorted by (member, start)."""
    if len(member) == 0:
        return member, start, end
    order = np.lexsort((start, member))
    member, start, end = member[order], start[order], end[order]
    out_m, out_s, out_e = [int(member[0])], [int(start[0])], [int(end[0])]
    for m, s, e in zip(member[1:].tolist(), start[1:].tolist(), end[1:].tolist(), strict=True):
        if m == out_m[-1] and s <= out_e[-1]:
            out_e[-1] = max(out_e[-1], e)
        else:
            out_m.append(m)
            out_s.append(s)
            out_e.append(e)
    return np.asarray(out_m, np.int64), np.asarray(out_s, np.int64), np.asarray(out_e, np.int64)


def overlap_matrix(
    n_members: int,
    member: IntArray,
    start: IntArray,
    end: IntArray,
    span_start: IntArray,
    span_end: IntArray,
) -> BoolArray:
    """[n_members, n_spans]: does the member have an interval overlapping the span?

    The member intervals must be disjoint per member (see `merge`). The last interval of the
    member starting before the span's end is the only one that can overlap it.
    """
    out = np.zeros((n_members, len(span_start)), dtype=np.bool_)
    if len(member) == 0 or len(span_start) == 0:
        return out
    keys = member * KEY_STRIDE + start
    members = np.arange(n_members, dtype=np.int64)[:, None]
    idx = np.searchsorted(keys, members * KEY_STRIDE + span_end[None, :], side="left") - 1
    valid = idx >= 0
    idx = np.where(valid, idx, 0)
    return valid & (member[idx] == members) & (end[idx] > span_start[None, :])


def pair_overlaps(
    member: IntArray,
    start: IntArray,
    end: IntArray,
    pair_member: IntArray,
    pair_start: IntArray,
    pair_end: IntArray,
) -> BoolArray:
    """Per pair: does the pair's member have an interval overlapping [pair_start, pair_end)?"""
    if len(member) == 0:
        return np.zeros(len(pair_member), dtype=np.bool_)
    keys = member * KEY_STRIDE + start
    idx = np.searchsorted(keys, pair_member * KEY_STRIDE + pair_end, side="left") - 1
    valid = idx >= 0
    idx = np.where(valid, idx, 0)
    return valid & (member[idx] == pair_member) & (end[idx] > pair_start)


def expand_ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges [lo[i], hi[i]): (i, j) for every j in range i, as two flat arrays."""
    n = hi - lo
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), n)
    offsets = np.arange(n.sum(), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    return owner, np.repeat(lo, n) + offsets


def maximal_cliques(start: IntArray, end: IntArray) -> list[list[int]]:
    """Maximal cliques of an interval graph (half-open intervals), by a sweep over endpoints.

    Every overlapping pair of intervals lies in one of them, so "at most one per clique" is
    exactly "no two overlap".
    """
    events = sorted(
        [(int(e), 0, i) for i, e in enumerate(end)] + [(int(s), 1, i) for i, s in enumerate(start)]
    )  # at equal times ends (0) come before starts (1): touching intervals do not overlap
    active: set[int] = set()
    cliques: list[list[int]] = []
    grew = False
    for _, kind, i in events:
        if kind == 1:
            active.add(i)
            grew = True
        else:
            if grew:
                cliques.append(sorted(active))
                grew = False
            active.discard(i)
    return cliques
