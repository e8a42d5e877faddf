"""Large-neighbourhood search: CP-SAT solves a part of the model with the rest held at the incumbent.

On a month of details one CP-SAT model of every pair (416k) finds no better roster than the
greedy hint in 60 s: its single worker spends the time on the LP of the whole model. A
neighbourhood frees some pairs and fixes every other variable at the incumbent's value; the rows
are cut down to the free variables, their bounds moved by what the fixed ones contribute, and the
small model is solved from the incumbent as a complete hint. Any solution of it is a solution of
the whole model, never worse than the incumbent, so the search is anytime and every roster it
returns keeps every rule. The neighbourhoods are relaxation-induced (RINS): the LP of a span of
days with the rest held picks the pairs to free, those where it disagrees with the incumbent.

The tier's bound comes from relaxations (`WindowSearch.bound`): the spans' relaxed LPs add up
to a bound of a separable objective; a penalty of each member's total (`hours`, `balanced`) is
bounded by the model's LP when one span covers the horizon, else by a Lagrangian bound that
prices each member's minutes at the duals PDLP finds for the whole model's LP (at one water
level on the largest models). There PDLP's primal iterate also picks the columns of a smaller
LP that GLOP solves to a nearly integral vertex, and RENS from it (`WindowSearch.guide`) gives
the roster that day windows cannot reach: a member's total is spread over the whole horizon.

The neighbourhoods are cut from `CpSatModel.rows()` (the model's rows as a sparse matrix), so no
proto is read back; the sub-model is written straight into a fresh proto.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from offduty.models.arrays import BoolArray, FloatArray, IntArray
from offduty.solver.builder import Rows
from offduty.solver.lp import LP_MARGIN, LpSolution, PdlpIterate, lp_solve, pdlp_iterate

log = logging.getLogger(__name__)

#: CP-SAT's "no bound" on a row side.
_NO_BOUND = cp_model.INT_MAX


@dataclass(eq=False)
class SubProblem:
    """A neighbourhood as arrays: variable k is `free[k]` of the whole model; rows k are
    `lo <= matrix @ x <= hi`; `objective` over the free variables; `hint` their incumbent values."""

    free: IntArray
    var_lo: IntArray
    var_hi: IntArray
    matrix: sp.csr_matrix
    lo: IntArray
    hi: IntArray
    at_most_one: BoolArray
    objective: IntArray
    hint: IntArray
    offset: int  # the fixed variables' part of the objective (0 for a relaxed one)

    def cpsat(self) -> cp_model.CpModel:
        model = _write(self.var_lo, self.var_hi, self.matrix.indices, self.matrix.data, self.matrix.indptr,
                       self.lo, self.hi, self.at_most_one)
        proto = model.proto
        nonzero = np.flatnonzero(self.objective)
        proto.objective.vars.extend(nonzero.tolist())
        proto.objective.coeffs.extend(self.objective[nonzero].tolist())
        proto.solution_hint.vars.extend(range(len(self.free)))
        proto.solution_hint.values.extend(self.hint.tolist())
        return model

    def lp_solution(self, seconds: float) -> LpSolution | None:
        """The LP relaxation (GLOP); None if it did not finish in time."""
        return lp_solve(self.var_lo, self.var_hi, self.objective, self.matrix, self.lo, self.hi, seconds)


@dataclass(frozen=True, eq=False)
class Objective:
    """Minimize sum(coeffs * x[variables]) over the whole model's variables."""

    variables: IntArray
    coeffs: IntArray

    def dense(self, n: int) -> IntArray:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, self.variables, self.coeffs)
        return out


def close_over_rows(rows: Rows, free: BoolArray, n_pairs: int) -> BoolArray:
    """Free also the auxiliary variables (index >= n_pairs) that share a row with a free pair:
    a shift's `staffed` flag, a member's hours segments."""
    matrix = rows.pattern
    pair_free = free.copy()
    pair_free[n_pairs:] = False
    touched = matrix @ pair_free.astype(np.int64) > 0  # rows with a free pair
    aux = np.zeros(len(free), dtype=np.bool_)
    aux[matrix[np.flatnonzero(touched)].indices] = True  # marking: np.unique cost 0.26 s a window
    aux[:n_pairs] = False
    return free | aux


def sub_model(rows: Rows, lower: IntArray, upper: IntArray, objective: IntArray,
              incumbent: IntArray, free: BoolArray, *, relax: bool = False) -> SubProblem:
    """The neighbourhood `free` (a mask over every variable) as a model of its own.

    Restricted (default): the other variables are fixed at `incumbent`; every row keeps its
    bounds less what the fixed variables contribute, so any solution is one of the whole model.
    Relaxed (`relax=True`): the other variables are dropped; a row reaching outside keeps its
    part inside when that part is implied by the row (non-negative coefficients and a lower
    bound of at most 0: at-most-one rows, the work-day and weekly caps), else the row is dropped
    (a staffing floor across the window's edge). The relaxed optimum, summed over neighbourhoods
    that partition the variables of a separable objective, is a lower bound of the whole model.
    `objective` is dense over the variables."""
    free_idx = np.flatnonzero(free)
    local = np.full(len(free), -1, dtype=np.int64)
    local[free_idx] = np.arange(len(free_idx))
    matrix = rows.matrix
    free_count = rows.pattern @ free.astype(np.int64)
    keep = free_count > 0
    if relax:
        inside = free_count == np.diff(matrix.indptr)
        nonneg = np.minimum.reduceat(matrix.data, matrix.indptr[:-1]) >= 0 if matrix.nnz else inside
        nonneg = np.where(np.diff(matrix.indptr) == 0, True, nonneg)
        keep &= inside | (nonneg & (rows.lower <= 0))
        fixed_part = np.zeros(len(rows.lower), dtype=np.int64)
    else:
        fixed_part = matrix @ np.where(free, 0, incumbent)
    keep_idx = np.flatnonzero(keep)
    sub = matrix[keep_idx]
    lo = np.where(rows.lower[keep_idx] <= -_NO_BOUND, -_NO_BOUND, rows.lower[keep_idx] - fixed_part[keep_idx])
    hi = np.where(rows.upper[keep_idx] >= _NO_BOUND, _NO_BOUND, rows.upper[keep_idx] - fixed_part[keep_idx])
    if relax:
        lo = np.where(free_count[keep_idx] < np.diff(matrix.indptr)[keep_idx], np.minimum(lo, 0), lo)
    entry_free = free[sub.indices]
    counts = np.add.reduceat(entry_free.astype(np.int64), sub.indptr[:-1]) if sub.nnz else (
        np.zeros(len(keep_idx), dtype=np.int64))
    counts = np.where(np.diff(sub.indptr) == 0, 0, counts)
    starts = np.r_[0, np.cumsum(counts)]
    cut = sp.csr_matrix((sub.data[entry_free], local[sub.indices[entry_free]], starts),
                        shape=(len(keep_idx), len(free_idx)))
    offset = 0 if relax else int(objective[~free] @ incumbent[~free])
    return SubProblem(free_idx, lower[free_idx], upper[free_idx], cut, lo, hi, rows.at_most_one[keep_idx],
                      objective[free_idx], incumbent[free_idx], offset)


