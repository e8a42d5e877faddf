"""Tests of `solver.lns`: neighbourhoods cut from the model's rows, the day-window search and its
bound. Rosters are checked with the independent verifier (`solver.verify`), never by re-reading
the model; bounds against the whole model's proven optimum.

The instance is the royals-homestand scenario (six evening games in seven days, 14.8k pairs,
taverns and staffing floors included): several day windows, small enough to prove optimal.
"""

from __future__ import annotations

import math
import threading
import time
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
from ortools.sat.python import cp_model

from offduty.benchmarks.scenarios import generate
from offduty.distribution.hours import segments, ytd_minutes
from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.solver import lns
from offduty.solver.builder import CpSatModel
from offduty.solver.greedy import greedy_roster
from offduty.solver.lns import (
    Objective,
    SegmentTrim,
    WindowSearch,
    close_over_rows,
    day_windows,
    sub_model,
)
from offduty.solver.lp import lp_solve
from offduty.solver.params import EngineParams, SolveParams, configure
from offduty.solver.prepare import Prepared, prepare
from offduty.solver.solve import solve
from offduty.solver.verify import verify

ENGINE = EngineParams(workers=1, seed=0)


@cache
def homestand() -> Instance:
    return parse_instance(generate("royals-homestand", 1))


def _model(strategy: str = "seniority") -> tuple[Prepared, CpSatModel, np.ndarray, np.ndarray]:
    """The prepared instance, its model with tier 1 at its (trivial) optimum, the dense
    tier-2 objective and the greedy roster completed."""
    p = prepare(homestand(), SolveParams(strategy=strategy, engine=ENGINE))
    cpsat = p.model.cpsat
    pairs, count = p.pairs, p.arrays.position_count
    eligible = np.bincount(pairs.position, minlength=len(count))
    order = np.argsort(pairs.position, kind="stable")
    starts = np.r_[0, np.cumsum(eligible)]
    some = np.flatnonzero(eligible > 0)
    filled = np.minimum(count[some], eligible[some])
    cpsat.add_linears(order, np.ones(len(order), dtype=np.int64), np.r_[starts[some], len(order)],
                      filled, filled)
    terms = p.model.tiers[1].terms
    objective = Objective(terms.variables, terms.coeffs).dense(cpsat.n_variables)
    return p, cpsat, objective, cpsat.complete(greedy_roster(p).values)


def _roster(p: Prepared, values: np.ndarray) -> list[tuple[str, str]]:
    a = p.arrays
    chosen = np.flatnonzero(values[: len(p.pairs)] == 1)
    return [(a.member_ids[m], a.position_ids[q]) for m, q in
            zip(p.pairs.member[chosen].tolist(), p.pairs.position[chosen].tolist(), strict=True)]


def _search(cpsat: CpSatModel, p: Prepared, objective: np.ndarray, seconds: float,
            stopped: threading.Event | None = None) -> WindowSearch:
    rows = cpsat.rows()
    lower, upper = cpsat.bounds()
    windows = day_windows(p.arrays.shift_start, p.arrays.shift_end, p.pairs.shift)
    budget = [seconds]
    return WindowSearch(rows, lower, upper, objective, 0, len(p.pairs), windows, True,
                        lambda s, sec: configure(s, ENGINE, sec), lambda: budget[0],
                        (stopped.is_set if stopped is not None else lambda: False), lambda o, b: None)


