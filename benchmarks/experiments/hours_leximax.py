"""The measured alternative to the hours penalty: lexicographic min-max of total hours.

Leximax: minimize the largest total T_m (year to date + new details, integer minutes) over the
members with eligible pairs, then the number of members at that value, then the next value, and
so on down the sorted vector of totals. It implies the transfer property too: moving a detail of
d minutes from b to a with T_a + d < T_b replaces T_b by two values below it, which makes the
sorted vector lexicographically smaller.

CP-SAT has no lexicographic objective, so this is one solve per level ℓ (values z_1 > z_2 > ...):
minimize K·z + Σ g_m subject to, for every member m not placed at an earlier level,
    T_m − z − g_m − BIG_m · A_m ≤ −1
where g_m is "m is at this level" (T_m ≤ z, else T_m ≤ z − 1), A_m the sum of m's g's of earlier
levels, and K larger than any count, so z comes first and the count second. The level is then
fixed (z = z_ℓ, Σ g ≤ c_ℓ) and the next one solved. A level needs no solve when the incumbent
meets the order-statistic lower bounds (the (k+1)-th largest total is at least the (k+1)-th
largest hours year to date; see `_trivial_level`); the high-hours members who get no work are
settled that way in bulk.

This module exists to measure the alternative against the piecewise-linear penalty of
`offduty.distribution.hours` (the default; the numbers are in its docstring). It is not a Strategy: its
tiers depend on earlier solves, which `Terms` cannot express. Run the measurement with

    python -m offduty.benchmarks.experiments.hours_leximax [--limit=SECONDS] [seed ...]
"""

from __future__ import annotations

import dataclasses
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from offduty.constraints.base import groups
from offduty.distribution.hours import Hours, Segments, add_segments, segments, ytd_minutes
from offduty.models.arrays import IntArray
from offduty.models.instance import Instance
from offduty.solver.builder import CpSatModel as ModelBuilder
from offduty.solver.greedy import greedy_roster
from offduty.solver.params import EngineParams, SolveParams, configure
from offduty.solver.prepare import prepare
from offduty.solver.tiers import coverage_terms


@dataclass
class SolveRecord:
    """The time one CP-SAT solve took."""

    label: str
    status: str
    wall_s: float
    deterministic_s: float


@dataclass
class LeximaxOutcome:
    proven: bool
    levels: int = 0
    trivial_levels: int = 0
    placed: int = 0  # members whose level is fixed
    members: int = 0  # members with eligible pairs
    solves: list[SolveRecord] = field(default_factory=list)
    values: IntArray | None = None  # pair variables of the last incumbent

    @property
    def wall_s(self) -> float:
        return sum(s.wall_s for s in self.solves)

    @property
    def deterministic_s(self) -> float:
        return sum(s.deterministic_s for s in self.solves)


def _solve(builder: ModelBuilder, params: SolveParams, time_limit: float, hint: IntArray | None,
           label: str) -> tuple[Any, cp_model.CpSolver, SolveRecord]:
    if hint is not None:
        builder.set_hint(hint)
    solver = cp_model.CpSolver()
    configure(solver, params.engine, time_limit)
    t = time.perf_counter()
    status = solver.solve(builder.model)
    record = SolveRecord(label, solver.status_name(status), time.perf_counter() - t,
                         solver.deterministic_time)
    return status, solver, record


def solve_coverage(builder: ModelBuilder, params: SolveParams, hint: IntArray | None,
                   time_limit: float) -> tuple[IntArray | None, SolveRecord]:
    """Tier 1 as `solver.solve` runs it; fixes it in the model. Returns the solution values."""
    terms = coverage_terms(builder.pairs)
    builder.set_objective(terms.variables, terms.coeffs, terms.offset)
    status, solver, record = _solve(builder, params, time_limit, hint, "coverage")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, record
    builder.add_linear(terms.variables, terms.coeffs, -cp_model.INT_MAX,
                       round(solver.objective_value) - terms.offset)
    return np.asarray(solver.response_proto.solution, dtype=np.int64), record


def _trivial_level(ytd_desc: IntArray, totals_desc: IntArray, k: int) -> tuple[int, int] | None:
    """(z, count) of the next level when the incumbent provably attains it, else None.

    Every total is at least the member's hours year to date, so the sorted totals dominate the
    sorted hours year to date position by position: the (k+1)-th largest total is at least
    lb = ytd_desc[k], and every later position j whose ytd_desc[j] equals lb has a total ≥ lb. If
    the incumbent's (k+1)-th total is lb and exactly those positions sit at lb, both the level's
    value and its count are optimal.
    """
    lb = int(ytd_desc[k])
    if int(totals_desc[k]) != lb:
        return None
    least = int((ytd_desc[k:] == lb).sum())
    if int((totals_desc[k:] == lb).sum()) != least:
        return None
    return lb, least