def _write(var_lo: IntArray, var_hi: IntArray, cols: IntArray, coeffs: IntArray, starts: IntArray,
           lo: IntArray, hi: IntArray, amo: BoolArray) -> cp_model.CpModel:
    """A CP-SAT model from arrays: at-most-one rows stay at-most-ones while their bound is 1."""
    model = cp_model.CpModel()
    proto = model.proto
    variables = proto.variables
    for a, b in zip(var_lo.tolist(), var_hi.tolist(), strict=True):
        variables.add().domain.extend((a, b))
    constraints = proto.constraints
    flat_c, flat_v = cols.tolist(), coeffs.tolist()
    for s, e, low, high, is_amo in zip(starts[:-1].tolist(), starts[1:].tolist(), lo.tolist(), hi.tolist(),
                                       amo.tolist(), strict=True):
        if is_amo and high == 1:
            constraints.add().at_most_one.literals.extend(flat_c[s:e])
            continue
        linear = constraints.add().linear
        linear.vars.extend(flat_c[s:e])
        linear.coeffs.extend(flat_v[s:e])
        linear.domain.extend((low, high))
    return model


def day_windows(shift_start: IntArray, shift_end: IntArray, pair_shift: IntArray) -> IntArray:
    """Per pair, the index of its day window; days are cut at the minute of the day that the
    fewest shifts cover (04:00 local on the KC scenarios), so few rows reach across a cut."""
    if len(shift_start) == 0:
        return np.zeros(len(pair_shift), dtype=np.int64)
    bins = MINUTES_PER_DAY // _CUT_STEP
    cover = np.zeros(bins + 1, dtype=np.int64)
    first = shift_start // _CUT_STEP
    last = (shift_end - 1) // _CUT_STEP
    whole = (last - first + 1) // bins  # a shift of a day or more covers every bin that often
    cover += int(whole.sum())
    rest = (last - first + 1) - whole * bins
    a = first % bins
    b = a + rest
    np.add.at(cover, a, 1)
    np.add.at(cover, np.minimum(b, bins), -1)
    wrap = b > bins
    np.add.at(cover, np.zeros(int(wrap.sum()), dtype=np.int64), 1)
    np.add.at(cover, b[wrap] - bins, -1)
    cut = int(np.argmin(np.cumsum(cover)[:bins])) * _CUT_STEP
    day = (shift_start - cut) // MINUTES_PER_DAY
    return (day - day.min())[pair_shift]


_CUT_STEP = 15
#: Relaxation-induced neighbourhoods (`WindowSearch.rins`): spans of this many day windows,
#: starting every so many windows: first short spans (fast from a far incumbent), then longer
#: ones that move a member's work across more days.
RINS_SPANS = ((3, 2), (7, 3))
#: CP-SAT seconds per relaxation-induced neighbourhood (most are proven in well under 1 s), and
#: per relaxation-enforced one (`WindowSearch.rens`; kc-week `hours`: proven in 4.6 s).
RINS_SLICE = 5.0
RENS_SLICE = 10.0
#: The windows' relaxed LPs that bound a separable tier cover this many day windows each: on
#: kc-month 1 window gives 186,519 in 10.9 s, 3 give 186,900 in 7.3 s, 7 give 187,094 in 10.7 s
#: (the whole month's LP: 187,134 in 51 s).
BOUND_SPAN = 7
#: Up to this many pairs a penalty of members' totals is bounded at PDLP's multipliers of the
#: whole model's LP (`WindowSearch.dual_bound`; kc-month: 438k, kc-quarter: 1.37M).
WHOLE_LP_PAIRS = 600_000
#: PDLP's seconds for the multipliers of `WindowSearch.dual_bound`, the seconds that must be
#: left after them for the spans' LPs (kc-month: 6-15 s), and the least worth running it for.
DUAL_SECONDS = 10.0
DUAL_RESERVE = 15.0
DUAL_MIN_SECONDS = 5.0
#: `WindowSearch.support_lp` keeps the pairs PDLP's iterate gives more than this.
SUPPORT_MIN = 0.01
#: The share of the search's time the first pass of short spans may take before the bound.
FIRST_PASS_SHARE = 0.5
MINUTES_PER_DAY = 1440
#: Member neighbourhoods (`WindowSearch.by_members`): donors per block, pairs freed per block
#: (about), CP-SAT seconds per block, and the least time worth starting a block with.
MEMBER_BLOCK = 20
MEMBER_MAX_FREE = 6000
MEMBER_SLICE = 3.0
MEMBER_MIN_SLICE = 0.5


@dataclass
class WindowOutcome:
    """What the search by windows found: the incumbent, and a bound when it proved one."""

    values: IntArray
    objective: int
    bound: float | None
    rounds: int = 0
    notes: list[str] = field(default_factory=list)