def test_day_windows_cut_where_fewest_shifts_run() -> None:
    """Six evening games in seven days: six windows, no shift cut by a window's edge."""
    p, _, _, _ = _model()
    windows = day_windows(p.arrays.shift_start, p.arrays.shift_end, p.pairs.shift)
    assert len(np.unique(windows)) == 6  # six game days
    by_shift = {}
    for shift, window in zip(p.pairs.shift.tolist(), windows.tolist(), strict=True):
        assert by_shift.setdefault(shift, window) == window


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_neighbourhood_solution_is_a_verified_roster(seed: int) -> None:
    """A random neighbourhood (tavern shifts and floors included) solved with the rest fixed at
    the greedy roster gives a roster of the whole instance that keeps every rule, no worse."""
    p, cpsat, objective, incumbent = _model()
    rows = cpsat.rows()
    lower, upper = cpsat.bounds()
    rng = np.random.default_rng(seed)
    free = np.zeros(cpsat.n_variables, dtype=np.bool_)
    free[: len(p.pairs)] = rng.random(len(p.pairs)) < 0.3
    free = close_over_rows(rows, free, len(p.pairs))
    sub = sub_model(rows, lower, upper, objective, incumbent, free)
    search = _search(cpsat, p, objective, 10)
    found, value, _ = search.solve(sub, 10)
    assert found is not None
    values = incumbent.copy()
    values[sub.free] = found
    assert verify(homestand(), _roster(p, values)) == []
    assert value + sub.offset == objective @ values <= objective @ incumbent


@pytest.mark.parametrize("span", [1, 3])
def test_relaxation_induced_neighbourhood_improves_and_keeps_every_rule(span: int) -> None:
    """RINS over spans of days, from the greedy roster: each neighbourhood is the pairs where the
    span's LP and the incumbent disagree; the roster it returns keeps every rule (the verifier),
    is strictly better than the greedy list's on the homestand, and a second pass from it
    changes nothing for the worse."""
    p, cpsat, objective, incumbent = _model()
    search = _search(cpsat, p, objective, 30)
    values = search.rins_pass(incumbent, span, span, search.remaining)
    assert objective @ values < objective @ incumbent
    assert verify(homestand(), _roster(p, values)) == []
    again = search.rins_pass(values, span, span, search.remaining)
    assert objective @ again <= objective @ values


def test_relaxed_windows_bound_the_optimum() -> None:
    """The windows' relaxations (rows cut at the windows' edges) add up to no more than the
    whole model's proven optimum, and the search's roster is verified and no worse than it."""
    p, cpsat, objective, incumbent = _model()
    result = solve(homestand(), SolveParams(strategy="seniority", time_limit=30,
                                            engine=EngineParams(workers=1, seed=0, window_search=False)))
    assert result.proven
    optimum = result.tiers[1].objective
    outcome = _search(cpsat, p, objective, 30).run(incumbent, prove=True)
    assert outcome.bound is not None and math.isfinite(outcome.bound)
    assert outcome.bound <= optimum <= outcome.objective
    assert verify(homestand(), _roster(p, outcome.values)) == []


