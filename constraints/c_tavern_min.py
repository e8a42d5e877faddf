"""Each shift at a tavern or nightclub has at least three officers, or none.

C-TAVERN-MIN, §IV.A.18.c: if the minimum (`tavern_min_officers`) is not met, members will not work
the establishment unless the Employment Unit Commander approved (`understaffing_approved`).
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule, groups
from offduty.constraints.model import Derivation, ModelWriter
from offduty.models.arrays import BoolArray, IntArray


def _bound_shifts(pairs: Pairs) -> BoolArray:
    """Per shift: does the tavern minimum apply to it?"""
    a = pairs.arrays
    event_bound = a.employer_tavern[a.event_employer] & ~a.event_understaffing_approved
    return event_bound[a.shift_event]


def _any_of(idx: IntArray) -> Derivation:
    """The value of a shift's `staffed` flag: 1 when any of its pairs is chosen."""
    return lambda values: np.asarray([int(values[idx].any())], dtype=np.int64)


class TavernMinimum(Rule):
    """Each shift at a tavern or nightclub has at least three officers, or none."""

    code = "C-TAVERN-MIN"
    section = "§IV.A.18.c"

    def prune(self, pairs: Pairs) -> BoolArray | None:
        """Shifts that can never reach the minimum: too few slots or too few eligible members."""
        a = pairs.arrays
        minimum = a.instance.policy.tavern_min_officers
        bound = _bound_shifts(pairs)
        if minimum <= 1 or not bound.any():
            return None
        slots = np.bincount(a.position_shift, weights=a.position_count, minlength=a.n_shifts)
        at_bound = bound[pairs.shift]  # only the bound shifts' pairs need counting
        distinct = np.unique(pairs.member[at_bound] * a.n_shifts + pairs.shift[at_bound])
        members = np.bincount(distinct % a.n_shifts, minlength=a.n_shifts)
        hopeless = bound & ((slots < minimum) | (members < minimum))
        return hopeless[pairs.shift]

    def add(self, model: ModelWriter) -> None:
        pairs = model.pairs
        minimum = model.arrays.instance.policy.tavern_min_officers
        bound = _bound_shifts(pairs)
        if minimum <= 1 or not bound.any():
            return
        for shift, idx in groups(pairs.shift):
            if not bound[shift]:
                continue
            staffed = model.new_bool(f"staffed[{model.arrays.shift_ids[shift]}]")
            model.derive(np.asarray([staffed], dtype=np.int64), _any_of(idx))
            n = len(idx)
            # sum >= minimum * staffed  and  sum <= n * staffed
            model.add_linear([*idx.tolist(), staffed], [*([1] * n), -minimum], 0, n)
            model.add_linear([*idx.tolist(), staffed], [*([1] * n), -n], -n, 0)
