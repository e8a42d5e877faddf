"""`solve(instance, params) -> Result`: prepare, greedy roster, build, solve the tiers, report.

Anytime: the greedy list roster exists before the model is built. When it keeps every rule it
is the first solution, the hint, and the answer if the time limit or a stop arrives before
CP-SAT finds better. The time limit covers everything from the call on (preparation, greedy,
build, every tier).

Honest figures: each tier reports the returned roster's value on that tier and the bound that
was proven for it (none when the tier was not solved); the headline gap is the worst tier's, and
None ("not proven") when some tier has no bound. A tier never shows 0 % without a proof.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from offduty.distribution.hours import MAX_BREAKPOINTS, model_segments, ytd_minutes
from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus, TierOut
from offduty.solver.explain import explain_infeasible, obvious_infeasibility
from offduty.solver.greedy import GreedyRoster, acceptable, greedy_roster
from offduty.solver.lns import Objective, SegmentTrim, WindowOutcome, WindowSearch, day_windows
from offduty.solver.neighbourhood import narrow
from offduty.solver.params import Progress, SolveParams, configure, relative_gap
from offduty.solver.prepare import Prepared, prepare
from offduty.solver.result import Result
from offduty.solver.roster import shortages_out
from offduty.solver.tiers import Tier, coverage_lower_bound, coverage_terms

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]
#: CP-SAT's bounds carry floating-point noise (1.0000000000000004); objectives are integers.
BOUND_TOLERANCE = 1e-6
#: The share of the `hours` tier's time given to member neighbourhoods after the windows.
MEMBER_SHARE = 0.1
#: Up to this many pairs the `hours` tier ends with the whole-model pass, which proves small
#: models (the Timefold peer's traps); the royals homestand (14.8k pairs) is not proven in 60 s
#: either way, kc-week (64k) does better without it.
HOURS_WHOLE_MODEL_PAIRS = 10_000


@dataclass(frozen=True)
class _TierOutcome:
    status: SolveStatus  # optimal, feasible (a solution), infeasible or unknown (none)
    bound: float | None
    values: np.ndarray | None
    solve_s: float


def solve(instance: Instance, params: SolveParams | None = None, *,
          progress: ProgressCallback | None = None, stop: threading.Event | None = None) -> Result:
    """Fill the instance's positions. "No solution" is a status of the Result, not an exception.

    `progress` is called with every improving solution and bound; setting `stop` ends the search
    and returns the best roster found so far. With `params.resolve` the instance's assignments are
    a published roster to re-solve (tiers in `solver.tiers`). Raises ValueError for an unknown
    strategy."""
    return _Solve(narrow(prepare(instance, params or SolveParams())), progress, stop).run()


class _Solve:
    def __init__(self, prepared: Prepared, progress: ProgressCallback | None,
                 stop: threading.Event | None) -> None:
        self.prepared, self.progress, self.stop = prepared, progress, stop
        self.explanation: list[str] = []
        self.solve_s = 0.0
        self.greedy_s = 0.0
        #: CP-SAT workers of the whole-model pass (more once the windows are done)
        self.workers = prepared.params.engine.workers

    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def run(self) -> Result:
        p = self.prepared
        conflicts = p.conflicts()
        if conflicts:
            return self.no_solution(SolveStatus.INFEASIBLE, conflicts)
        greedy = self.greedy() if p.params.engine.greedy_hint else None
        fallback = greedy if greedy is not None and self.acceptable(greedy) else None
        if p.remaining() <= 0 or self.stopped():
            return self.give_up("before the model was built", fallback)
        model = p.model
        reasons = obvious_infeasibility(p)
        if reasons:
            return self.no_solution(SolveStatus.INFEASIBLE, reasons)
        hint = model.cpsat.complete(greedy.values) if greedy is not None else None
        best: np.ndarray | None = None  # the values of the last tier solved
        outcomes: list[_TierOutcome] = []
        for index, tier in enumerate(model.tiers):
            if p.remaining() <= 0 or self.stopped():
                self.explanation.append(f"tier {tier.name!r} not run: " + self.why_stopped())
                break
            outcome = self.shortcut(tier, index, hint, fallback is not None or index > 0)
            if outcome is None and index > 0 and hint is not None:
                outcome, hint = self.by_windows(tier, index, hint)
            if outcome is None:
                if hint is not None:
                    model.cpsat.set_hint(hint)
                outcome = self.run_tier(tier, index)
            self.solve_s += outcome.solve_s
            outcomes.append(outcome)
            log.debug("tier %s: %s, bound %s, %.3f s", tier.name, outcome.status.value, outcome.bound,
                      outcome.solve_s)
            if outcome.values is None:
                if index == 0 and outcome.status == SolveStatus.INFEASIBLE:
                    return self.no_solution(SolveStatus.INFEASIBLE, explain_infeasible(p))
                self.explanation.append(f"tier {tier.name!r} found no solution in the time left")
                break
            hint = best = outcome.values
            self.fix(tier, best)
        if best is None:
            return self.give_up("before CP-SAT found a roster", fallback)
        return self.result(best, outcomes)

    # --- steps ------------------------------------------------------------------------------

    def greedy(self) -> GreedyRoster:
        t = time.perf_counter()
        greedy = greedy_roster(self.prepared)
        self.greedy_s = time.perf_counter() - t
        if self.progress is not None and greedy.valid:
            coverage = Tier("coverage", coverage_terms(self.prepared.pairs))
            objective = float(coverage.value(greedy.values))
            bound = float(coverage_lower_bound(self.prepared.pairs))
            self.progress(Progress("coverage", 0, objective, bound, relative_gap(objective, bound),
                                   self.prepared.elapsed(), 1))
        return greedy

    def acceptable(self, greedy: GreedyRoster) -> bool:
        return acceptable(self.prepared, greedy)

    def shortcut(self, tier: Tier, index: int, hint: np.ndarray | None,
                 feasible: bool) -> _TierOutcome | None:
        """A tier is proven without CP-SAT when a feasible roster in hand (the greedy one for tier
        1, the previous tier's after) reaches the tier's counting bound, every earlier tier being
        at its own (tier 1: only the slots no eligible member exists for are left unfilled)."""
        bound = tier.lower_bound
        if bound is None or hint is None or not feasible or tier.value(hint) != bound:
            return None
        if not at_lower_bounds(self.prepared.model.tiers[:index], hint):
            return None
        if tier.tighten is not None:
            tier.tighten(self.prepared.model.cpsat)
        if self.progress is not None:
            self.progress(Progress(tier.name, index, float(bound), float(bound), 0.0,
                                   self.prepared.elapsed(), 1))
        return _TierOutcome(SolveStatus.OPTIMAL, float(bound), hint, 0.0)

    def by_windows(self, tier: Tier, index: int, hint: np.ndarray) -> tuple[_TierOutcome | None, np.ndarray]:
        """Search the tier day window by window from the hint (`solver.lns`). Small models then go
        on to the whole-model pass with the improved hint (its outcome is None here); large ones
        and the `hours` tier end here, with the bound `WindowSearch.bound` proved, if any."""
        p = self.prepared
        engine = p.params.engine
        windows = day_windows(p.arrays.shift_start, p.arrays.shift_end, p.pairs.shift)
        # a re-solve narrowed to its neighbourhood is small: the whole-model pass proves its tier
        # directly (kc-month after a weekend's cancellations: 5.3 s with the windows, 2.1 s without)
        narrowed = p.whole is not None
        if not engine.window_search or engine.ortools_defaults or narrowed or len(np.unique(windows)) < 2:
            return None, hint
        # a penalty of each member's total hours: windows with the bound beside them, then member
        # neighbourhoods, and a whole-model pass only on small models: on kc-week that pass left
        # the roster at 808 M with a bound of 523 M, where the LP proves 739 M
        by_members = not separable_terms(tier, len(p.pairs)) and tier.name == "hours"
        whole_model = len(p.pairs) <= (HOURS_WHOLE_MODEL_PAIRS if by_members else engine.window_only_pairs)
        started = time.perf_counter()
        budget = p.remaining() * (engine.window_share if whole_model else 1.0)
        limit = [budget * (1.0 - MEMBER_SHARE) if by_members else budget]
        cpsat = p.model.cpsat
        lower, upper = cpsat.bounds()
        terms = tier.terms
        separable = separable_terms(tier, len(p.pairs))
        proof = engine.bound_seconds if separable and not whole_model else 0.0
        count = [0]

        def report(objective: int, bound: float | None) -> None:
            count[0] += 1
            if self.progress is not None:
                self.progress(Progress(tier.name, index, float(objective), bound,
                                       relative_gap(objective, bound), p.elapsed(), count[0]))

        def configure_sub(solver: cp_model.CpSolver, seconds: float) -> None:
            configure(solver, engine, min(seconds, p.remaining()))

        search = WindowSearch(cpsat.rows(), lower, upper, Objective(terms.variables, terms.coeffs).dense(
            cpsat.n_variables), terms.offset, len(p.pairs), windows, separable, configure_sub,
            lambda: limit[0] - (time.perf_counter() - started), self.stopped, report,
            trim=self.hours_trim(tier, upper) if by_members else None, proof_seconds=engine.bound_seconds)
        if by_members:
            found = self.hours_search(search, hint, budget, limit)
        elif proof > 0:
            found = self.proof_search(search, hint, budget, limit)
        else:
            found = search.run(hint, prove=True, first_pass_only=whole_model)
        solve_s = time.perf_counter() - started
        log.info("tier %s by windows: %d rounds, %s -> %s, bound %s, %.1f s", tier.name, found.rounds,
                 tier.value(hint), found.objective, found.bound, solve_s)
        if whole_model:
            self.solve_s += solve_s
            self.hold_by_reduced_costs(search, found.values)
            self.workers = max(engine.workers, engine.proof_workers)
            return None, found.values
        if found.bound is not None and found.bound >= found.objective:
            return _TierOutcome(SolveStatus.OPTIMAL, found.bound, found.values, solve_s), found.values
        return _TierOutcome(SolveStatus.FEASIBLE, found.bound, found.values, solve_s), found.values

    def hold_by_reduced_costs(self, search: WindowSearch, incumbent: np.ndarray) -> None:
        """Before the whole-model pass, hold the pairs that the windows' LP bound shows no roster
        as good as the incumbent can move (`WindowSearch.reduced_cost_fixing`): the pass then
        proves the tier over the others. Valid for every later tier too: those keep this tier
        at its optimum, no worse than the incumbent."""
        variables, values = search.reduced_cost_fixing(incumbent)
        self.prepared.model.cpsat.fix_all(variables, values)
        log.info("reduced-cost fixing held %d of %d pairs", len(variables), len(self.prepared.pairs))

    def hours_search(self, search: WindowSearch, hint: np.ndarray, budget: float,
                     limit: list[float]) -> WindowOutcome:
        """The `hours` tier: relaxation-induced neighbourhoods over spans of days with the bound
        beside them, then member neighbourhoods (`MEMBER_SHARE` of the time). `limit[0]` is the
        search's deadline; the windows' is set by the caller."""
        p = self.prepared
        windows = search.run(hint, prove=True)
        limit[0] = budget
        # a roster published as the windows ended (the month's RENS) is taken now
        values = search.follow(windows.values)
        members = search.by_members(values, p.pairs.member, p.pairs.position, p.pairs.minutes,
                                    ytd_minutes(p.arrays))
        log.info("tier hours: bound %s, %d rounds by windows (%s), %d by member blocks (%s)", windows.bound,
                 windows.rounds, windows.objective, members.rounds, members.objective)
        rounds = windows.rounds + members.rounds
        return WindowOutcome(members.values, members.objective, windows.bound, rounds)

    def proof_search(self, search: WindowSearch, hint: np.ndarray, budget: float,
                     limit: list[float]) -> WindowOutcome:
        """A separable tier with `EngineParams.bound_seconds` (the benchmarks' best-known
        bounds): the windows, then CP-SAT on each relaxed span from their roster, on the whole
        machine (`WindowSearch.span_bound`), which gets the last seconds of the budget."""
        limit[0] = budget - search.proof_seconds * search.n_bound_spans
        found = search.run(hint, prove=True)
        limit[0] = budget
        spans = search.span_bound(found.values)
        if spans is None or (found.bound is not None and found.bound >= spans):
            return found
        return replace(found, bound=spans)

    def hours_trim(self, tier: Tier, upper: np.ndarray) -> SegmentTrim | None:
        """The `hours` tier's segment trim (`solver.lns.SegmentTrim`), when the tier's variables
        are the strategy's segments as `distribution.hours.model_segments` makes them."""
        p = self.prepared
        seg = model_segments(p.model.cpsat, getattr(p.strategy, "max_breakpoints", MAX_BREAKPOINTS))
        variables = tier.terms.variables
        if len(variables) != len(seg.member) or not np.array_equal(upper[variables], seg.length):
            return None
        return SegmentTrim(len(p.pairs), p.pairs.member, p.pairs.minutes, variables, seg.member, seg.lo,
                           seg.length)

    def run_tier(self, tier: Tier, index: int) -> _TierOutcome:
        p = self.prepared
        cpsat = p.model.cpsat
        cpsat.set_objective(tier.terms.variables, tier.terms.coeffs, tier.terms.offset)
        solver = cp_model.CpSolver()
        configure(solver, replace(p.params.engine, workers=self.workers), p.remaining())
        reporter = _Reporter(tier.name, index, p, self.progress, self.stop)
        if self.progress is not None:
            solver.best_bound_callback = reporter.on_bound
        t = time.perf_counter()
        with _StopWatcher(solver, self.stop):
            status = solver.solve(cpsat.model, reporter)
        solve_s = time.perf_counter() - t
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"offduty built an invalid CP-SAT model: {cpsat.model.validate()}")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            infeasible = status == cp_model.INFEASIBLE
            return _TierOutcome(SolveStatus.INFEASIBLE if infeasible else SolveStatus.UNKNOWN, None, None,
                                solve_s)
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)
        # integer coefficients and offset: the objective is an integer, the bound rounds up to one
        objective = float(round(solver.objective_value))
        bound = float(math.ceil(solver.best_objective_bound - BOUND_TOLERANCE))
        if self.progress is not None:
            self.progress(Progress(tier.name, index, objective, bound, relative_gap(objective, bound),
                                   p.elapsed(), reporter.count))
        st = SolveStatus.OPTIMAL if status == cp_model.OPTIMAL else SolveStatus.FEASIBLE
        return _TierOutcome(st, bound, values, solve_s)

    def fix(self, tier: Tier, values: np.ndarray) -> None:
        """Keep this tier at least as good as its solution while the next tiers are solved."""
        t = tier.terms
        self.prepared.model.cpsat.add_linear(t.variables, t.coeffs, -cp_model.INT_MAX,
                                             tier.value(values) - t.offset)

    def why_stopped(self) -> str:
        if self.stopped():
            return "stopped by request"
        return f"time limit of {self.prepared.params.time_limit:g} s reached"

    # --- results ----------------------------------------------------------------------------

    def timings(self) -> dict[str, float]:
        p = self.prepared
        return {"build_s": round(p.build_s, 4), "greedy_s": round(self.greedy_s, 4),
                "solve_s": round(self.solve_s, 4), "total_s": round(p.elapsed(), 4)}

    def no_solution(self, status: SolveStatus, explanation: list[str]) -> Result:
        p = self.prepared
        return Result.no_solution(status, p.params.strategy, p.params.candidates,
                                  explanation=self.explanation + explanation, timings=self.timings())

    def give_up(self, when: str, fallback: GreedyRoster | None) -> Result:
        """Out of time (or stopped) before CP-SAT had a roster: the greedy roster, or none."""
        why = self.why_stopped()
        if fallback is None:
            return self.no_solution(SolveStatus.UNKNOWN, [f"no roster: {why} {when}"])
        self.explanation.append(f"{why} {when}: the greedy list roster is returned, not optimized")
        log.info("%s %s: returning the greedy list roster", why, when)
        p = self.prepared
        return self.result(p.model.cpsat.complete(fallback.values) if p.model_built else fallback.values, [])

    def result(self, values: np.ndarray, outcomes: list[_TierOutcome]) -> Result:
        p = self.prepared
        coverage = Tier("coverage", coverage_terms(p.pairs), coverage_lower_bound(p.pairs))
        tiers = p.model.tiers if p.model_built else (coverage,)
        tier_outs = [self.tier_out(i, tier, values, outcomes[i] if i < len(outcomes) else None)
                     for i, tier in enumerate(tiers)]
        if not p.model_built:  # the strategy's terms were never built: its value is unknown
            tier_outs.append(TierOut(name=p.params.strategy, status=SolveStatus.UNKNOWN.value,
                                     objective=None, bound=None, gap=None, solve_s=0.0))
        gaps = [t.gap for t in tier_outs]
        proven = all(t.status == SolveStatus.OPTIMAL.value for t in tier_outs)
        chosen = np.flatnonzero(values[: len(p.pairs)] == 1)
        return Result.model_validate({
            "status": SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
            "strategy": p.params.strategy,
            "candidates": p.params.candidates,
            "objective": [t.objective for t in tier_outs],
            "bound": [t.bound for t in tier_outs],
            "gap": None if any(g is None for g in gaps) else max(g for g in gaps if g is not None),
            "timings": self.timings(),
            **p.roster_parts(chosen),
            "tiers": tier_outs,
            "shortages": (shortages_out(p.arrays, p.pairs.position[chosen])
                          if p.params.allow_understaffed else []),
            "explanation": self.explanation,
        })

    def tier_out(self, index: int, tier: Tier, values: np.ndarray,
                 outcome: _TierOutcome | None) -> TierOut:
        """The roster's value on the tier and the best bound proven for it."""
        objective = float(tier.value(values))
        bound = outcome.bound if outcome is not None else None
        tiers = self.prepared.model.tiers if self.prepared.model_built else (tier,)
        if tier.lower_bound is not None and at_lower_bounds(tiers[:index], values):
            # a counting bound holds whatever happened (tier 1's: the unavoidable unfilled weight)
            bound = float(tier.lower_bound) if bound is None else max(bound, float(tier.lower_bound))
        gap = relative_gap(objective, bound)
        if gap is not None and gap <= 0:
            status = SolveStatus.OPTIMAL
        elif outcome is not None and outcome.values is not None:
            status = SolveStatus.FEASIBLE
        else:
            status = SolveStatus.UNKNOWN
        return TierOut(name=tier.name, status=status.value, objective=objective, bound=bound, gap=gap,
                       solve_s=round(outcome.solve_s if outcome is not None else 0.0, 4))


