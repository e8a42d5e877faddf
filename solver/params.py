"""Solve parameters, progress reports, and the CP-SAT configuration for small machines."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from offduty.models.solution import Candidates

#: Measured on the chiefs-game scenario, seed 1 (4,466 pairs; see benchmarks/README.md), total
#: seconds to proven optimality of both tiers: 1 worker + linearization 2: 2.2 s; the same without
#: presolve: 0.65 s; linearization 1: no proof in 60 s; 2 workers: no proof in 60 s; OR-Tools
#: defaults on 2 workers: no proof in 20 s. On 2 cores the default portfolio drops the LP-based
#: subsolvers that prove the bound, and presolve costs more than it saves on these models
#: once a complete hint is given.
#: On kc-week (61k pairs) probing alone spent 7.7 s before the search, and lazily added LP rows
#: left the bound at 39.6k after 30 s where rows added up front reach 67.0k (optimum ≈ 67.8k);
#: on the Chiefs game the seniority tier went from 0.70 s to 0.52 s with both changes.
DEFAULT_WORKERS = 1
DEFAULT_LINEARIZATION_LEVEL = 2
DEFAULT_PRESOLVE = False
DEFAULT_PROBING_LEVEL = 0
DEFAULT_LAZY_LP_ROWS = False
#: Above this many pairs the strategy tier is searched by day windows only (no CP-SAT pass over the
#: whole model): on kc-month (416k pairs) the whole model's single worker never left the greedy
#: roster in 60 s and peaked at 1.9 GB. At or below it the windows improve the roster first and
#: the whole model then proves the bound from it.
DEFAULT_WINDOW_ONLY_PAIRS = 150_000
#: The share of a tier's time the windows get before the whole-model pass.
DEFAULT_WINDOW_SHARE = 0.25
#: Workers of the whole-model pass that follows the windows: their LP thread is done by then, so
#: the second core is free. On kc-week (seniority, 33.5k of 64k pairs held by reduced costs) one
#: worker proved the restricted model's bound in 7 s and then found no better roster in 40 s;
#: two (the LP search and LNS beside it) proved it in 6.3-10 s over three seeds.
DEFAULT_PROOF_WORKERS = 2


@dataclass(frozen=True)
class EngineParams:
    """How the engine searches: tuning that never changes what counts as a valid or best roster."""

    workers: int = DEFAULT_WORKERS
    seed: int = 0
    #: Stop a tier once its relative gap is at most this.
    relative_gap: float = 0.0
    linearization_level: int = DEFAULT_LINEARIZATION_LEVEL
    presolve: bool = DEFAULT_PRESOLVE
    #: Start each solve from the greedy list solution (a complete hint).
    greedy_hint: bool = True
    #: Improve the strategy tier day window by window (`solver.lns`) when the instance spans
    #: more than one day.
    window_search: bool = True
    window_share: float = DEFAULT_WINDOW_SHARE
    proof_workers: int = DEFAULT_PROOF_WORKERS
    window_only_pairs: int = DEFAULT_WINDOW_ONLY_PAIRS
    #: Extra seconds of proof for a stronger bound than a timed solve has time for (the
    #: benchmarks' best-known bounds): CP-SAT on each relaxed span of a separable tier, PDLP for
    #: the multipliers of a member-total penalty (`solver.lns.WindowSearch.proof_seconds`).
    bound_seconds: float = 0.0
    #: Use OR-Tools' default parameters instead of offduty's tuning (a benchmark peer).
    ortools_defaults: bool = False
    log_search: bool = False

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if self.proof_workers < 1:
            raise ValueError(f"proof_workers must be at least 1, not {self.proof_workers}")
        if self.bound_seconds < 0:
            raise ValueError(f"bound_seconds must be at least 0, not {self.bound_seconds}")
        if not 0 <= self.relative_gap < 1:
            raise ValueError(f"relative_gap must be in [0, 1), not {self.relative_gap}")
        if not 0 < self.window_share <= 1:
            raise ValueError(f"window_share must be in (0, 1], not {self.window_share}")


@dataclass(frozen=True)
class Resolve:
    """A re-solve of a published roster (docs/resolve.md).

    The instance's `assignments` are the published roster and its `cancellations` the vacated
    places. The tiers become: 1 coverage, 2 changes (the symmetric difference between the new
    roster and the published one, cancelled pairs not counted: a member moved counts two),
    3 the strategy over the newcomers only."""

    #: Nobody on the published roster may be moved or dropped: only vacated places are filled.
    freeze: bool = False
    #: At most this many changes (a hard limit: coverage gives way to it).
    max_changes: int | None = None

    def __post_init__(self) -> None:
        if self.max_changes is not None and self.max_changes < 0:
            raise ValueError(f"max_changes must be 0 or more, not {self.max_changes}")


@dataclass(frozen=True)
class SolveParams:
    """The problem's options: what is solved and for how long. `engine` holds the tuning."""

    strategy: str = "seniority"
    candidates: Candidates = Candidates.ALL_ELIGIBLE
    #: Seconds for the whole solve: model build and every tier together.
    time_limit: float = 60.0
    #: Report unmet C-STAFFING-RATIO floors as shortages instead of answering infeasible.
    allow_understaffed: bool = False
    #: A re-solve of the instance's published roster (changes before the strategy); None: a plain
    #: solve, where a current roster only breaks ties after the strategy (DESIGN.md tier 3).
    resolve: Resolve | None = None
    engine: EngineParams = field(default_factory=EngineParams)

    def __post_init__(self) -> None:
        if not self.time_limit > 0 or self.time_limit != self.time_limit:
            raise ValueError(f"time_limit must be a positive number of seconds, not {self.time_limit}")
        object.__setattr__(self, "candidates", Candidates(self.candidates))


@dataclass(frozen=True)
class Progress:
    """A report during the search: one per improving solution or bound of a tier."""

    tier: str
    tier_index: int
    objective: float | None
    bound: float | None
    gap: float | None
    elapsed_s: float
    solutions: int


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def configure(solver: cp_model.CpSolver, params: EngineParams, time_limit: float) -> None:
    p = solver.parameters
    p.max_time_in_seconds = max(0.0, time_limit)
    p.random_seed = params.seed
    p.log_search_progress = params.log_search
    # A Ctrl-C belongs to the caller (the CLI turns it into a stop that keeps the best roster);
    # CP-SAT catching it would end one tier and go on with the next.
    p.catch_sigint_signal = False
    p.num_workers = params.workers
    if params.ortools_defaults:
        return
    p.linearization_level = params.linearization_level
    p.cp_model_presolve = params.presolve
    p.cp_model_probing_level = DEFAULT_PROBING_LEVEL
    p.add_lp_constraints_lazily = DEFAULT_LAZY_LP_ROWS
    # The hint is complete and becomes the first solution; walking it again decision by decision
    # with the LP cost 0.38 s of the Chiefs game's 0.51 s and 44 s on kc-month.
    p.hint_conflict_limit = 0
    if params.relative_gap > 0:
        p.relative_gap_limit = params.relative_gap
