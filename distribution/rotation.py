"""Rotation: positions go to the members who worked a detail longest ago (`last_worked`).

Tier-2 objective: minimize the sum over assignments of the member's rotation rank r(m): the dense
rank of `last_worked` (1 = oldest; a member with no `last_worked`, who never worked a detail,
ranks before everyone; equal times share a rank). Rank positions keep the coefficients small.

Why the swap property follows from optimality: take an optimal solution, an assigned member b on
position p, and a member a who last worked earlier than b (r(a) < r(b)), is eligible for p and
free to take it (the swap keeps every hard rule). Swapping b for a on p fills the same slot, so
coverage (tier 1) is unchanged, and the tier-2 objective changes by r(a) − r(b) < 0,
contradicting optimality. So no such swap exists.
"""

from __future__ import annotations

from offduty.constraints.model import ModelWriter
from offduty.distribution.base import Strategy, Terms, dense_rank
from offduty.models.arrays import InstanceArrays, IntArray


def rotation_rank(arrays: InstanceArrays) -> IntArray:
    """Per member: 1 for the oldest `last_worked` (never = oldest of all)."""
    return dense_rank(arrays.member_last_worked)


class Rotation(Strategy):
    """Positions go to the members who worked a detail longest ago (never worked first)."""

    name = "rotation"

    def terms(self, model: ModelWriter) -> Terms:
        rank = rotation_rank(model.arrays)
        return Terms(variables=model.pair_vars, coeffs=rank[model.pairs.member])

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        return rotation_rank(arrays)[member]
