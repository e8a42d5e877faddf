"""Hours: spread the work so that members' total hours (year to date + new details) stay even.

Tier 2 minimizes a convex penalty of each member's total: sum over members m of
f(T_m) − f(Y_m), with f(t) = t², T_m = Y_m + N_m, Y_m the member's `hours_ytd` and N_m the
minutes of the details they get, all in integer minutes (the model's clock).

Formulation (piecewise linear, no `add_max_equality`, no products). For each member with
eligible pairs (the others cannot change their total and get no variable), let
0 = v_0 < v_1 < ... < v_K be the amounts of new work they can reach: the subset sums of the
lengths of the shifts they are eligible for (C-OVERLAP allows at most one position per shift),
up to the length of the union of those shifts (no two details at once). Segment variables
s_k ∈ [0, v_k − v_{k−1}] (integers) with
    sum_pairs(minutes · x) − sum_k s_k = 0
carry the objective coefficient σ_k = 2·Y + v_{k−1} + v_k, the secant slope of f on
[Y + v_{k−1}, Y + v_k] ((b² − a²)/(b − a) = a + b, an integer). Slopes increase with k, so the
cheapest way to write N = v_j is to fill s_1..s_j in order, at cost exactly f(Y + v_j) − f(Y):
the piecewise-linear function agrees with f at every amount of new work the member can reach,
and needs no Boolean variables (its LP relaxation is the function itself).
When a member can reach more than `MAX_BREAKPOINTS` amounts (long horizons), breakpoints are
thinned evenly; `Segments.exact` is then False and the property below holds only up to one
segment's length for that member. The chiefs-game demo is exact (at most 10 amounts a member).

Why the transfer property follows from optimality of a strictly convex penalty: take an optimal
solution and a detail p of d minutes held by member b that could be moved to member a (a
eligible and free, every rule kept) so that the larger of their totals drops. Moving it fills the
same slot (tier 1 unchanged); with x = T_a and y = T_b the new totals are x + d and y − d, and
max(x + d, y − d) < max(x, y) means x + d < y (y − d < y always; if x ≥ y then x + d > x).
So both new totals lie strictly inside (x, y): x < x + d < y and x < y − d < y, with the same
sum. For strictly convex f, f(x + d) + f(y − d) < f(x) + f(y) (a mean-preserving contraction
lowers a strictly convex sum). Both new totals are reachable amounts, so the model's penalty
equals f there and the tier-2 objective drops: a contradiction. Hence no such transfer exists.
(A linear penalty, e.g. "fewest hours first" ranks, would only tie here, not forbid it.)

Measured alternative (`offduty.benchmarks.experiments.hours_leximax`): lexicographic min-max of the totals
(minimize the largest total, then the number of members at it, then the next value, ...) also
implies the transfer property, but takes one CP-SAT solve per level of the sorted totals.
Measured on the chiefs-game demo (`benchmarks.scenarios.generate("chiefs-game", seed)`: 1,300
members, 307 slots, ~4,500 eligible pairs, 750-762 members with pairs) with the project's solver
settings (1 worker, linearization level 2, presolve off, random seed 0), the coverage tier solved
first (0.1 s) and the same greedy hint, on a 2-core machine shared with other jobs (load ~2.5),
so wall times vary; CP-SAT's deterministic time ("det") does not:

    seed  piecewise-linear penalty         lexicographic min-max, stopped after 600 s
    1     optimal in 3.5-11.5 s (det 2.7)  NOT proven: 94 solves, 365 levels (272 settled
                                           without a solve), 467 of 762 members placed, det 258
    2     optimal in 1.2-2.0 s  (det 0.7)  NOT proven: 82 solves, 373 levels, 475 of 762, det 174
    3     optimal in 1.6-2.8 s  (det 0.7)  NOT proven: 100 solves, 367 levels, 474 of 750, det 281

A leximax level took 1.8-2.2 s (median) and about 290 members were still unplaced at the cut-off,
so leximax is at least two orders of magnitude slower here; its incumbent at the cut-off still
had 76 / 10 / 39 transfer violations, the penalty's optimum none (checked by
`offduty.solver.properties.transfer_violations`). Inside `solver.solve` (greedy hint completed
through `ModelWriter.derive`) the hours tier proves optimality in 2.3-4 s on these seeds, against
0.5-0.8 s for seniority. The piecewise-linear penalty is therefore the default and the only
formulation behind `terms()`;
`python -m offduty.benchmarks.experiments.hours_leximax [--limit=S] 1 2 3` repeats
the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.model import Derivation, ModelWriter
from offduty.distribution.base import Strategy, Terms, dense_rank
from offduty.models.arrays import MINUTES_PER_HOUR, InstanceArrays, IntArray

#: Most breakpoints per member before they are thinned (see the module docstring).
MAX_BREAKPOINTS = 96


def ytd_minutes(arrays: InstanceArrays) -> IntArray:
    """Hours year to date in integer minutes."""
    return np.rint(arrays.member_hours_ytd * MINUTES_PER_HOUR).astype(np.int64)


def reachable_amounts(shift_minutes: IntArray, shift_start: IntArray, shift_end: IntArray) -> IntArray:
    """Sorted subset sums of the shifts' lengths, up to the length of the shifts' union.

    Every amount of new work a member can get is among them (one position per shift at most).
    """
    order = np.argsort(shift_start, kind="stable")
    start, end = shift_start[order], shift_end[order]
    reach = np.maximum.accumulate(end)  # the latest end so far: each shift adds what lies past it
    union = int(np.maximum(end - np.maximum(start, np.r_[start[:1], reach[:-1]]), 0).sum())
    mask = (1 << (union + 1)) - 1
    bits = 1
    lengths, counts = np.unique(shift_minutes, return_counts=True)
    for length, count in zip(lengths.tolist(), counts.tolist(), strict=True):
        # c copies of one length reach its multiples 0..c: add them as 1, 2, 4, ... copies
        chunk = 1
        while count > 0:
            take = min(chunk, count)
            bits = (bits | (bits << (take * length))) & mask
            count -= take
            chunk *= 2
    raw = np.frombuffer(bits.to_bytes(union // 8 + 1, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Segments:
    """The piecewise-linear pieces of every member's penalty (see the module docstring)."""

    members: IntArray  # the members with eligible pairs, ascending
    member: IntArray  # per segment: its member
    lo: IntArray  # per segment: new minutes at its start (v_{k-1})
    length: IntArray  # per segment: v_k - v_{k-1}
    slope: IntArray  # per segment: 2*Y + v_{k-1} + v_k
    max_new: IntArray  # per member of `members`: the largest reachable amount
    exact: bool

    def of_members(self, members: IntArray, n_members: int) -> Segments:
        """The segments of `members` only (indices below `n_members`), breakpoints unchanged."""
        present = np.zeros(n_members, dtype=np.bool_)
        present[members] = True
        kept, listed = present[self.member], present[self.members]
        return Segments(members=self.members[listed], member=self.member[kept], lo=self.lo[kept],
                        length=self.length[kept], slope=self.slope[kept], max_new=self.max_new[listed],
                        exact=self.exact)


