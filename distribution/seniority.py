"""Seniority: positions go to the most senior eligible members (earliest `seniority_date`).

Tier-2 objective: minimize the sum over assignments of the member's seniority rank r(m)
(1 = most senior; equal dates share a rank). Rank positions, not powers of two, keep the
coefficients small.

Why the swap property follows from optimality: take an optimal solution, an assigned member b
on position p, and an unassigned member a, more senior than b (r(a) < r(b)), eligible for p and
free to take it (the swap is feasible). Swapping keeps coverage (tier 1) and changes the tier-2
objective by r(a) − r(b) < 0, contradicting optimality. So no such swap exists.
"""

from __future__ import annotations

from offduty.constraints.model import ModelWriter
from offduty.distribution.base import Strategy, Terms, dense_rank
from offduty.models.arrays import InstanceArrays, IntArray


def seniority_rank(arrays: InstanceArrays) -> IntArray:
    return dense_rank(arrays.member_seniority_day)


class Seniority(Strategy):
    """Positions go to the most senior eligible members."""

    name = "seniority"

    def terms(self, model: ModelWriter) -> Terms:
        rank = seniority_rank(model.arrays)
        pairs = model.pairs
        return Terms(variables=model.pair_vars, coeffs=rank[pairs.member])

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        return seniority_rank(arrays)[member]
