"""A member works at most one detail at a time.

C-OVERLAP, §III.N.1. Also carries the detail-to-detail part of C-REST: intervals are extended by
`min_rest_hours` before the cliques are found, so two details closer than the rest count as
overlapping. A member likewise holds at most one position of a shift.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule, groups
from offduty.constraints.intervals import expand_ranges, maximal_cliques
from offduty.constraints.model import ModelWriter
from offduty.models.arrays import hours_to_minutes


class Overlap(Rule):
    """A member works at most one detail at a time."""

    code = "C-OVERLAP"
    section = "§III.N.1"

    def add(self, model: ModelWriter) -> None:
        a, pairs = model.arrays, model.pairs
        if len(pairs) == 0:
            return
        rest = hours_to_minutes(a.instance.policy.min_rest_hours)
        # Cliques of the global shift graph; each member's constraint is its restriction to them.
        cliques = maximal_cliques(a.shift_start, a.shift_end + rest)
        clique_of = np.concatenate([np.full(len(c), k, dtype=np.int64) for k, c in enumerate(cliques)])
        shift_of = np.concatenate([np.asarray(c, dtype=np.int64) for c in cliques])
        # incidence (pair, clique): join pairs to the cliques of their shift
        order = np.argsort(shift_of, kind="stable")
        shift_sorted, clique_sorted = shift_of[order], clique_of[order]
        lo = np.searchsorted(shift_sorted, pairs.shift, side="left")
        hi = np.searchsorted(shift_sorted, pairs.shift, side="right")
        pair_idx, inc = expand_ranges(lo, hi)
        clique_idx = clique_sorted[inc]
        key = pairs.member[pair_idx] * len(cliques) + clique_idx
        seen: set[tuple[int, ...]] = set()
        for _, group in groups(key):
            if len(group) < 2:
                continue
            members = tuple(pair_idx[group].tolist())
            if members not in seen:
                seen.add(members)
                model.add_at_most_one(members)
