"""`solve(instance, params) -> Result`: build the model, solve it tier by tier, explain.

Tiers (all minimized; CP-SAT has no lexicographic objective, so each tier is solved, then fixed
at its value with the whole solution as the next tier's hint):
1. coverage: the priority-weighted number of unfilled slots;
2. the distribution strategy's terms;
3. only when the instance carries a current roster: the number of its assignments not kept.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from offduty.constraints.eligibility import Eligibility, compute_eligibility
from offduty.distribution.base import Terms
from offduty.distribution.metrics import solution_metrics
from offduty.distribution.registry import get_strategy
from offduty.models.arrays import MINUTES_PER_HOUR, InstanceArrays, IntArray, from_minutes
from offduty.models.instance import Instance
from offduty.models.solution import AssignmentOut, ShortageOut, SolveStatus, TierOut, UnfilledOut
from offduty.solver.builder import ModelBuilder
from offduty.solver.params import Progress, SolveParams, configure, relative_gap
from offduty.solver.result import Result

ProgressCallback = Callable[[Progress], None]
#: CP-SAT's bounds carry floating-point noise (1.0000000000000004); objectives are integers.
BOUND_TOLERANCE = 1e-6


@dataclass
class _Tier:
    name: str
    terms: Terms


@dataclass
class _TierOutcome:
    status: SolveStatus
    objective: float | None
    bound: float | None
    values: IntArray | None
    solve_s: float


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards improving solutions to the progress callback; honours the stop signal."""

    def __init__(self, tier: str, tier_index: int, started: float,
                 progress: ProgressCallback | None, stop: threading.Event | None) -> None:
        super().__init__()
        self.tier, self.tier_index, self.started = tier, tier_index, started
        self.progress, self.stop = progress, stop
        self.count = 0

    def on_solution_callback(self) -> None:
        self.count += 1
        if self.stop is not None and self.stop.is_set():
            self.stop_search()
        if self.progress is not None:
            obj, bound = self.objective_value, self.best_objective_bound
            self.progress(Progress(self.tier, self.tier_index, obj, bound, relative_gap(obj, bound),
                                   time.perf_counter() - self.started, self.count))


def _run_tier(builder: ModelBuilder, tier: _Tier, index: int, params: SolveParams, time_limit: float,
              started: float, progress: ProgressCallback | None,
              stop: threading.Event | None) -> _TierOutcome:
    builder.set_objective(tier.terms.variables, tier.terms.coeffs, tier.terms.offset)
    solver = cp_model.CpSolver()
    configure(solver, params, time_limit)
    reporter = _Reporter(tier.name, index, started, progress, stop)
    done = threading.Event()
    watcher = None
    if stop is not None:
        def watch() -> None:
            while not done.wait(0.05):
                if stop.is_set():
                    solver.stop_search()
                    return
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    t = time.perf_counter()
    status = solver.solve(builder.model, reporter)
    solve_s = time.perf_counter() - t
    done.set()
    if watcher is not None:
        watcher.join()
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"offduty built an invalid CP-SAT model: {builder.model.validate()}")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)
        # integer coefficients and offset: the objective is an integer, the bound rounds up to one
        obj = float(round(solver.objective_value))
        bound = float(math.ceil(solver.best_objective_bound - BOUND_TOLERANCE))
        if progress is not None:
            progress(Progress(tier.name, index, obj, bound, relative_gap(obj, bound),
                              time.perf_counter() - started, reporter.count))
        st = SolveStatus.OPTIMAL if status == cp_model.OPTIMAL else SolveStatus.FEASIBLE
        return _TierOutcome(st, obj, bound, values, solve_s)
    st = SolveStatus.INFEASIBLE if status == cp_model.INFEASIBLE else SolveStatus.UNKNOWN
    return _TierOutcome(st, None, None, None, solve_s)


def coverage_terms(builder: ModelBuilder) -> Terms:
    """Priority-weighted unfilled slots: sum(priority * count) - sum(priority * x)."""
    a = builder.arrays
    priority = a.position_priority[builder.pairs.position]
    offset = int((a.position_priority * a.position_count).sum())
    return Terms(builder.pair_vars, -priority, offset)


def coverage_lower_bound(builder: ModelBuilder) -> int:
    """Unfilled weight no roster can avoid: slots beyond a position's eligible members."""
    a = builder.arrays
    eligible = np.bincount(builder.pairs.position, minlength=a.n_positions)
    return int((a.position_priority * np.maximum(0, a.position_count - eligible)).sum())


