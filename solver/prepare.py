"""`prepare(instance, params)`: what every way of solving starts from.

Solve, the greedy list, explanations and the benchmark MILP export all start here, so they
cannot drift apart. The arrays, eligibility and strategy come at once; the CP-SAT model and its
tiers are built on first use (`Prepared.model`), so the greedy roster, which needs only the
eligible pairs, exists before the model build costs anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from offduty.constraints.base import Pairs
from offduty.constraints.eligibility import Eligibility, compute_eligibility
from offduty.distribution.base import Strategy
from offduty.distribution.registry import get_strategy
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.solver.builder import CpSatModel
from offduty.solver.params import SolveParams
from offduty.solver.tiers import Tier, changes_terms, coverage_terms


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
        cpsat = CpSatModel(self.arrays, self.pairs, allow_understaffed=self.params.allow_understaffed)
        cpsat.conflicts.extend(self.eligibility.unkeepable_locks())
        cpsat.build()
        tiers = [Tier("coverage", coverage_terms(self.pairs)),
                 Tier(self.params.strategy, self.strategy.terms(cpsat))]
        changes = changes_terms(self.pairs)
        if changes is not None:
            tiers.append(Tier("changes", changes))
        return BuiltModel(cpsat, tuple(tiers), time.perf_counter() - t)

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