def separable_terms(tier: Tier, n_pairs: int) -> bool:
    """Does the tier's objective weigh pairs only (no auxiliary variable: it splits by window)?"""
    return bool((tier.terms.variables < n_pairs).all())


def at_lower_bounds(tiers: tuple[Tier, ...], values: np.ndarray) -> bool:
    """Is the roster `values` at the counting bound of each of `tiers`?"""
    return all(t.lower_bound is not None and t.value(values) == t.lower_bound for t in tiers)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards improving solutions to the progress callback; honours the stop signal."""

    def __init__(self, tier: str, tier_index: int, prepared: Prepared,
                 progress: ProgressCallback | None, stop: threading.Event | None) -> None:
        super().__init__()
        self.tier, self.tier_index, self.prepared = tier, tier_index, prepared
        self.progress, self.stop = progress, stop
        self.count = 0
        self.objective: float | None = None

    def on_solution_callback(self) -> None:
        self.count += 1
        if self.stop is not None and self.stop.is_set():
            self.stop_search()
        if self.progress is not None:
            obj, bound = self.objective_value, self.best_objective_bound
            self.objective = obj
            self.progress(Progress(self.tier, self.tier_index, obj, bound, relative_gap(obj, bound),
                                   self.prepared.elapsed(), self.count))

    def on_bound(self, bound: float) -> None:
        """A better bound without a better solution (the proof progressing)."""
        if self.progress is not None and self.objective is not None:
            self.progress(Progress(self.tier, self.tier_index, self.objective, bound,
                                   relative_gap(self.objective, bound), self.prepared.elapsed(), self.count))


class _StopWatcher:
    """Stops a running CP-SAT search soon after `stop` is set, even between solutions."""

    def __init__(self, solver: cp_model.CpSolver, stop: threading.Event | None) -> None:
        self.solver, self.stop = solver, stop
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _StopWatcher:
        if self.stop is not None:
            self.thread = threading.Thread(target=self._watch, daemon=True)
            self.thread.start()
        return self

    def _watch(self) -> None:
        assert self.stop is not None
        while not self.done.wait(0.05):
            if self.stop.is_set():
                self.solver.stop_search()
                return

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()