class WindowSearch:
    """Improve a complete incumbent window by window; prove a bound from the relaxed windows.

    `configure(solver, seconds)` sets a CP-SAT solver's parameters and time limit;
    `remaining()` returns the seconds left; `report(objective, bound)` is called on improvement.
    """

    def __init__(self, rows: Rows, lower: IntArray, upper: IntArray, objective: IntArray, offset: int,
                 n_pairs: int, window_of_pair: IntArray, separable: bool,
                 configure: Callable[[cp_model.CpSolver, float], None], remaining: Callable[[], float],
                 stopped: Callable[[], bool], report: Callable[[int, float | None], None],
                 trim: SegmentTrim | None = None, proof_seconds: float = 0.0) -> None:
        self.rows, self.lower, self.upper = rows, lower, upper
        #: Extra proof work for a stronger bound (`EngineParams.bound_seconds`): CP-SAT's
        #: seconds on each relaxed span of a separable tier (`span_bound`), PDLP's seconds for
        #: the multipliers of a member-total penalty (`dual_bound`); 0 for a timed solve.
        self.proof_seconds = proof_seconds
        #: Narrows a restricted neighbourhood's free mask to the variables that can change given
        #: the incumbent (`hours`: the segments around each member's total), or None.
        self.trim = trim
        self.objective, self.offset, self.n_pairs = objective, offset, n_pairs
        # windows numbered 0.. without gaps (a day without details has no window)
        self.window_of_pair = np.unique(window_of_pair, return_inverse=True)[1].reshape(-1).astype(np.int64)
        self.separable = separable
        self.configure, self.remaining, self.stopped, self.report = configure, remaining, stopped, report
        self.deterministic_s = 0.0
        #: What the thread beside the search publishes for it to follow once (`follow`): LP
        #: solutions that guide neighbourhoods, (variables, values) (`relaxed_bound`'s spans),
        #: and rosters found there (`guide`'s RENS); how many of each it has followed so far.
        self.relaxations: list[tuple[IntArray, FloatArray]] = []
        self.rosters: list[IntArray] = []
        self._relaxations_followed = self._rosters_followed = 0
        #: PDLP's iterate on the whole model's LP, once `dual_bound` has it.
        self._iterate: PdlpIterate | None = None
        #: `relaxed_bound`'s LPs: their summed optimum and each one's (variables, solution),
        #: for `reduced_cost_fixing`.
        self._priced: tuple[float, list[tuple[IntArray, LpSolution]]] | None = None

    @cached_property
    def _aux_windows(self) -> sp.csc_matrix:
        """[auxiliary variables, windows]: the windows each auxiliary variable shares a row with a
        pair of (a shift's `staffed` flag: its shift's window; a member's hours segments: every
        window of the member's pairs). Only the rows holding an auxiliary variable are read."""
        n, n_vars = self.n_pairs, len(self.lower)
        n_windows = int(self.window_of_pair.max()) + 1 if n else 0
        is_aux = np.zeros(n_vars, dtype=np.int64)
        is_aux[n:] = 1
        rows = self.rows.pattern[np.flatnonzero(self.rows.pattern @ is_aux)].tocoo()
        pair = rows.col < n
        row_windows = sp.csr_matrix((np.ones(int(pair.sum()), dtype=np.int64),
                                     (rows.row[pair], self.window_of_pair[rows.col[pair]])),
                                    shape=(rows.shape[0], n_windows))
        aux_rows = sp.csr_matrix((np.ones(int((~pair).sum()), dtype=np.int64),
                                  (rows.col[~pair] - n, rows.row[~pair])), shape=(n_vars - n, rows.shape[0]))
        return sp.csc_matrix(aux_rows @ row_windows)

    def free_mask(self, window: int) -> BoolArray:
        """The window's pairs and the auxiliary variables in rows with them."""
        free = np.zeros(len(self.lower), dtype=np.bool_)
        column = self._aux_windows[:, window]
        free[self.n_pairs + column.indices[column.data > 0]] = True
        free[: self.n_pairs] = self.window_of_pair == window
        return free

    def restricted(self, values: IntArray, free: BoolArray, *, exact: bool = False) -> BoolArray:
        """The free mask of a restricted neighbourhood (the rest held at `values`), trimmed: with
        `exact`, only of the auxiliary variables that cannot move (no swing cut)."""
        if self.trim is None:
            return free
        return self.trim(values, free, swing=math.inf if exact else None)

    def feasible(self, values: IntArray) -> bool:
        activity = self.rows.matrix @ values
        rows_ok = bool(((activity >= self.rows.lower) & (activity <= self.rows.upper)).all())
        return rows_ok and bool(((values >= self.lower) & (values <= self.upper)).all())

    def value(self, values: IntArray) -> int:
        return int(self.objective @ values) + self.offset

    def solve(self, sub: SubProblem, seconds: float) -> tuple[IntArray | None, float, float]:
        """(values, objective, bound) of a neighbourhood; values None when none was found."""
        solver = cp_model.CpSolver()
        self.configure(solver, seconds)
        with _Stopper(solver, self.stopped):
            status = solver.solve(sub.cpsat())
        self.deterministic_s += solver.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = np.asarray(solver.response_proto.solution, dtype=np.int64)
            bound = solver.objective_value if status == cp_model.OPTIMAL else solver.best_objective_bound
            return values, float(solver.objective_value), float(bound)
        if status == cp_model.INFEASIBLE:
            return None, math.inf, math.inf
        return None, math.inf, -math.inf

    def accept(self, values: IntArray, sub: SubProblem, found: IntArray | None,
               held: IntArray | None = None) -> IntArray:
        """The neighbourhood's solution in place in `held` (default: the incumbent `values`),
        if that is better than the incumbent."""
        if found is None:
            return values
        candidate = (values if held is None else held).copy()
        candidate[sub.free] = found
        return self.take(values, candidate)

    def take(self, values: IntArray, candidate: IntArray) -> IntArray:
        """`candidate` if it keeps every row and is better than the incumbent `values`."""
        if not self.feasible(candidate):  # cannot happen when the cut is right: keep the incumbent
            log.error("a neighbourhood's solution breaks a row of the whole model; discarded")
            return values
        if self.value(candidate) < self.value(values):
            self.report(self.value(candidate), None)
            return candidate
        return values

    def spans(self, span: int, stride: int) -> list[BoolArray]:
        """Free masks of `span` consecutive day windows, one starting every `stride` windows."""
        n_windows = int(self.window_of_pair.max()) + 1 if self.n_pairs else 0
        out = []
        for first in range(0, max(n_windows - span + stride, 1), stride):
            mask = np.zeros(len(self.lower), dtype=np.bool_)
            mask[: self.n_pairs] = (self.window_of_pair >= first) & (self.window_of_pair < first + span)
            out.append(close_over_rows(self.rows, mask, self.n_pairs))
        return out

    def rins(self, values: IntArray, free: BoolArray) -> IntArray:
        """A relaxation-induced neighbourhood (RINS): the LP of the neighbourhood `free` with the
        rest held at `values`, then CP-SAT on the pairs where the LP and the incumbent disagree,
        everything else held. The LPs of these models are nearly integral: on kc-month a 3-day
        span's LP (0.2-1.5 s) leaves 150-1,100 pairs to free, which CP-SAT proves in 0.01-1.6 s,
        where CP-SAT on the whole span found no better roster in 5 s."""
        window = sub_model(self.rows, self.lower, self.upper, self.objective, values,
                           self.restricted(values, free))
        lp = window.lp_solution(self.remaining())
        if lp is None or self.remaining() <= 0 or self.stopped():
            return values
        return self.guided(values, window.free, lp.values)

    def guided(self, values: IntArray, variables: IntArray, relaxed: FloatArray) -> IntArray:
        """CP-SAT on the pairs among `variables` where a relaxation's solution (`relaxed`, over
        `variables`) and the incumbent disagree, everything else held."""
        disagree = np.zeros(len(self.lower), dtype=np.bool_)
        disagree[variables[np.abs(relaxed - values[variables]) > 1e-6]] = True
        disagree[self.n_pairs:] = False
        if not disagree.any():
            return values
        mask = close_over_rows(self.rows, disagree, self.n_pairs)
        sub = sub_model(self.rows, self.lower, self.upper, self.objective, values,
                        self.restricted(values, mask))
        found, objective, _ = self.solve(sub, min(RINS_SLICE, self.remaining()))
        log.debug("RINS: %d of %d free, objective %s", len(sub.free), len(variables), objective + sub.offset)
        return self.accept(values, sub, found)

    def rens(self, values: IntArray, variables: IntArray, relaxed: FloatArray) -> IntArray:
        """A relaxation-enforced neighbourhood (RENS): the variables the relaxation's solution
        (`relaxed`, over `variables`) sets to integers held there, the fractional ones free with
        the auxiliary variables of their rows; CP-SAT on that. For a penalty of members' totals
        (`hours`), where the windows' neighbourhoods move slowly: on kc-week the model's LP has
        419 fractional pairs, and this neighbourhood (2.2k variables after the segment trim)
        is proven in 4.6 s at 741.9 M, 0.41 % above the LP, where the windows reach 806 M."""
        roster = self.rens_roster(values, variables, relaxed)
        return values if roster is None else self.take(values, roster)

    def rens_roster(self, values: IntArray, variables: IntArray, relaxed: FloatArray) -> IntArray | None:
        """The roster `rens` finds (keeping every row, whatever its value), or None; `values` fills
        the variables outside `variables`. When holding the relaxation's integral values leaves no
        solution (on kc-month `hours`, one support LP in three: fractional pairs in a cycle of
        conflicts that no integral choice closes), only its zeros are held."""
        solution = values.astype(np.float64)
        solution[variables] = relaxed
        rounded = np.rint(solution)
        fractional = np.abs(solution - rounded) > 1e-6
        held = rounded.astype(np.int64) if self.trim is None else self.trim.fill(rounded.astype(np.int64))
        found, infeasible = self._rens_at(held, fractional)
        if found is None and infeasible:
            nonzero = fractional.copy()
            nonzero[: self.n_pairs] |= held[: self.n_pairs] != 0
            found, _ = self._rens_at(held, nonzero)
        return found

    def _rens_at(self, held: IntArray, free: BoolArray) -> tuple[IntArray | None, bool]:
        """CP-SAT on the variables `free` (with the auxiliary ones of their rows), the rest at
        `held`: (the roster, or None; whether that neighbourhood has no solution). A row with no
        free variable is not in the neighbourhood: the roster is checked against every row."""
        pairs = free.copy()
        pairs[self.n_pairs:] = False
        mask = close_over_rows(self.rows, pairs, self.n_pairs) | free
        # exact: a member may need more than the trim's swing above the rounding of its pairs
        sub = sub_model(self.rows, self.lower, self.upper, self.objective, held,
                        self.restricted(held, mask, exact=True))
        found, objective, bound = self.solve(sub, min(RENS_SLICE, self.remaining()))
        log.debug("RENS: %d pairs free, %d variables, objective %s", int(pairs.sum()), len(sub.free),
                  objective + sub.offset)
        if found is None:
            return None, bound == math.inf
        roster = held.copy()
        roster[sub.free] = found
        return (roster, False) if self.feasible(roster) else (None, True)

    def rins_pass(self, values: IntArray, span: int, stride: int, limit: Callable[[], float],
                  between: Callable[[IntArray], IntArray] | None = None) -> IntArray:
        """One relaxation-induced neighbourhood per span, while `limit()` seconds are left;
        `between` sees the incumbent after each."""
        for mask in self.spans(span, stride):
            if limit() <= 0 or self.stopped():
                break
            values = self.rins(values, mask)
            if between is not None:
                values = between(values)
        return values

    def reduced_cost_fixing(self, values: IntArray) -> tuple[IntArray, IntArray]:
        """(variables, values): pairs that no roster as good as `values` can move from where
        `relaxed_bound`'s LPs hold them, by reduced-cost fixing. The spans' LPs are one relaxation
        of the model (they partition the pairs); at its optimum L with reduced cost d of a pair at
        its bound, any solution with the pair off that bound costs at least L + |d| (LP duality).
        Where that exceeds the incumbent's value the pair is held, if the incumbent holds it
        there too (so the incumbent stays a solution). Empty before the bound is in.
        On kc-week (seniority) the model's LP (64,670, 0.9 s) holds 31-41k of the 64k pairs
        against incumbents of 64,913-64,821, and CP-SAT then proves the week in 4-6 s, not 9-10."""
        empty = np.zeros(0, dtype=np.int64)
        if self._priced is None:
            return empty, empty
        total, solved = self._priced
        variables = np.concatenate([v for v, _ in solved])
        reduced = np.concatenate([lp.reduced_costs for _, lp in solved])
        relaxed = np.concatenate([lp.values for _, lp in solved])
        pair = variables < self.n_pairs  # an auxiliary variable may sit in two spans' LPs
        variables, reduced, relaxed = variables[pair], reduced[pair], relaxed[pair]
        incumbent = float(self.objective @ values)
        # strictly above the incumbent, GLOP's tolerances (LP_MARGIN) on both sides
        dearer = total + np.abs(reduced) > incumbent + LP_MARGIN * max(1.0, abs(incumbent)) + 1e-6
        lo, hi = self.lower[variables], self.upper[variables]
        at_lo = dearer & (reduced > 0) & (relaxed <= lo + 1e-9) & (values[variables] == lo)
        at_hi = dearer & (reduced < 0) & (relaxed >= hi - 1e-9) & (values[variables] == hi)
        held = at_lo | at_hi
        return variables[held], np.where(at_lo, lo, hi)[held]

    def bound(self, values: IntArray) -> float | None:
        """A lower bound of the tier, or None when its LPs did not finish in the time left: the
        spans' relaxed LPs for a separable objective, or for any objective when one span covers
        every window (nothing is cut: the whole model's LP); else the Lagrangian bound at PDLP's
        multipliers (`dual_bound`), at the water level above `WHOLE_LP_PAIRS` pairs. The whole
        month's LP after the spans' raised kc-month seniority's bound from 187,439 to 187,493
        (19.5 s), but GLOP's 550 MB beside the search took the peak from 770 to 1,324 MB."""
        n_windows = int(self.window_of_pair.max()) + 1 if self.n_pairs else 0
        if self.separable or n_windows <= BOUND_SPAN:
            return self.relaxed_bound()
        if self.n_pairs <= WHOLE_LP_PAIRS:
            return self.dual_bound(values)
        return self.lagrangian_bound(values)

    def relaxed_bound(self) -> float | None:
        """A bound of a separable tier (of any tier when one span covers every window): the sum
        of the relaxed LPs of spans of `BOUND_SPAN` day windows that partition the pairs (rows
        reaching across a span's edge cut as `sub_model` says); None when one LP did not finish
        in the time left. The LPs' solutions are kept in `relaxations`, to guide neighbourhoods."""
        spans = self._relaxed_lps(self.objective.astype(np.float64), np.zeros(0, dtype=np.int64),
                                  publish=True)
        if spans is None:
            return None
        total, solved = spans
        self._priced = total, solved
        return float(math.ceil(total - 1e-6)) + self.offset

    @property
    def n_bound_spans(self) -> int:
        return len(self.spans(BOUND_SPAN, BOUND_SPAN))

    def span_bound(self, values: IntArray) -> float | None:
        """`relaxed_bound` made stronger by CP-SAT, after the search (for the benchmarks'
        best-known bounds): each span's relaxed model, which the LP bounds, gets `proof_seconds`
        of CP-SAT from the roster `values` (its part of the span); each span counts the larger
        of its LP's bound and CP-SAT's, valid as the spans partition the pairs of a separable
        objective. None before the spans' LPs are in. kc-month seniority on two workers: 187,860
        after 20 s a span, 187,880 after 60 s (the spans' LPs: 187,439, the month's LP:
        187,493); one worker for 7 s: 156,904; beside the search (four workers on two cores)
        from the greedy roster, 20 s: 187,515."""
        if self._priced is None:
            return None
        total = 0.0
        for mask, (_, lp) in zip(self.spans(BOUND_SPAN, BOUND_SPAN), self._priced[1], strict=True):
            if self.stopped():
                total += lp.bound
                continue
            relaxed = sub_model(self.rows, self.lower, self.upper, self.objective, values, mask, relax=True)
            _, _, bound = self.solve(relaxed, min(self.proof_seconds, self.remaining()))
            log.debug("span of %d variables: LP %.1f, CP-SAT %.1f", len(relaxed.free), lp.bound, bound)
            total += max(lp.bound, bound) if math.isfinite(bound) else lp.bound
        return float(math.ceil(total - 1e-6)) + self.offset

    def lagrangian_bound(self, values: IntArray) -> float | None:
        """A bound of a tier with a penalty of each member's total (`hours`, `balanced`): the
        Lagrangian dual of the rows that write a member's total as the sum of its segments, at
        one multiplier for every member: the water level, the slope at which the cheapest
        segments of all members together hold the minutes `values` gives out (the best single
        multiplier when the total is fixed and rows are ignored; see `_lagrangian`)."""
        link = self._link
        if link is None:
            return None
        rows, seg, _ = link
        sigma = self.objective[seg].astype(np.float64)
        length = self.upper[seg].astype(np.float64)
        per_pair = np.asarray(self.rows.matrix[rows].sum(axis=0)).ravel()[: self.n_pairs]
        minutes = float(per_pair @ values[: self.n_pairs])
        order = np.argsort(sigma, kind="stable")
        filled = int(np.searchsorted(np.cumsum(length[order]), minutes))
        level = float(sigma[order][min(filled, len(seg) - 1)])
        return self._lagrangian(np.full(len(rows), level))

    def dual_bound(self, values: IntArray) -> float | None:
        """The Lagrangian bound (`_lagrangian`) with one multiplier per member: the duals of the
        member rows in PDLP's iterate on the whole model's LP after `DUAL_SECONDS` (or what the
        time left allows, `DUAL_RESERVE` kept for the spans' LPs after it); at the water level
        (`lagrangian_bound`) when that leaves PDLP under `DUAL_MIN_SECONDS` or PDLP returns
        nothing. PDLP's duals need not be optimal nor exactly feasible: the bound is weak
        duality at whatever multipliers they give, computed exactly by GLOP. The iterate is kept
        for `guide`. kc-month `hours`: 5,206-5,210 M after PDLP's 10 s, 5,211.2 M after 25 s
        (the model's LP, HiGHS in 464 s: 5,211.7 M; the water level: 4,533 M); `balanced`:
        334.24 M after 10 s, 334.26 M after 25 s (LP 334.26 M, water level 306.5 M).
        Per-member multipliers from the spans' LPs' duals or from the roster's slopes were
        weaker (1.95 G, 3.67 G on `hours`), the support LP's own duals too (5,099 M)."""
        link = self._link
        seconds = min(max(DUAL_SECONDS, self.proof_seconds), self.remaining() - DUAL_RESERVE)
        if link is None or seconds < DUAL_MIN_SECONDS or self.stopped():
            return self.lagrangian_bound(values)
        rows = self.rows
        iterate = pdlp_iterate(self.lower, self.upper, self.objective, rows.matrix, rows.lower, rows.upper,
                               seconds)
        if iterate is None:
            return self.lagrangian_bound(values)
        self._iterate = iterate
        return self._lagrangian(-iterate.duals[link[0]])  # a segment's reduced cost is σ - λ: λ = -y

    def guide(self, values: IntArray) -> None:
        """After `dual_bound`, beside the search: RENS from `support_lp`'s solution (from PDLP's
        iterate and the roster `values` the bound started from); the roster it finds is
        published in `rosters`. Here, not in the search's thread: there it waited up to 15 s
        on kc-month for the neighbourhood in hand to end."""
        if self._iterate is None or self.stopped():
            return
        support = self.support_lp(values, self._iterate.values)
        if support is None or self.stopped():
            return
        roster = self.rens_roster(values, np.arange(len(self.lower)), support)
        if roster is not None:
            self.rosters.append(roster)

    def support_lp(self, values: IntArray, relaxed: FloatArray) -> FloatArray | None:
        """A solution of the model's LP restricted to fewer columns: the pairs an approximate
        solution of the whole LP (`relaxed`: PDLP's iterate) gives more than `SUPPORT_MIN`, the
        pairs the roster `values` holds (so the restricted LP is feasible) and every auxiliary
        variable; the other pairs at 0. GLOP's vertex of it is nearly integral where PDLP's
        iterate is not, so RENS can start from it. None when GLOP did not finish in the time
        left. kc-month `hours`: PDLP's iterate after 8-15 s keeps 56k of 438k pairs; GLOP
        solves them in 12-14 s to 5,212.1 M (the whole LP: 5,211.7 M) with about 1k fractional
        pairs, and RENS from that finds 5,219 M in 1-2 s, where the windows stall near
        5,950-6,200 M and RINS on PDLP's disagreements reaches 5,383 M in 30 s."""
        n = self.n_pairs
        columns = np.ones(len(self.lower), dtype=np.bool_)
        columns[:n] = (relaxed[:n] > SUPPORT_MIN) | (values[:n] != 0)
        kept = np.flatnonzero(columns)
        matrix = self.rows.matrix[:, kept]
        # rows left without a column go too: GLOP ended ABNORMAL on kc-month with them in
        used = np.flatnonzero(np.diff(matrix.indptr))
        lp = lp_solve(self.lower[kept], self.upper[kept], self.objective[kept], matrix[used],
                      self.rows.lower[used], self.rows.upper[used], self.remaining(), guide_only=True)
        if lp is None or self.stopped():
            log.debug("support LP of %d pairs: no solution in the time left", int(columns[:n].sum()))
            return None
        solution = np.zeros(len(self.lower), dtype=np.float64)
        solution[kept] = lp.values
        log.debug("support LP: %d of %d pairs, objective %.0f", int(columns[:n].sum()), n,
                  lp.objective + self.offset)
        return solution

    def _lagrangian(self, level: FloatArray) -> float | None:
        """Weak duality with multiplier `level[r]` on member row r of `_link` (Σ minutes·x − Σ s =
        0): the tier's minimum is at least
            L(λ) = min over the pairs of Σ (c_p + λ_{m(p)}·minutes_p) x_p under every other row
                 + Σ over segments k of min(0, σ_k − λ_{m(k)}) · length_k,
        the pairs' part bounded from below by the relaxed LPs of spans (as `relaxed_bound`), the
        segments' part in closed form. None when a span's LP did not finish in the time left."""
        link = self._link
        if link is None:
            return None
        rows, seg, seg_row = link
        costs = self.objective.astype(np.float64) + np.asarray(self.rows.matrix[rows].T @ level).ravel()
        costs[seg] = 0.0
        spans = self._relaxed_lps(costs, seg)
        if spans is None:
            return None
        sigma = self.objective[seg].astype(np.float64)
        seg_part = float(np.minimum(sigma - level[seg_row], 0.0) @ self.upper[seg].astype(np.float64))
        bound = spans[0] + seg_part - float(level @ self.rows.lower[rows])
        log.debug("Lagrangian bound %.0f (pairs %.0f, segments %.0f)", bound, spans[0], seg_part)
        return float(math.floor(bound)) + self.offset

    @cached_property
    def _link(self) -> tuple[IntArray, IntArray, IntArray] | None:
        """(rows, segments, each segment's row as an index into rows): the objective's auxiliary
        variables and the rows that hold them, when each sits in exactly one row, an equality,
        with coefficient -1 and lower bound 0 (`distribution.hours.add_segments`); else None."""
        seg = np.flatnonzero(self.objective[self.n_pairs:]) + self.n_pairs
        if len(seg) == 0:
            return None
        columns = self.rows.matrix.tocsc()[:, seg]
        if (np.diff(columns.indptr) != 1).any() or (columns.data != -1).any() or (self.lower[seg] != 0).any():
            return None
        rows = np.unique(columns.indices)
        if (self.rows.lower[rows] != self.rows.upper[rows]).any():
            return None
        return rows, seg, np.searchsorted(rows, columns.indices)

    def _relaxed_lps(self, costs: FloatArray, exclude: IntArray, *, publish: bool = False,
                     ) -> tuple[float, list[tuple[IntArray, LpSolution]]] | None:
        """The sum of the relaxed LPs (objective `costs`) of spans of `BOUND_SPAN` day windows,
        the variables `exclude` left out, and each LP's (variables, solution); None when an LP
        did not finish in the time left. With `publish`, each solution goes to `relaxations` as
        soon as it is in, for the search to follow before the bound is complete."""
        total = 0.0
        solutions = []
        zero = np.zeros(len(self.lower), dtype=np.int64)
        for mask in self.spans(BOUND_SPAN, BOUND_SPAN):
            mask[exclude] = False
            relaxed = sub_model(self.rows, self.lower, self.upper, zero, zero, mask, relax=True)
            lp = lp_solve(relaxed.var_lo, relaxed.var_hi, costs[relaxed.free], relaxed.matrix, relaxed.lo,
                          relaxed.hi, self.remaining())
            if lp is None or self.stopped():
                return None
            total += lp.bound
            solutions.append((relaxed.free, lp))
            if publish:
                self.relaxations.append((relaxed.free, lp.values))
        return total, solutions

    def run(self, incumbent: IntArray, *, prove: bool, first_pass_only: bool = False) -> WindowOutcome:
        """Relaxation-induced neighbourhoods over spans of days, with the bound beside them.

        With `prove`, `bound` runs in a second thread from the start (GLOP and PDLP release the
        GIL, so it takes the machine's second core; on kc-month seniority's is in after 5-10 s,
        `hours`' and `balanced`'s after 30-40 s, the support LP's guide before it). Meanwhile:
        1. a first pass of short spans (`RINS_SPANS[0]`) from the incumbent, in at most
           `FIRST_PASS_SHARE` of the time: it takes most of the step from the greedy roster;
        2. passes of each span length in turn while they improve and time is left (not with
           `first_pass_only`: a whole-model pass follows, which needs the time more).
        Beside them, after the bound, `guide` runs RENS from the support LP (a member-total
        penalty over more than one span). Between neighbourhoods the bound is reported once it
        is in, each LP solution published guides one neighbourhood, and each roster published
        is taken if it is better.
        Every roster is checked against every row of the whole model before it is accepted."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            background = _Background(pool.submit(self.bound, incumbent) if prove else None)
            if prove:
                pool.submit(self.guide, incumbent)  # after the bound, on the same thread
            collect = functools.partial(self._collect, background)
            values, rounds = self._passes(incumbent, collect, cycles=not first_pass_only)
            if background.pending is not None:  # the search is done before the bound
                background.pending.result()
                values = collect(values)
        return WindowOutcome(values, self.value(values), background.bound, rounds)

    def _passes(self, incumbent: IntArray, between: Callable[[IntArray], IntArray], cycles: bool = True,
                ) -> tuple[IntArray, int]:
        """The first pass of short spans, then (with `cycles`) cycles of every span length until
        one cycle improves nothing or the time is up: (incumbent, passes)."""
        share = self.remaining() * (1.0 - FIRST_PASS_SHARE)
        span, stride = RINS_SPANS[0]
        values = self.rins_pass(incumbent.copy(), span, stride, lambda: self.remaining() - share, between)
        rounds = 1
        # passes in a row without improvement: a whole cycle of spans ends the search
        stale = 0 if cycles else len(RINS_SPANS)
        for span, stride in itertools.cycle(RINS_SPANS[::-1]):
            if self.remaining() <= 0 or self.stopped() or stale == len(RINS_SPANS):
                break
            before = self.value(values)
            values = self.rins_pass(values, span, stride, self.remaining, between)
            rounds += 1
            stale = stale + 1 if self.value(values) == before else 0
        return values, rounds

    def _collect(self, background: _Background, values: IntArray) -> IntArray:
        """Report the background bound once it is in, then `follow` what it has published: for a
        separable objective the pairs where each span's relaxation disagrees with the incumbent;
        else (the model's LP, one span) its RENS neighbourhood (the disagreement neighbourhood
        of `hours` on kc-week found nothing in 10 s), and `guide`'s rosters."""
        if background.pending is not None and background.pending.done():
            background.bound, background.pending = background.pending.result(), None
            if background.bound is not None:
                self.report(self.value(values), background.bound)
        return self.follow(values)

    def follow(self, values: IntArray) -> IntArray:
        """Take each roster published since the last call if it is better, and search the
        neighbourhood of each LP solution published since (while time is left): RINS for a
        separable objective, else RENS."""
        while self._rosters_followed < len(self.rosters):
            values = self.take(values, self.rosters[self._rosters_followed])
            self._rosters_followed += 1
        search = self.guided if self.separable else self.rens
        while self._relaxations_followed < len(self.relaxations):
            if self.remaining() <= 0 or self.stopped():
                break
            variables, relaxed = self.relaxations[self._relaxations_followed]
            self._relaxations_followed += 1
            values = search(values, variables, relaxed)
        return values

    def by_members(self, incumbent: IntArray, member_of_pair: IntArray, position_of_pair: IntArray,
                   minutes_of_pair: IntArray, base: IntArray, *, block: int | None = None,
                   max_free: int | None = None) -> WindowOutcome:
        """Member neighbourhoods for a penalty of each member's total (`hours`): the members who
        carry the most (`base` + the minutes they hold, highest first) in blocks of `block`, each
        with the members eligible for the positions the block holds whose totals are lowest, all
        their pairs free (every day of the horizon) and the rest held at the incumbent; CP-SAT
        solves each from the incumbent. A transfer from a heavy member to a light one is one
        move of such a neighbourhood, whichever day it falls on; a day window cannot see that
        both members' totals count."""
        block = MEMBER_BLOCK if block is None else block
        max_free = MEMBER_MAX_FREE if max_free is None else max_free
        values = incumbent.copy()
        n = self.n_pairs
        n_members = int(member_of_pair.max()) + 1 if n else 0
        rounds = 0
        tried: set[int] = set()
        while self.remaining() > MEMBER_MIN_SLICE and not self.stopped():
            held = values[:n] > 0
            total = base[:n_members] + np.bincount(member_of_pair[held], weights=minutes_of_pair[held],
                                                   minlength=n_members).astype(np.int64)
            holders = np.unique(member_of_pair[held])
            order = holders[np.argsort(-total[holders], kind="stable")]
            donors = np.asarray([m for m in order.tolist() if m not in tried][:block], dtype=np.int64)
            if len(donors) == 0:
                break
            tried.update(donors.tolist())
            free = self._member_block(values, donors, total, member_of_pair, position_of_pair, max_free)
            sub = sub_model(self.rows, self.lower, self.upper, self.objective, values,
                            self.restricted(values, free))
            seconds = min(self.remaining(), MEMBER_SLICE)
            found, objective, _ = self.solve(sub, seconds)
            log.debug("member block of %d: %d free, objective %s", len(donors), len(sub.free),
                      objective + sub.offset)
            values = self.accept(values, sub, found)
            rounds += 1
        return WindowOutcome(values, self.value(values), None, rounds)

    def _member_block(self, values: IntArray, donors: IntArray, total: IntArray, member_of_pair: IntArray,
                      position: IntArray, max_free: int) -> BoolArray:
        """The donors' pairs, and those of the lightest members eligible for the positions the
        donors hold, up to about `max_free` pairs; with the auxiliary variables of their rows."""
        n = self.n_pairs
        is_donor = np.zeros(len(total), dtype=np.bool_)
        is_donor[donors] = True
        held = (values[:n] > 0) & is_donor[member_of_pair]
        wanted = np.zeros(int(position.max()) + 1, dtype=np.bool_)
        wanted[position[held]] = True
        candidates = np.unique(member_of_pair[wanted[position] & ~is_donor[member_of_pair]])
        per_member = np.bincount(member_of_pair, minlength=len(total))
        budget = max_free - int(per_member[donors].sum())
        light = candidates[np.argsort(total[candidates], kind="stable")]
        take = light[np.cumsum(per_member[light]) <= max(budget, 0)]
        chosen = is_donor.copy()
        chosen[take] = True
        mask = np.zeros(len(self.lower), dtype=np.bool_)
        mask[:n] = chosen[member_of_pair]
        return close_over_rows(self.rows, mask, n)


