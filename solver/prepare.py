"""`prepare(instance, params)`: what every way of solving starts from.

Solve, the greedy list, explanations and the benchmark MILP export all start here, so they
cannot drift apart. The arrays, eligibility and strategy come at once; the CP-SAT model and its
tiers are built on first use (`Prepared.model`), so the greedy roster, which needs only the
eligible pairs, exists before the model build costs anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.eligibility import Eligibility, compute_eligibility
from offduty.distribution.base import Strategy
from offduty.distribution.registry import get_strategy
from offduty.models.arrays import BoolArray, InstanceArrays, IntArray
from offduty.models.instance import Instance
from offduty.solver.builder import CpSatModel
from offduty.solver.params import SolveParams
from offduty.solver.roster import roster_parts
from offduty.solver.tiers import Tier, forced_drops, tier_plan


@dataclass(frozen=True, eq=False)
class BuiltModel:
    """The CP-SAT model with every model rule, and the tiers' objective terms over it."""

    cpsat: CpSatModel
    tiers: tuple[Tier, ...]
    build_s: float


@dataclass(eq=False)
class Prepared:
    instance: Instance
    params: SolveParams
    strategy: Strategy
    arrays: InstanceArrays
    eligibility: Eligibility
    #: `time.perf_counter()` when preparation started: the solve's clock.
    started: float
    #: Seconds spent on arrays, eligibility and strategy.
    prepare_s: float
    #: A re-solve narrowed to a neighbourhood (`narrowed`): the whole problem, for the report.
    whole: Prepared | None = None
    #: ... and the index in `whole.pairs` of each of this problem's pairs.
    whole_index: IntArray | None = None
    _model: BuiltModel | None = field(default=None, init=False, repr=False)

    @property
    def pairs(self) -> Pairs:
        return self.eligibility.pairs

    @property
    def model(self) -> BuiltModel:
        """The model, built on first use."""
        if self._model is None:
            self._model = self._build()
        return self._model

    @property
    def model_built(self) -> bool:
        return self._model is not None

    @property
    def build_s(self) -> float:
        """Preparation and model build, as far as they went."""
        return self.prepare_s + (self._model.build_s if self._model is not None else 0.0)

    def _build(self) -> BuiltModel:
        t = time.perf_counter()
        cpsat = CpSatModel(self.arrays, self.pairs, allow_understaffed=self.params.allow_understaffed,
                           whole_pairs=self.whole.pairs if self.whole is not None else None)
        cpsat.conflicts.extend(self.eligibility.unkeepable_locks())
        cpsat.build()
        tiers = tier_plan(cpsat, self.strategy, self.params)
        return BuiltModel(cpsat, tiers, time.perf_counter() - t)

    def conflicts(self) -> list[str]:
        """Why no roster can exist, found before any model: locked assignments a rule excludes,
        a re-solve whose forced changes already exceed its `max_changes`."""
        out = self.eligibility.unkeepable_locks()
        resolve = self.params.resolve
        if resolve is not None and resolve.max_changes is not None:
            forced = forced_drops(self.pairs)
            if forced > resolve.max_changes:
                out.append(f"{forced} published assignments are no longer allowed by the rules, more "
                           f"than the {resolve.max_changes} changes allowed")
        return out

    def narrowed(self, keep: BoolArray) -> Prepared:
        """The same problem over the pairs `keep` only (the others fixed at 0). The solution
        report (`roster_parts`) still speaks of the whole problem."""
        whole = self.whole or self
        base = self.whole_index if self.whole_index is not None else np.arange(len(self.pairs))
        eligibility = Eligibility(self.eligibility.reason, self.pairs.subset(keep))
        return Prepared(self.instance, self.params, self.strategy, self.arrays, eligibility, self.started,
                        self.elapsed(), whole, base[keep])

    def roster_parts(self, chosen: IntArray) -> dict[str, object]:
        """The solution fields of the roster made of pairs `chosen`, over the whole problem."""
        if self.whole is None or self.whole_index is None:
            return roster_parts(self.eligibility, chosen)
        return roster_parts(self.whole.eligibility, self.whole_index[chosen])

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        """Seconds left of the time limit, which covers preparation, build and search."""
        return self.params.time_limit - self.elapsed()


def prepare(instance: Instance, params: SolveParams) -> Prepared:
    """Arrays, eligibility and strategy of `instance` under `params` (the model comes lazily).

    Raises ValueError for an unknown strategy."""
    started = time.perf_counter()
    strategy = get_strategy(params.strategy)
    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, params.candidates)
    return Prepared(instance, params, strategy, arrays, eligibility, started, time.perf_counter() - started)