def _fix_each_position_full(builder: ModelBuilder) -> None:
    """At the unavoidable bound every position holds min(count, eligible) members. One equality
    per position says so far more tightly than the one aggregated tier row (kc-week: gap at 60 s
    1.65 % → 0.87 %)."""
    count = builder.arrays.position_count
    for position, idx in builder.groups(builder.pairs.position):
        filled = min(int(count[position]), len(idx))
        builder.add_linear(idx, np.ones(len(idx), dtype=np.int64), filled, filled)


def changes_terms(builder: ModelBuilder) -> Terms | None:
    """Assignments of the current roster (not locked) that the new roster drops."""
    a = builder.arrays
    previous = ~a.assignment_locked
    if not previous.any():
        return None
    idx = builder.pair_indices(a.assignment_member[previous], a.assignment_position[previous])
    kept = idx[idx >= 0]
    return Terms(kept, -np.ones(len(kept), dtype=np.int64), int(previous.sum()))


def solve(instance: Instance, params: SolveParams | None = None, *,
          progress: ProgressCallback | None = None, stop: threading.Event | None = None) -> Result:
    """Fill the instance's positions. "No solution" is a status of the Result, not an exception."""
    params = params or SolveParams()
    started = time.perf_counter()
    strategy = get_strategy(params.strategy)
    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, params.candidates)
    builder = ModelBuilder(arrays, eligibility, allow_understaffed=params.allow_understaffed).build()
    tiers = [_Tier("coverage", coverage_terms(builder)),
             _Tier(params.strategy, strategy.terms(builder))]
    changes = changes_terms(builder)
    if changes is not None:
        tiers.append(_Tier("changes", changes))
    build_s = time.perf_counter() - started
    common = {"strategy": params.strategy, "candidates": params.candidates}

    def timings(solve_s: float) -> dict[str, float]:
        return {"build_s": round(build_s, 4), "solve_s": round(solve_s, 4),
                "total_s": round(time.perf_counter() - started, 4)}

    from offduty.solver.explain import explain_infeasible, obvious_infeasibility

    reasons = list(builder.conflicts) or obvious_infeasibility(builder)
    if reasons:
        return Result.no_solution(SolveStatus.INFEASIBLE, explanation=reasons, timings=timings(0.0),
                                  **common)

    hint: IntArray | None = None
    hint_valid = False
    if params.greedy_hint:
        from offduty.solver.greedy import greedy_values

        greedy = greedy_values(builder, strategy)
        hint = builder.complete(greedy.values)
        # the greedy list does not plan for staffing floors: a hint that misses one is no proof
        hint_valid = greedy.valid and (params.allow_understaffed or not shortages_out(builder, hint))
    outcomes: list[_TierOutcome] = []
    values: IntArray | None = None
    solve_s = 0.0
    explanation: list[str] = []
    for index, tier in enumerate(tiers):
        remaining = params.time_limit - (time.perf_counter() - started)
        if hint is not None:
            builder.set_hint(hint)
        if remaining <= 0 or (stop is not None and stop.is_set()):
            explanation.append(f"tier {tier.name!r} not run: "
                               + ("stopped by request" if remaining > 0 else "time limit reached"))
            break
        unavoidable = coverage_lower_bound(builder) if index == 0 else None
        if (unavoidable is not None and hint_valid and hint is not None
                and _value(tier.terms, hint) == unavoidable):
            # the greedy list leaves unfilled only slots no eligible member exists for: optimal
            bound = float(unavoidable)
            outcome = _TierOutcome(SolveStatus.OPTIMAL, bound, bound, hint, 0.0)
            _fix_each_position_full(builder)
            if progress is not None:
                progress(Progress(tier.name, index, bound, bound, 0.0, time.perf_counter() - started, 1))
        else:
            outcome = _run_tier(builder, tier, index, params, remaining, started, progress, stop)
        solve_s += outcome.solve_s
        if outcome.values is None:
            if index == 0:
                status = outcome.status
                if status == SolveStatus.INFEASIBLE:
                    explanation = explain_infeasible(builder, params)
                else:
                    explanation = [f"no solution found within {params.time_limit:g} s"]
                return Result.no_solution(status, explanation=explanation, timings=timings(solve_s),
                                          tiers=[_tier_out(tier, outcome)], **common)
            explanation.append(f"tier {tier.name!r} found no solution in the time left")
            outcomes.append(outcome)
            break
        outcomes.append(outcome)
        values = outcome.values
        hint = values
        # fix this tier at its value before the next one
        assert outcome.objective is not None
        builder.add_linear(tier.terms.variables, tier.terms.coeffs, -cp_model.INT_MAX,
                           int(outcome.objective) - tier.terms.offset)
    if values is None:  # stopped, or the time went on building, before any tier ran
        return Result.no_solution(SolveStatus.UNKNOWN, explanation=explanation, timings=timings(solve_s),
                                  **common)
    proven = len(outcomes) == len(tiers) and all(o.status == SolveStatus.OPTIMAL for o in outcomes)
    chosen = np.flatnonzero(values[: builder.n_pairs] == 1)
    tier_outs = [_tier_out(t, o) for t, o in zip(tiers, outcomes, strict=False)]
    gaps = [t.gap for t in tier_outs if t.gap is not None]
    return Result.model_validate({
        "status": SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        **common,
        "objective": [t.objective for t in tier_outs],
        "bound": [t.bound for t in tier_outs],
        "gap": max(gaps) if gaps else None,
        "timings": timings(solve_s),
        "assignments": assignments_out(arrays, builder.pairs.member[chosen], builder.pairs.position[chosen]),
        "unfilled": unfilled_out(arrays, eligibility, builder.pairs.position[chosen]),
        "metrics": solution_metrics(arrays, eligibility, builder.pairs.member[chosen],
                                    builder.pairs.position[chosen]),
        "tiers": tier_outs,
        "shortages": shortages_out(builder, values) if params.allow_understaffed else [],
        "explanation": explanation,
    })


