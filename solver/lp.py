"""LP relaxations by GLOP (shipped with OR-Tools): of a neighbourhood, and of each tier of a model.

`lp_solve` takes the rows as a sparse matrix (CP-SAT's ±INT_MAX for a missing side) and hands
them to GLOP in one call (`ModelBuilderHelper.fill_model_from_sparse_data`), so an LP of 10^5
columns costs no Python loop. `tier_lp_bounds` is the LP bound of each objective tier of a solve,
with the tiers before it held at the values the returned roster has on them: the benchmark
runner's "LP bound" column, a reference independent of CP-SAT's own bound.

GLOP's optimum is exact up to its primal and dual feasibility tolerances (1e-7 by default), so
a reported LP bound is lowered by a relative 1e-6 before it is used as a bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from offduty.models.arrays import FloatArray, IntArray

#: A relative margin under GLOP's optimum that covers its feasibility tolerances.
LP_MARGIN = 1e-6
#: GLOP's solution feasibility tolerance for an LP that only guides a search, never bounds one:
#: at its default (1e-6) a kc-month support LP ends IMPRECISE over a cost perturbation of 1.4e-6.
GUIDE_TOLERANCE = 1e-4


@dataclass(frozen=True, eq=False)
class LpSolution:
    values: FloatArray
    reduced_costs: FloatArray
    objective: float

    @property
    def bound(self) -> float:
        """The optimum less the tolerance margin: a lower bound of the LP's minimum."""
        return self.objective - LP_MARGIN * max(1.0, abs(self.objective))


def _sides(values: IntArray) -> FloatArray:
    out = np.asarray(values, dtype=np.float64)
    return np.where(out <= -cp_model.INT_MAX, -np.inf, np.where(out >= cp_model.INT_MAX, np.inf, out))


def _solved(name: str, var_lo: IntArray, var_hi: IntArray, objective: IntArray | FloatArray,
            matrix: sp.csr_matrix, lo: IntArray, hi: IntArray, seconds: float, parameters: str = "") -> Any:
    """The LP handed to OR-Tools' solver `name` in one call, solved within `seconds` with the
    solver's own `parameters` (text format): the `ModelSolverHelper` with its result."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    helper = mbh.ModelBuilderHelper()
    fill: Any = helper.fill_model_from_sparse_data  # its stubs misname the array types
    fill(_sides(var_lo), _sides(var_hi), np.asarray(objective, dtype=np.float64), _sides(lo), _sides(hi),
         sp.csr_matrix(matrix, dtype=np.float64))
    solver = mbh.ModelSolverHelper(name)
    solver.set_time_limit_in_seconds(max(0.01, float(seconds)))
    if parameters:
        solver.set_solver_specific_parameters(parameters)
    solver.solve(helper)
    return solver


def lp_solve(var_lo: IntArray, var_hi: IntArray, objective: IntArray | FloatArray, matrix: sp.csr_matrix,
             lo: IntArray, hi: IntArray, seconds: float, *, guide_only: bool = False) -> LpSolution | None:
    """min objective·x over lo <= matrix x <= hi, var_lo <= x <= var_hi (continuous) by GLOP;
    None when GLOP did not reach an optimum within `seconds`. With `guide_only` the solution
    may be off by `GUIDE_TOLERANCE`: for a search to follow, not for a bound."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    parameters = f"solution_feasibility_tolerance: {GUIDE_TOLERANCE}" if guide_only else ""
    solver = _solved("glop", var_lo, var_hi, objective, matrix, lo, hi, seconds, parameters)
    if solver.status() != mbh.SolveStatus.OPTIMAL:
        return None
    return LpSolution(np.asarray(solver.variable_values(), dtype=np.float64),
                      np.asarray(solver.reduced_costs(), dtype=np.float64), float(solver.objective_value()))


@dataclass(frozen=True, eq=False)
class PdlpIterate:
    """PDLP's last iterate: primal `values` and row `duals` (sign as GLOP's: a column's reduced
    cost is c - matrix^T duals). Neither optimal nor exactly feasible."""

    values: FloatArray
    duals: FloatArray


def pdlp_iterate(var_lo: IntArray, var_hi: IntArray, objective: IntArray | FloatArray, matrix: sp.csr_matrix,
                 lo: IntArray, hi: IntArray, seconds: float) -> PdlpIterate | None:
    """PDLP's iterate on the same LP as `lp_solve` after `seconds` (a first-order method: a
    month's LP that GLOP does not solve in two minutes gives usable duals and a near-optimal
    fractional primal in 10 s). Not a bound in itself: multipliers for a Lagrangian bound, valid
    for any, and a guide to the columns an LP optimum uses. None when PDLP returned nothing."""
    solver = _solved("pdlp", var_lo, var_hi, objective, matrix, lo, hi, seconds)
    if not solver.has_response():
        return None
    values = np.asarray(solver.variable_values(), dtype=np.float64)
    duals = np.asarray(solver.dual_values(), dtype=np.float64)
    if len(duals) != matrix.shape[0] or len(values) != matrix.shape[1]:
        return None
    return PdlpIterate(values, duals) if np.isfinite(duals).all() and np.isfinite(values).all() else None


def tier_lp_bounds(cpsat: Any, tiers: Any, values: IntArray, seconds: float) -> list[float | None]:
    """The LP bound of each tier (its terms' offset included) over `cpsat`'s rows, each with the
    tiers before it at most the value `values` has on them; None where GLOP did not finish.

    `cpsat` is a `solver.builder.CpSatModel`, `tiers` its `solver.tiers.Tier`s, `values` a
    complete assignment of its variables (a returned roster, completed)."""
    rows = cpsat.rows()
    lower, upper = cpsat.bounds()
    n = cpsat.n_variables
    extra: list[tuple[IntArray, int]] = []
    out: list[float | None] = []
    for tier in tiers:
        dense = np.zeros(n, dtype=np.int64)
        np.add.at(dense, tier.terms.variables, tier.terms.coeffs)
        matrix = sp.vstack([rows.matrix, *(sp.csr_matrix(c[None, :]) for c, _ in extra)], format="csr")
        lo = np.concatenate([rows.lower, np.full(len(extra), -cp_model.INT_MAX, dtype=np.int64)])
        hi = np.concatenate([rows.upper, np.asarray([v for _, v in extra], dtype=np.int64)])
        solution = lp_solve(lower, upper, dense, matrix, lo, hi, seconds)
        # integer coefficients: the tier's value is an integer, so the bound rounds up to one
        out.append(None if solution is None else float(math.ceil(solution.bound)) + tier.terms.offset)
        extra.append((dense, int(dense @ values)))
    return [None if b is None or not math.isfinite(b) else b for b in out]
