"""The objective tiers, all minimized, in order, and the plan that picks them from the options.

A plain solve (DESIGN.md "Distribution strategies"):

1. coverage: the priority-weighted number of unfilled slots;
2. the distribution strategy's terms (`offduty.distribution`);
3. only when the instance carries a current (unlocked) roster: its assignments not kept.

A re-solve (`SolveParams.resolve`, docs/resolve.md):

1. coverage;
2. changes: the symmetric difference between the new roster and the published one (the
   instance's `assignments`), cancelled pairs not counted; a member moved counts two;
3. the strategy over the newcomers: published pairs weigh nothing in it.

CP-SAT has no lexicographic objective: `solver.solve` solves each tier, then fixes it at its value.
A tier may carry a bound proven by counting alone (`Tier.lower_bound`); when the roster in hand
reaches it, the tier is closed without a search and `Tier.tighten` states the consequence row by
row (one equality per position says far more to the LP than one aggregated tier row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.model import ModelWriter
from offduty.distribution.base import Strategy, Terms
from offduty.models.arrays import BoolArray, IntArray
from offduty.solver.params import SolveParams


@dataclass(frozen=True, eq=False)
class Tier:
    name: str
    terms: Terms
    #: A bound proven by counting, valid when every earlier tier is at its own `lower_bound`.
    lower_bound: int | None = None
    #: Rows that hold in every roster at `lower_bound` (added when the tier closes there).
    tighten: Callable[[ModelWriter], None] | None = None

    def value(self, values: IntArray) -> int:
        """The tier's objective for a complete assignment of the model's variables."""
        t = self.terms
        return int((t.coeffs * values[t.variables]).sum()) + t.offset


def tier_plan(model: ModelWriter, strategy: Strategy, params: SolveParams) -> tuple[Tier, ...]:
    """The tiers of a solve under `params`; for a re-solve also its freeze and max-changes rows."""
    pairs = model.pairs
    coverage = Tier("coverage", coverage_terms(pairs), coverage_lower_bound(pairs), fill_each_position)
    if params.resolve is None:
        tiers = [coverage, Tier(params.strategy, strategy.terms(model))]
        changes = changes_terms(pairs)
        if changes is not None:
            tiers.append(Tier("changes", changes))
        return tuple(tiers)
    published = published_pairs(pairs)
    changes = resolve_changes_terms(pairs)
    if params.resolve.freeze:
        for i in np.flatnonzero(published).tolist():
            model.fix(i, 1)
    if params.resolve.max_changes is not None:
        model.add_linear(changes.variables, changes.coeffs, -changes.offset,
                         params.resolve.max_changes - changes.offset)
    return (coverage,
            Tier("changes", changes, changes_lower_bound(pairs), keep_published_at_bound),
            Tier(params.strategy, newcomers_only(strategy.terms(model), published)))


# --- coverage --------------------------------------------------------------------------------


def coverage_terms(pairs: Pairs) -> Terms:
    """Priority-weighted unfilled slots: sum(priority * count) - sum(priority * x)."""
    a = pairs.arrays
    offset = int((a.position_priority * a.position_count).sum())
    return Terms(np.arange(len(pairs), dtype=np.int64), -a.position_priority[pairs.position], offset)


def coverage_lower_bound(pairs: Pairs) -> int:
    """Unfilled weight no roster can avoid: slots beyond a position's eligible members."""
    a = pairs.arrays
    return int((a.position_priority * (a.position_count - fill_targets(pairs))).sum())


def fill_targets(pairs: Pairs) -> IntArray:
    """Per position, min(count, eligible members): what it holds in a roster at the coverage bound."""
    a = pairs.arrays
    eligible = np.bincount(pairs.position, minlength=a.n_positions)
    return np.minimum(a.position_count, eligible).astype(np.int64)


def fill_each_position(model: ModelWriter) -> None:
    """At the coverage bound every position holds exactly its fill target. One equality per
    position says so far more tightly than the one aggregated tier row (kc-week: gap at 60 s
    1.65 % → 0.87 %)."""
    pairs = model.pairs
    a = pairs.arrays
    eligible = np.bincount(pairs.position, minlength=a.n_positions)
    order = np.argsort(pairs.position, kind="stable")
    starts = np.r_[0, np.cumsum(eligible)]
    some = np.flatnonzero(eligible > 0)
    filled = np.minimum(a.position_count[some], eligible[some])
    model.add_linears(order, np.ones(len(order), dtype=np.int64), np.r_[starts[some], len(order)], filled,
                      filled)


