"""Each strategy's own score of a roster: the value of its objective tier (tier 2, minimized).

Fairness metrics answer other questions than the one a strategy optimizes (an hours-balancing
roster may well have seniority inversions), so a comparison shows every roster's value on its
own strategy's tier too, for the optimizer and the greedy list alike: the optimizer's score is
never worse than the greedy list's of the same strategy when both are proven.

The score is the strategy's terms evaluated on the roster. The terms depend on the eligible
pairs only (a strategy adds its own variables after the pairs'), so they are written into a
fresh model without the rules' rows: the value is the one the solve's model reports (a test
checks it), at a fraction of the build.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from offduty.models.instance import Instance
from offduty.solver import Result, SolveParams
from offduty.solver.builder import CpSatModel
from offduty.solver.prepare import Prepared, prepare
from offduty.solver.tiers import Tier


def strategy_scores(instance: Instance, params: SolveParams, results: Sequence[Result]) -> list[int | None]:
    """The value of `params.strategy`'s tier on each result's roster (None without a roster, or
    when the roster holds a pair that is not eligible under `params`)."""
    if not any(r.has_solution for r in results):
        return [None] * len(results)
    prepared = prepare(instance, params)
    model = CpSatModel(prepared.arrays, prepared.pairs, allow_understaffed=params.allow_understaffed)
    tier = Tier(params.strategy, prepared.strategy.terms(model))
    return [_score(prepared, model, tier, r) if r.has_solution else None for r in results]


def _score(prepared: Prepared, model: CpSatModel, tier: Tier, result: Result) -> int | None:
    a = prepared.arrays
    members = np.array([a.member_index[x.member] for x in result.assignments], dtype=np.int64)
    positions = np.array([a.position_index[x.position] for x in result.assignments], dtype=np.int64)
    idx = prepared.pairs.index_of(members, positions)
    if (idx < 0).any():
        return None
    values = np.zeros(len(prepared.pairs), dtype=np.int64)
    values[idx] = 1
    return tier.value(model.complete(values))
