"""The objective tiers, all minimized, in order (DESIGN.md "Distribution strategies"):

1. coverage: the priority-weighted number of unfilled slots;
2. the distribution strategy's terms (`offduty.distribution`);
3. only when the instance carries a current (unlocked) roster: its assignments not kept.

CP-SAT has no lexicographic objective: `solver.solve` solves each tier, then fixes it at its value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offduty.constraints.base import Pairs
from offduty.distribution.base import Terms
from offduty.models.arrays import IntArray


@dataclass(frozen=True, eq=False)
class Tier:
    name: str
    terms: Terms

    def value(self, values: IntArray) -> int:
        """The tier's objective for a complete assignment of the model's variables."""
        t = self.terms
        return int((t.coeffs * values[t.variables]).sum()) + t.offset


def coverage_terms(pairs: Pairs) -> Terms:
    """Priority-weighted unfilled slots: sum(priority * count) - sum(priority * x)."""
    a = pairs.arrays
    offset = int((a.position_priority * a.position_count).sum())
    return Terms(np.arange(len(pairs), dtype=np.int64), -a.position_priority[pairs.position], offset)


def coverage_lower_bound(pairs: Pairs) -> int:
    """Unfilled weight no roster can avoid: slots beyond a position's eligible members."""
    a = pairs.arrays
    eligible = np.bincount(pairs.position, minlength=a.n_positions)
    return int((a.position_priority * np.maximum(0, a.position_count - eligible)).sum())


def changes_terms(pairs: Pairs) -> Terms | None:
    """Assignments of the current roster (not locked) that the new roster drops."""
    a = pairs.arrays
    previous = ~a.assignment_locked
    if not previous.any():
        return None
    idx = pairs.index_of(a.assignment_member[previous], a.assignment_position[previous])
    kept = idx[idx >= 0]
    return Terms(kept, -np.ones(len(kept), dtype=np.int64), int(previous.sum()))