def segments(arrays: InstanceArrays, pairs: Pairs, max_breakpoints: int = MAX_BREAKPOINTS) -> Segments:
    ytd = ytd_minutes(arrays)
    members: list[int] = []
    seg_member: list[IntArray] = []
    seg_lo: list[IntArray] = []
    seg_hi: list[IntArray] = []
    max_new: list[int] = []
    exact = True
    if len(pairs):
        key = pairs.member * max(arrays.n_shifts, 1) + pairs.shift
        key = np.sort(key)  # np.unique hashes: 0.22 s on kc-month's 438k pairs, sorting 0.03 s
        uniq = key[np.r_[True, key[1:] != key[:-1]]]  # (member, shift) once each, sorted by member
        u_member = uniq // max(arrays.n_shifts, 1)
        u_shift = uniq % max(arrays.n_shifts, 1)
        cuts = np.flatnonzero(np.diff(u_member)) + 1
        for chunk in np.split(np.arange(len(uniq)), cuts):
            m = int(u_member[chunk[0]])
            s = u_shift[chunk]
            values = reachable_amounts(arrays.shift_end[s] - arrays.shift_start[s],
                                       arrays.shift_start[s], arrays.shift_end[s])
            if len(values) > max_breakpoints:
                # steps of more than 1: the rounded positions are distinct and increasing
                keep = np.rint(np.linspace(0, len(values) - 1, max_breakpoints)).astype(np.int64)
                values = values[keep]
                exact = False
            members.append(m)
            max_new.append(int(values[-1]))
            seg_member.append(np.full(len(values) - 1, m, dtype=np.int64))
            seg_lo.append(values[:-1])
            seg_hi.append(values[1:])
    empty = np.zeros(0, dtype=np.int64)
    member = np.concatenate([empty, *seg_member])
    lo = np.concatenate([empty, *seg_lo])
    hi = np.concatenate([empty, *seg_hi])
    return Segments(members=np.asarray(members, dtype=np.int64), member=member, lo=lo,
                    length=hi - lo, slope=2 * ytd[member] + lo + hi,
                    max_new=np.asarray(max_new, dtype=np.int64), exact=exact)