def leximax(builder: ModelBuilder, params: SolveParams, values: IntArray,
            time_limit: float) -> LeximaxOutcome:
    """Lexicographic min-max of the totals on a model whose coverage tier is already fixed."""
    started = time.perf_counter()
    arrays, pairs = builder.arrays, builder.pairs
    ytd = ytd_minutes(arrays)
    seg = segments(arrays, pairs, max_breakpoints=10**9)  # exact reachable amounts
    members = seg.members
    n = len(members)
    outcome = LeximaxOutcome(proven=False)
    if n == 0:
        outcome.proven, outcome.values = True, values[: builder.n_pairs]
        return outcome
    reach: dict[int, set[int]] = {int(m): set() for m in members}
    for m, lo, length in zip(seg.member.tolist(), seg.lo.tolist(), seg.length.tolist(), strict=True):
        reach[m].update((lo, lo + length))
    max_total = ytd[members] + seg.max_new
    # total variables T_m = ytd + new minutes
    first = builder.n_variables
    for m, hi in zip(members.tolist(), max_total.tolist(), strict=True):
        builder.new_int(int(ytd[m]), hi)
    total_var = np.arange(first, first + n, dtype=np.int64)
    pair_groups = dict(groups(pairs.member))
    for i, m in enumerate(members.tolist()):
        p = pair_groups[m]
        builder.add_linear(np.concatenate([[total_var[i]], p]),
                           np.concatenate([[1], -pairs.minutes[p]]), int(ytd[m]), int(ytd[m]))
    ytd_desc = np.sort(ytd[members])[::-1]
    levels_of: list[list[int]] = [[] for _ in range(n)]  # g variables of each member
    placed = 0
    z_prev = int(max_total.max()) + 1

    def extend(vals: IntArray) -> IntArray:
        out = np.zeros(builder.n_variables, dtype=np.int64)
        out[: len(vals)] = vals
        return out

    vals = extend(values)
    new = np.bincount(pairs.member, weights=vals[: builder.n_pairs] * pairs.minutes,
                      minlength=arrays.n_members).astype(np.int64)
    vals[total_var] = ytd[members] + new[members]
    while placed < n:
        totals = vals[total_var]
        at_level = np.asarray([any(vals[g] for g in gs) for gs in levels_of], dtype=np.bool_)
        totals_desc = np.sort(totals)[::-1]
        trivial = _trivial_level(ytd_desc, totals_desc, placed)
        if trivial is not None:
            z, count = trivial
            cands = [i for i in range(n) if not at_level[i] and ytd[members[i]] <= z <= max_total[i]
                     and (z - int(ytd[members[i]])) in reach[int(members[i])]]
            g_vars = [builder.new_bool() for _ in cands]
            vals = extend(vals)
            for i, g in zip(cands, g_vars, strict=True):
                big = int(max_total[i]) - z + 1
                builder.add_linear([int(total_var[i]), g, *levels_of[i]],
                                   [1, -1, *([-big] * len(levels_of[i]))], -cp_model.INT_MAX, z - 1)
                vals[g] = int(totals[i] == z)
                levels_of[i].append(g)
            builder.add_linear(g_vars, np.ones(len(g_vars), dtype=np.int64), 0, count)
            outcome.trivial_levels += 1
        else:
            lb = int(ytd_desc[placed])
            remaining = time_limit - (time.perf_counter() - started)
            if remaining <= 0:
                break
            z_var = builder.new_int(lb, z_prev - 1)
            rows = [i for i in range(n) if max_total[i] >= lb]
            g_vars = [builder.new_bool() for _ in rows]
            vals = extend(vals)
            z_hint = int(totals[~at_level].max())
            vals[z_var] = z_hint
            for i, g in zip(rows, g_vars, strict=True):
                big = int(max_total[i]) - lb + 1
                builder.add_linear([int(total_var[i]), z_var, g, *levels_of[i]],
                                   [1, -1, -1, *([-big] * len(levels_of[i]))], -cp_model.INT_MAX, -1)
                vals[g] = int(not at_level[i] and totals[i] == z_hint)
                levels_of[i].append(g)
            weight = len(rows) + 1
            builder.set_objective([z_var, *g_vars], [weight] + [1] * len(g_vars))
            status, solver, record = _solve(builder, params, remaining, vals,
                                            f"level {outcome.levels + 1}")
            outcome.solves.append(record)
            if status != cp_model.OPTIMAL:
                break
            vals = np.asarray(solver.response_proto.solution, dtype=np.int64)
            z = int(vals[z_var])
            count = int(vals[g_vars].sum()) if g_vars else 0
            builder.fix(z_var, z)
            builder.add_linear(g_vars, np.ones(len(g_vars), dtype=np.int64), 0, count)
        outcome.levels += 1
        placed += count
        z_prev = z
    outcome.proven = placed >= n
    outcome.placed, outcome.members = placed, n
    outcome.values = vals[: builder.n_pairs]
    return outcome