@dataclass(frozen=True, eq=False)
class SegmentTrim:
    """A `WindowSearch.trim` for a convex piecewise-linear penalty of each member's new minutes
    (`distribution.hours`: segment k of member m, variable `seg_var[k]`, covers [lo_k, lo_k +
    length_k) of them). With the free pairs only, a member's minutes stay within [held - free
    held, held + free unheld]; a segment wholly outside that range keeps its incumbent value in
    every solution of the neighbourhood, so it is held too. The upper end is further cut to
    `swing` minutes above the incumbent: a restriction, not a relaxation (any solution of a
    neighbourhood still keeps every row of the whole model), which keeps a day window to the
    segments near each member's total instead of every segment of every member with a pair in it."""

    n_pairs: int
    pair_member: IntArray
    pair_minutes: IntArray
    seg_var: IntArray
    seg_member: IntArray
    seg_lo: IntArray
    seg_length: IntArray
    swing: int = 720

    @cached_property
    def n_members(self) -> int:
        return int(max(self.pair_member.max(initial=0), self.seg_member.max(initial=0))) + 1

    def minutes(self, pairs: BoolArray) -> IntArray:
        """Each member's minutes over the pairs `pairs`."""
        return np.bincount(self.pair_member[pairs], weights=self.pair_minutes[pairs],
                           minlength=self.n_members).astype(np.int64)

    def __call__(self, values: IntArray, free: BoolArray, *, swing: float | None = None) -> BoolArray:
        """`free` less the segments held; the upper end cut at `swing` minutes (default: the
        trim's own; infinite: no restriction, the segments that can move exactly)."""
        held = values[: self.n_pairs] > 0
        pair_free = free[: self.n_pairs]
        now = self.minutes(held)
        low = now - self.minutes(held & pair_free)
        high = now + np.minimum(self.minutes(~held & pair_free), self.swing if swing is None else swing)
        lo, member = self.seg_lo, self.seg_member
        changes = (lo < high[member]) & (lo + self.seg_length > low[member])
        out = free.copy()
        out[self.seg_var] &= changes
        return out

    def fill(self, values: IntArray) -> IntArray:
        """`values` with each member's segments filled in order up to the minutes its pairs hold
        (the cheapest segments that keep the member's row): the incumbent the trim assumes when
        the segments come from elsewhere (a rounded LP solution's are not consistent)."""
        total = self.minutes(values[: self.n_pairs] > 0)
        out = values.copy()
        out[self.seg_var] = np.clip(total[self.seg_member] - self.seg_lo, 0, self.seg_length)
        return out


@dataclass
class _Background:
    """The bound computed beside the search: the pending computation, then its value."""

    pending: Future[float | None] | None
    bound: float | None = None


class _Stopper:
    """Stops a running CP-SAT solve soon after `stopped()` turns true."""

    def __init__(self, solver: cp_model.CpSolver, stopped: Callable[[], bool]) -> None:
        self.solver, self.stopped = solver, stopped
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Stopper:
        self.thread.start()
        return self

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            if self.stopped():
                self.solver.stop_search()
                return

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