# --- changes ---------------------------------------------------------------------------------


def changes_terms(pairs: Pairs) -> Terms | None:
    """Plain solve, tier 3: assignments of the current roster (not locked) that the new roster drops."""
    a = pairs.arrays
    previous = ~a.assignment_locked
    if not previous.any():
        return None
    idx = pairs.index_of(a.assignment_member[previous], a.assignment_position[previous])
    kept = idx[idx >= 0]
    return Terms(kept, -np.ones(len(kept), dtype=np.int64), int(previous.sum()))


def counted_assignments(pairs: Pairs) -> BoolArray:
    """Per assignment of the instance: does it count in a re-solve's changes (not cancelled)?"""
    a = pairs.arrays
    cancelled = a.cancellation_member * a.n_positions + a.cancellation_position
    return ~np.isin(a.assignment_member * a.n_positions + a.assignment_position, cancelled)


def published_pairs(pairs: Pairs) -> BoolArray:
    """Per pair: is it an assignment of the published roster (the instance's `assignments`)?"""
    a = pairs.arrays
    idx = pairs.index_of(a.assignment_member, a.assignment_position)
    out = np.zeros(len(pairs), dtype=np.bool_)
    out[idx[idx >= 0]] = True
    return out


def resolve_changes_terms(pairs: Pairs) -> Terms:
    """Re-solve, tier 2: published assignments dropped plus assignments added.

    A published pair kept costs 0, dropped 1 (the offset counts every published assignment that
    is not cancelled, including those no rule allows any more); any other pair costs 1 when
    taken. A member moved from one position to another therefore counts two."""
    published = published_pairs(pairs)
    coeffs = np.where(published, -1, 1).astype(np.int64)
    return Terms(np.arange(len(pairs), dtype=np.int64), coeffs, int(counted_assignments(pairs).sum()))


def forced_drops(pairs: Pairs) -> int:
    """Published assignments (not cancelled) that no rule allows any more: changes in every roster."""
    return int(counted_assignments(pairs).sum()) - int(published_pairs(pairs).sum())


def changes_lower_bound(pairs: Pairs) -> int:
    """The fewest changes of a roster at the coverage bound, by counting.

    There every position p holds its fill target t_p; with k_p published pairs of p still
    allowed, at most min(t_p, k_p) are kept, so p costs at least |t_p − k_p| (drops plus
    additions), on top of the forced drops."""
    a = pairs.arrays
    published = published_pairs(pairs)
    on_position = np.bincount(pairs.position[published], minlength=a.n_positions)
    return forced_drops(pairs) + int(np.abs(fill_targets(pairs) - on_position).sum())


def vacated_positions(pairs: Pairs) -> BoolArray:
    """Per position: does its fill target exceed its published pairs still allowed (a newcomer
    is needed there)?"""
    a = pairs.arrays
    published = published_pairs(pairs)
    on_position = np.bincount(pairs.position[published], minlength=a.n_positions)
    return fill_targets(pairs) > on_position


def keep_published_at_bound(model: ModelWriter) -> None:
    """At the changes bound a position below its target keeps all its published pairs, and a
    position at or above it takes no newcomer."""
    pairs = model.pairs
    published = published_pairs(pairs)
    vacated = vacated_positions(pairs)
    on_position = np.bincount(pairs.position[published], minlength=pairs.arrays.n_positions)
    target = fill_targets(pairs)
    keep_all = published & (target[pairs.position] >= on_position[pairs.position])
    no_newcomer = ~published & ~vacated[pairs.position]
    for i in np.flatnonzero(keep_all).tolist():
        model.fix(i, 1)
    for i in np.flatnonzero(no_newcomer).tolist():
        model.fix(i, 0)


# --- the strategy over newcomers -------------------------------------------------------------


def newcomers_only(terms: Terms, published: BoolArray) -> Terms:
    """The strategy's terms without the weight of published pairs: a re-solve ranks the members
    it brings in, not those who keep their place. Terms over auxiliary variables (the hours
    strategy's totals) stay: a member's total counts every hour they work."""
    variables = np.asarray(terms.variables, dtype=np.int64)
    on_published = np.zeros(len(variables), dtype=np.bool_)
    is_pair = variables < len(published)
    on_published[is_pair] = published[variables[is_pair]]
    return Terms(variables[~on_published], np.asarray(terms.coeffs)[~on_published], terms.offset)