def _value(terms: Terms, values: IntArray) -> int:
    return int((terms.coeffs * values[terms.variables]).sum()) + terms.offset


def _tier_out(tier: _Tier, outcome: _TierOutcome) -> TierOut:
    return TierOut(name=tier.name, status=outcome.status.value, objective=outcome.objective,
                   bound=outcome.bound, gap=relative_gap(outcome.objective, outcome.bound),
                   solve_s=round(outcome.solve_s, 4))


def assignments_out(arrays: InstanceArrays, member: IntArray, position: IntArray) -> list[AssignmentOut]:
    locked = set(zip(arrays.assignment_member[arrays.assignment_locked].tolist(),
                     arrays.assignment_position[arrays.assignment_locked].tolist(), strict=True))
    out = []
    for m, p in sorted(zip(member.tolist(), position.tolist(), strict=True),
                       key=lambda mp: (int(arrays.position_start[mp[1]]), mp[1], mp[0])):
        shift = int(arrays.position_shift[p])
        out.append(AssignmentOut(
            member=arrays.member_ids[m], position=arrays.position_ids[p],
            shift=arrays.shift_ids[shift], event=arrays.event_ids[int(arrays.shift_event[shift])],
            start=from_minutes(int(arrays.shift_start[shift]), arrays.tz).isoformat(),
            end=from_minutes(int(arrays.shift_end[shift]), arrays.tz).isoformat(),
            hours=round(float(arrays.position_minutes[p]) / MINUTES_PER_HOUR, 4),
            pay_rate=float(arrays.position_pay_rate[p]),
            locked=(m, p) in locked,
        ))
    return out


def unfilled_out(arrays: InstanceArrays, eligibility: Eligibility, position: IntArray) -> list[UnfilledOut]:
    filled = np.bincount(position, minlength=arrays.n_positions)
    eligible = np.bincount(eligibility.pairs.position, minlength=arrays.n_positions)
    out = []
    for p in np.flatnonzero(filled < arrays.position_count).tolist():
        out.append(UnfilledOut(position=arrays.position_ids[p],
                               missing=int(arrays.position_count[p] - filled[p]),
                               eligible=int(eligible[p]), reasons=eligibility.counts_by_reason(p)))
    return out


def shortages_out(builder: ModelBuilder, values: IntArray) -> list[ShortageOut]:
    a = builder.arrays
    out = []
    for row in builder.floor_rows:
        achieved = int(values[row.pairs].sum()) if len(row.pairs) else 0
        if achieved < row.floor:
            out.append(ShortageOut(event=a.event_ids[row.event], floor=row.floor, achieved=achieved,
                                   start=from_minutes(row.start, a.tz).isoformat(),
                                   end=from_minutes(row.end, a.tz).isoformat()))
    return out