def test_reduced_cost_fixing_keeps_every_roster_as_good_as_the_incumbent() -> None:
    """Reduced-cost fixing from the spans' LPs, against the greedy roster: it holds pairs, each
    where the greedy roster has it; the LP with one held pair moved off its value costs more
    than the greedy roster (the duality argument, checked by GLOP); and CP-SAT over the rest
    proves the same optimum as over the whole model."""
    p, cpsat, objective, incumbent = _model()
    search = _search(cpsat, p, objective, 30)
    assert search.reduced_cost_fixing(incumbent)[0].size == 0  # no LP yet: nothing held
    assert search.relaxed_bound() is not None
    held, values = search.reduced_cost_fixing(incumbent)
    assert held.size > 0 and np.array_equal(incumbent[held], values)
    rows = cpsat.rows()
    lower, upper = cpsat.bounds()
    for pair in held[:: max(1, len(held) // 5)][:5]:
        lo, hi = lower.copy(), upper.copy()
        lo[pair] = hi[pair] = 1 - values[held == pair][0]
        moved = lp_solve(lo, hi, objective, rows.matrix, rows.lower, rows.upper, 30)
        assert moved is None or moved.objective > objective @ incumbent
    result = solve(homestand(), SolveParams(strategy="seniority", time_limit=30,
                                            engine=EngineParams(workers=1, seed=0, window_search=False)))
    assert result.proven
    cpsat.fix_all(held, values)
    cpsat.set_objective(np.flatnonzero(objective), objective[objective != 0])
    cpsat.set_hint(incumbent)
    solver = cp_model.CpSolver()
    configure(solver, ENGINE, 30)
    assert solver.solve(cpsat.model) == cp_model.OPTIMAL
    assert solver.objective_value == result.tiers[1].objective


def test_solve_with_window_search_reports_honest_figures() -> None:
    """solve() with the window search (on by default) before the whole-model pass: a verified
    roster whose tier bound never exceeds its objective."""
    result = solve(homestand(), SolveParams(strategy="seniority", time_limit=20, engine=ENGINE))
    assert result.has_solution
    assert verify(homestand(), result.pairs()) == []
    for tier in result.tiers:
        assert tier.bound is None or tier.bound <= tier.objective


def test_windows_only_mode_stops_on_request() -> None:
    """Above `window_only_pairs` the windows are the whole search; a stop set from the first
    improvement ends it with a verified roster."""
    stop = threading.Event()
    engine = EngineParams(workers=1, seed=0, window_only_pairs=1000)
    result = solve(homestand(), SolveParams(strategy="seniority", time_limit=60, engine=engine),
                   progress=lambda p: stop.set() if p.tier_index == 1 else None, stop=stop)
    assert result.has_solution and stop.is_set()
    assert verify(homestand(), result.pairs()) == []


def _hours_search(p: Prepared, cpsat: CpSatModel, objective: np.ndarray, seconds: float) -> WindowSearch:
    """A window search on the `hours` tier (not separable) with the segment trim."""
    rows = cpsat.rows()
    lower, upper = cpsat.bounds()
    windows = day_windows(p.arrays.shift_start, p.arrays.shift_end, p.pairs.shift)
    seg = segments(p.arrays, p.pairs)
    variables = p.model.tiers[1].terms.variables
    assert np.array_equal(upper[variables], seg.length)
    trim = SegmentTrim(len(p.pairs), p.pairs.member, p.pairs.minutes, variables, seg.member, seg.lo,
                       seg.length)
    deadline = time.perf_counter() + seconds
    return WindowSearch(rows, lower, upper, objective, 0, len(p.pairs), windows, False,
                        lambda s, sec: configure(s, ENGINE, sec), lambda: deadline - time.perf_counter(),
                        lambda: False, lambda o, b: None, trim=trim)


def test_segment_trim_frees_only_segments_that_can_move() -> None:
    """A window's trimmed mask keeps its pairs, frees a subset of the segments it had, and every
    solution of the trimmed neighbourhood is a verified roster no worse than the incumbent."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 10)
    window = search.free_mask(0)
    trimmed = search.restricted(incumbent, window)
    n = len(p.pairs)
    assert np.array_equal(trimmed[:n], window[:n])
    assert not (trimmed & ~window).any() and trimmed[n:].sum() < window[n:].sum()
    sub = sub_model(search.rows, search.lower, search.upper, objective, incumbent, trimmed)
    found, value, _ = search.solve(sub, 10)
    assert found is not None
    values = incumbent.copy()
    values[sub.free] = found
    assert search.feasible(values)
    assert verify(homestand(), _roster(p, values)) == []
    assert value + sub.offset == objective @ values <= objective @ incumbent


def test_member_blocks_improve_hours_and_keep_every_rule() -> None:
    """Member neighbourhoods (the heaviest members and the lightest who could take their
    positions) from the greedy roster: a verified roster, never worse, the segments consistent
    with the rows (the search accepts only rosters that keep every row of the whole model)."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 8)
    ytd = ytd_minutes(p.arrays)
    outcome = search.by_members(incumbent, p.pairs.member, p.pairs.position, p.pairs.minutes, ytd, block=10)
    assert outcome.rounds >= 1
    assert outcome.objective == objective @ outcome.values <= objective @ incumbent
    assert search.feasible(outcome.values)
    assert verify(homestand(), _roster(p, outcome.values)) == []


@pytest.mark.parametrize("span", [1, 2])
def test_lagrangian_bound_is_a_bound_of_the_hours_tier(span: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lagrangian bound over spans of `span` day windows (the member-total rows dualized)
    lies below the whole model's LP (a Lagrangian dual of an LP is no stronger than the LP; the
    LP lies below every roster: CP-SAT proves nothing on this tier in 60 s), yet bounds
    something: it is positive."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 60)
    whole_lp = search.relaxed_bound()  # six game days: one span of seven windows is the whole LP
    monkeypatch.setattr(lns, "BOUND_SPAN", span)
    bound = search.lagrangian_bound(incumbent)
    assert bound is not None and whole_lp is not None
    assert 0 < bound <= whole_lp <= objective @ incumbent


@pytest.mark.parametrize("span", [1, 2])
def test_dual_bound_between_water_level_and_lp(span: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lagrangian bound at PDLP's duals of the whole LP, over spans of `span` day windows:
    at least the water level's (one multiplier for all), at most the whole model's LP (weak
    duality), and near it: PDLP's multipliers are the LP's own, nearly."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 60)
    whole_lp = search.relaxed_bound()
    monkeypatch.setattr(lns, "BOUND_SPAN", span)
    water = search.lagrangian_bound(incumbent)
    dual = search.dual_bound(incumbent)
    assert whole_lp is not None and water is not None and dual is not None
    assert water < dual <= whole_lp
    assert dual >= 0.95 * whole_lp


def test_segment_fill_keeps_each_member_row() -> None:
    """`SegmentTrim.fill` writes each member's segments from the pairs alone: on the greedy
    roster it gives back the segments the model derived (cheapest first), and from segments
    scrambled (as a rounded LP leaves them) it restores a roster that keeps every row."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 10)
    assert search.trim is not None
    assert np.array_equal(search.trim.fill(incumbent), incumbent)
    scrambled = incumbent.copy()
    segs = search.trim.seg_var
    scrambled[segs] = np.random.default_rng(0).integers(0, search.upper[segs] + 1)
    assert not search.feasible(scrambled)
    assert search.feasible(search.trim.fill(scrambled))


def test_support_lp_guides_rens_beside_the_dual_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dual bound's PDLP iterate picks the support LP's columns (a restriction of the
    model's LP: never below it); `guide` solves it and RENS from it, beside the search, and
    publishes a roster that `follow` takes: verified, better than the greedy roster, within
    1 % of the whole LP. The bound is over spans of two day windows (else it is the LP)."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 60)
    whole_lp = search.relaxed_bound()
    assert whole_lp is not None
    search.relaxations.clear()
    monkeypatch.setattr(lns, "BOUND_SPAN", 2)
    assert search.dual_bound(incumbent) is not None and search._iterate is not None
    support = search.support_lp(incumbent, search._iterate.values)
    assert support is not None and objective @ support >= whole_lp
    search.guide(incumbent)
    roster, = search.rosters
    values = search.follow(incumbent)
    assert values is roster and search.follow(values) is values  # each roster is taken once
    assert search.feasible(values) and verify(homestand(), _roster(p, values)) == []
    assert whole_lp <= objective @ values <= 1.01 * whole_lp < objective @ incumbent


@pytest.mark.parametrize("with_fraction", [True, False])
def test_rens_holds_only_zeros_when_the_integral_values_break_a_row(with_fraction: bool) -> None:
    """RENS from a relaxation whose integral values cannot be completed (the greedy roster with
    one more member at 1 on a position already full; with a third at 0.5 there, the row is in
    the neighbourhood and CP-SAT proves it infeasible; without, no variable of the row is free
    and the check of every row catches it): RENS then holds only the zeros and still returns a
    roster that keeps every rule."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 30)
    n = len(p.pairs)
    unused = np.flatnonzero(incumbent[:n] == 0)
    position = np.bincount(p.pairs.position[unused]).argmax()  # the most eligible members unused
    extra, half = unused[p.pairs.position[unused] == position][:2]
    relaxed = incumbent.astype(np.float64)
    relaxed[extra] = 1.0
    if with_fraction:
        relaxed[half] = 0.5
    roster = search.rens_roster(incumbent, np.arange(len(relaxed)), relaxed)
    assert roster is not None and search.feasible(roster)
    assert verify(homestand(), _roster(p, roster)) == []


def test_solve_hours_by_windows_and_member_blocks() -> None:
    """solve() on `hours` with the windows as the whole search (the bound, windows, then member
    blocks): a verified roster with a bound (the model's LP: six days fit one span) that never
    exceeds its objective."""
    engine = EngineParams(workers=1, seed=0, window_only_pairs=1000)
    result = solve(homestand(), SolveParams(strategy="hours", time_limit=20, engine=engine))
    assert result.has_solution
    assert verify(homestand(), result.pairs()) == []
    hours = result.tiers[1]
    assert hours.bound is not None and hours.objective is not None
    assert 0 < hours.bound <= hours.objective


def test_relaxation_enforced_neighbourhood_keeps_every_rule() -> None:
    """RENS on `hours` from the model's LP (six game days: one span): the LP's integral values
    held, its fractional ones free; the roster returned is verified, consistent with every row,
    and within 1 % of the LP, where the greedy roster is 40 % above it (72.7 M vs 101.1 M)."""
    p, cpsat, objective, incumbent = _model("hours")
    search = _hours_search(p, cpsat, objective, 30)
    bound = search.relaxed_bound()
    assert bound is not None
    (variables, relaxed), = search.relaxations
    values = search.rens(incumbent, variables, relaxed)
    assert search.feasible(values)
    assert bound <= objective @ values <= 1.01 * bound < objective @ incumbent
    assert verify(homestand(), _roster(p, values)) == []


def _two_knapsacks(proof_seconds: float) -> WindowSearch:
    """Two day windows of three pairs (costs 1, 1, 10), each window: fill exactly two, and the
    two cheap pairs weigh 2 each against a room of 3. The LP takes one and a half cheap pairs
    (6.5 a window); a roster must take the dear one (11 a window)."""
    from offduty.solver.builder import Rows

    matrix = sp.csr_matrix(np.array([[1, 1, 1, 0, 0, 0], [2, 2, 0, 0, 0, 0],
                                     [0, 0, 0, 1, 1, 1], [0, 0, 0, 2, 2, 0]], dtype=np.int64))
    rows = Rows(matrix, np.array([2, 0, 2, 0]), np.array([2, 3, 2, 3]), np.zeros(4, dtype=np.bool_))
    return WindowSearch(rows, np.zeros(6, dtype=np.int64), np.ones(6, dtype=np.int64),
                        np.array([1, 1, 10, 1, 1, 10]), 0, 6, np.array([0, 0, 0, 1, 1, 1]), True,
                        lambda s, sec: configure(s, ENGINE, sec), lambda: 30.0, lambda: False,
                        lambda o, b: None, proof_seconds=proof_seconds)


def test_span_bound_proves_what_the_spans_lps_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    """With `proof_seconds`, each relaxed span's bound is CP-SAT's (here its optimum, 11 a
    window), not its LP's (6.5): the bound rises from 13 to the roster's 22, and no further."""
    monkeypatch.setattr(lns, "BOUND_SPAN", 1)
    roster = np.array([1, 0, 1, 1, 0, 1])
    search = _two_knapsacks(5.0)
    assert search.span_bound(roster) is None  # the spans' LPs first
    assert search.bound(roster) == 13
    assert search.span_bound(roster) == 22