def model_segments(model: ModelWriter, max_breakpoints: int = MAX_BREAKPOINTS) -> Segments:
    """The segments of the members of `model.pairs` on the breakpoints `model.scale_pairs`
    gives them: a model narrowed to a neighbourhood prices each member's total exactly as the
    whole problem does (thinned breakpoints would differ otherwise)."""
    seg = segments(model.arrays, model.scale_pairs, max_breakpoints)
    if model.scale_pairs is model.pairs:
        return seg
    return seg.of_members(model.pairs.member, model.arrays.n_members)


def add_segments(model: ModelWriter, seg: Segments) -> IntArray:
    """Segment variables linked to each member's new minutes; returns their variable indices.

    One row per member with segments: its pairs' minutes less its segments, equal to 0. The
    segments are also declared to the model as derived (filled in order from the member's new
    minutes), so that a roster completes to a full hint.
    """
    pairs = model.pairs
    variables = model.new_ints(0, seg.length)
    n_members = int(max(pairs.member.max(initial=-1), seg.member.max(initial=-1))) + 1
    has_segments = np.zeros(n_members, dtype=np.bool_)
    has_segments[seg.member] = True
    linked = np.flatnonzero(has_segments[pairs.member])
    # the row entries: the linked pairs (minutes) and every segment (-1), grouped by member
    member = np.concatenate([pairs.member[linked], seg.member])
    order = np.argsort(member, kind="stable")
    entries = np.concatenate([linked, variables])[order]
    coeffs = np.concatenate([pairs.minutes[linked], -np.ones(len(variables), dtype=np.int64)])[order]
    counts = np.bincount(member, minlength=n_members)[has_segments]
    starts = np.r_[0, np.cumsum(counts)]
    zeros = np.zeros(len(counts), dtype=np.int64)
    model.add_linears(entries, coeffs, starts, zeros, zeros)
    model.derive(variables, _segment_values(pairs.member, pairs.minutes, seg, n_members))
    return variables


def _segment_values(pair_member: IntArray, pair_minutes: IntArray, seg: Segments,
                    n_members: int) -> Derivation:
    """Each segment's value from a roster: its member's new minutes clipped to the segment."""
    def values(all_values: IntArray) -> IntArray:
        chosen = all_values[: len(pair_member)] > 0
        new = np.bincount(pair_member[chosen], weights=pair_minutes[chosen], minlength=n_members)
        return np.clip(new.astype(np.int64)[seg.member] - seg.lo, 0, seg.length)

    return values


class Hours(Strategy):
    """Positions go so that total hours (year to date + new) stay even: a convex penalty."""

    name = "hours"

    def __init__(self, max_breakpoints: int = MAX_BREAKPOINTS) -> None:
        self.max_breakpoints = max_breakpoints

    def terms(self, model: ModelWriter) -> Terms:
        seg = model_segments(model, self.max_breakpoints)
        variables = add_segments(model, seg)
        return Terms(variables=variables, coeffs=seg.slope)

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        """Greedy list order: fewest hours year to date first."""
        return dense_rank(arrays.member_hours_ytd)[member]
