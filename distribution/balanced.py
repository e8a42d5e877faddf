"""Balanced: a documented weighted blend of seniority, first come, hours and rotation.

The weights are `instance.policy.balanced_weights` (seniority, first_come, hours, rotation; all
1.0 by default). Each criterion is first put on a common scale, "0 for the best candidate, about
1 for the worst, per assignment", then weighted and summed. With SCALE = 100,000 the tier-2
objective is the sum over assignments (m, p) on shift s of

    SCALE · ( w_sen · (rank_sen(m) − 1) / (R_sen − 1)
            + w_fc  · (rank_fc(m, s) − 1) / (R_fc(s) − 1)
            + w_rot · (rank_rot(m) − 1) / (R_rot − 1) )

rounded to integers, where the seniority and rotation ranks are dense ranks over the members
eligible for anything (R = their largest rank) and the first-come rank is the per-shift rank of
`distribution.first_come` (R_fc(s) = the rank of a non-applicant), plus the hours strategy's
convex penalty (`distribution.hours`) with its per-minute slopes σ scaled by
SCALE · w_hours / (2 · T_max · d̄): T_max is the largest total (year to date + reachable new
work, minutes) of any member eligible for anything and d̄ the mean detail length, so that a
typical detail given to the member with the largest total costs about SCALE · w_hours, and
nearly nothing to a member with no hours at all.

The blend trades the criteria against each other: no single property (swap or transfer) is
guaranteed, so its fairness is reported (`distribution.metrics`), not promised. A weight of 0
drops a criterion; setting only one weight to a positive value gives that strategy's preference
(up to the rounding of the scaled coefficients).

The greedy list order is the same blend with the hours criterion taken as the normalized hours
year to date (the list cannot see new hours).
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.model import ModelWriter
from offduty.distribution.base import Strategy, Terms, dense_rank
from offduty.distribution.first_come import first_come_ranks
from offduty.distribution.hours import add_segments, segments, ytd_minutes
from offduty.models.arrays import FloatArray, InstanceArrays, IntArray
from offduty.models.instance import BalancedWeights

SCALE = 100_000


def _normalized_rank(keys: np.ndarray, pool: np.ndarray) -> FloatArray:
    """Per member: (dense rank among the pool − 1) / (largest rank − 1), 0 outside the pool."""
    out = np.zeros(len(keys), dtype=np.float64)
    if not pool.any():
        return out
    rank = dense_rank(keys[pool]).astype(np.float64)
    out[pool] = (rank - 1) / max(rank.max() - 1, 1)
    return out


def rank_scores(arrays: InstanceArrays, pool: np.ndarray, member: IntArray, shift: IntArray,
                weights: BalancedWeights) -> FloatArray:
    """The seniority, first-come and rotation part of the blend per (member, shift), unscaled."""
    sen = _normalized_rank(arrays.member_seniority_day, pool)
    rot = _normalized_rank(arrays.member_last_worked, pool)
    fc = first_come_ranks(arrays)
    fc_norm = (fc.of(member, shift) - 1) / np.maximum(fc.last[shift] - 1, 1)
    return weights.seniority * sen[member] + weights.first_come * fc_norm + weights.rotation * rot[member]


def _pool(arrays: InstanceArrays, pairs_member: IntArray) -> np.ndarray:
    pool = np.zeros(arrays.n_members, dtype=np.bool_)
    pool[pairs_member] = True
    return pool


class Balanced(Strategy):
    """A weighted blend of seniority, first come, hours and rotation (policy.balanced_weights)."""

    name = "balanced"

    def terms(self, model: ModelWriter) -> Terms:
        arrays, pairs, scale = model.arrays, model.pairs, model.scale_pairs
        weights = arrays.instance.policy.balanced_weights
        pool = _pool(arrays, scale.member)
        linear = np.rint(SCALE * rank_scores(arrays, pool, pairs.member, pairs.shift, weights))
        variables = [model.pair_vars]
        coeffs = [linear.astype(np.int64)]
        if weights.hours > 0 and len(pairs):
            # the scales are the whole problem's segments; the model's are the same for its members
            whole = segments(arrays, scale)
            seg = whole if scale is pairs else whole.of_members(pairs.member, arrays.n_members)
            variables.append(add_segments(model, seg))
            coeffs.append(self._hours_coeffs(arrays, scale, seg.slope, whole.max_new, whole.members,
                                             weights.hours))
        return Terms(variables=np.concatenate(variables), coeffs=np.concatenate(coeffs))

    @staticmethod
    def _hours_coeffs(arrays: InstanceArrays, scale: Pairs, slope: IntArray, max_new: IntArray,
                      members: IntArray, weight: float) -> IntArray:
        """The hours part's slopes on the blend's scale; `scale`, `max_new` and `members` are
        those of `ModelWriter.scale_pairs`."""
        t_max = max(int((ytd_minutes(arrays)[members] + max_new).max()), 1)
        d_mean = max(float(scale.minutes.mean()), 1.0)
        # rounding is monotone, so each member's slopes stay non-decreasing (convex)
        return np.rint(SCALE * weight * slope / (2.0 * t_max * d_mean)).astype(np.int64)

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        weights = arrays.instance.policy.balanced_weights
        pool = _pool(arrays, member)
        shift = arrays.position_shift[position]
        score = rank_scores(arrays, pool, member, shift, weights)
        ytd = arrays.member_hours_ytd
        top = float(ytd[pool].max()) if pool.any() else 0.0
        score = score + weights.hours * ytd[member] / max(top, 1e-9)
        return dense_rank(np.rint(score * SCALE).astype(np.int64))