@dataclass
class Measurement:
    seed: int
    coverage: SolveRecord
    pwl: SolveRecord
    pwl_objective: float
    leximax: LeximaxOutcome
    pwl_pairs: list[tuple[str, str]]
    leximax_pairs: list[tuple[str, str]]


def _pairs_of(builder: ModelBuilder, values: IntArray) -> list[tuple[str, str]]:
    a, pairs = builder.arrays, builder.pairs
    chosen = np.flatnonzero(values[: builder.n_pairs] == 1)
    return [(a.member_ids[int(pairs.member[i])], a.position_ids[int(pairs.position[i])]) for i in chosen]


def _fresh(instance: Instance, params: SolveParams) -> tuple[ModelBuilder, IntArray | None]:
    """The model with every rule but no strategy terms, and the hours strategy's greedy roster."""
    prepared = prepare(instance, dataclasses.replace(params, strategy=Hours.name))
    builder = ModelBuilder(prepared.arrays, prepared.pairs,
                           allow_understaffed=params.allow_understaffed).build()
    if not params.engine.greedy_hint:
        return builder, None
    return builder, greedy_roster(prepared).values


def measure(instance: Instance, params: SolveParams | None = None, seed: int = 0,
            leximax_limit: float = 600.0) -> Measurement:
    """Coverage tier, then (a) the piecewise-linear hours tier, (b) leximax, on fresh models."""
    params = params or SolveParams(strategy="hours", time_limit=600, engine=EngineParams(workers=1, seed=0))
    builder, hint = _fresh(instance, params)
    values, coverage = solve_coverage(builder, params, hint, params.time_limit)
    if values is None:
        raise RuntimeError("coverage tier found no solution")
    seg = segments(builder.arrays, builder.pairs)
    variables = add_segments(builder, seg)
    builder.set_objective(variables, seg.slope)
    full = np.zeros(builder.n_variables, dtype=np.int64)
    full[: len(values)] = values
    _fill_segments(builder, seg, variables, full)
    _, solver, pwl = _solve(builder, params, params.time_limit, full, "pwl")
    pwl_values = np.asarray(solver.response_proto.solution, dtype=np.int64)

    builder2, hint2 = _fresh(instance, params)
    values2, _ = solve_coverage(builder2, params, hint2, params.time_limit)
    assert values2 is not None
    lex = leximax(builder2, params, values2, leximax_limit)
    return Measurement(seed, coverage, pwl, solver.objective_value, lex,
                       _pairs_of(builder, pwl_values),
                       _pairs_of(builder2, lex.values) if lex.values is not None else [])


def _fill_segments(builder: ModelBuilder, seg: Segments, variables: IntArray, values: IntArray) -> None:
    """Complete a hint: each member's new minutes written into their segments in order."""
    pairs = builder.pairs
    new = np.bincount(pairs.member, weights=values[: builder.n_pairs] * pairs.minutes,
                      minlength=builder.arrays.n_members).astype(np.int64)
    for k, (m, length) in enumerate(zip(seg.member.tolist(), seg.length.tolist(), strict=True)):
        take = min(int(new[m]), length)
        values[variables[k]] = take
        new[m] -= take


def main(argv: list[str]) -> None:
    from offduty.benchmarks.scenarios.chiefs_game import generate
    from offduty.models import parse_instance
    from offduty.solver.properties import transfer_violations
    from offduty.solver.verify import verify

    limit = 600.0
    if argv and argv[0].startswith("--limit="):
        limit = float(argv.pop(0).split("=", 1)[1])
    seeds = [int(s) for s in argv] or [1]
    for seed in seeds:
        instance = parse_instance(generate(seed))
        m = measure(instance, leximax_limit=limit)
        lex = m.leximax
        print(f"chiefs-game seed {seed}: coverage {m.coverage.wall_s:.2f} s "
              f"(det {m.coverage.deterministic_s:.2f})")
        print(f"  piecewise-linear: {m.pwl.status} in {m.pwl.wall_s:.2f} s "
              f"(det {m.pwl.deterministic_s:.2f}), objective {m.pwl_objective:.0f}")
        print(f"  leximax: {'proven' if lex.proven else 'NOT proven'} after {len(lex.solves)} solves, "
              f"{lex.levels} levels ({lex.trivial_levels} without a solve), "
              f"{lex.wall_s:.2f} s (det {lex.deterministic_s:.2f}); "
              f"{lex.placed} of {lex.members} members placed; median solve "
              f"{np.median([s.wall_s for s in lex.solves]) if lex.solves else 0:.2f} s")
        for name, pairs in (("pwl", m.pwl_pairs), ("leximax", m.leximax_pairs)):
            bad = verify(instance, pairs)
            tv = transfer_violations(instance, pairs) if not bad else []
            print(f"  {name}: {len(pairs)} assignments, {len(bad)} rule violations, "
                  f"{len(tv)} transfer violations")


if __name__ == "__main__":
    main(sys.argv[1:])
