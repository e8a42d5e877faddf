"""Compare distribution strategies and policy variants on one instance.

    plan = plan_comparison(instance, ["seniority", "hours"], params,
                           variants=[parse_variant("cap14: work_day_cap_hours=14")])
    report = compare(plan)
    paths = write_comparison(report, "report/")  # offduty.service.reports.comparison
    print(diff(report, "seniority", "hours"))    # who gains and who loses hours
    print(variant_changes(report, "cap14"))      # who loses or gains hours under the variant

Every (variant, strategy) is solved by `solve_verified` (the roster checked by the independent
verifier under that variant's own policy) and, unless `greedy=False`, by the greedy list. The
instance's own policy is the variant `base`. Strategies and variants are checked before anything
is solved (`plan_comparison` raises ValueError / VariantError). Jobs run in separate processes
when there are several and cores to spare (`ProcessPoolExecutor`); progress from every job
reaches the caller's `progress` callback through a queue.

The table has one row per (variant, strategy, method): status and explanation (an infeasible or
unsolved row says why, its figures are empty, never NaN), the strategy's own score (its tier's
value on the roster, `usecases.scores`), the gap, fill, staffing-floor shortfall, the fairness
metrics of `distribution.metrics`, pay cost, and for variants the members who lose or gain hours
against the base under the same strategy and method. Hours are totals (year to date + new
details) over the members eligible for anything under the solve's `candidates`.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.registry import STRATEGIES
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.solution import Candidates
from offduty.service.usecases.scores import strategy_scores
from offduty.service.usecases.solving import solve_verified
from offduty.service.usecases.variants import PolicyVariant, apply_variant
from offduty.solver import Progress, Result, SolveParams

BASE = "base"
METHODS = ("optimizer", "greedy")
#: Columns of `ComparisonReport.table`, in order.
COLUMNS = ["variant", "strategy", "method", "status", "score", "gap", "filled", "required", "floor_short",
           "hours_gini", "hours_max_min", "seniority_inversions", "fcfs_inversions", "rotation_inversions",
           "hours_transfers", "pay_cost", "members_losing", "members_gaining", "changes", "solve_s",
           "total_s", "explanation"]
_METRICS = ["hours_gini", "hours_max_min", "seniority_inversions", "fcfs_inversions", "rotation_inversions",
            "hours_transfers", "pay_cost", "changes"]


@dataclass(frozen=True)
class Job:
    """One solve of the comparison: a strategy under a variant's policy."""

    variant: str
    strategy: str
    instance: Instance
    params: SolveParams
    greedy: bool = True


@dataclass(frozen=True)
class Plan:
    instance: Instance
    strategies: list[str]
    variants: list[PolicyVariant]
    params: SolveParams
    jobs: list[Job]


@dataclass(frozen=True)
class Update:
    """Progress of one job: `progress` during the optimizer's search; `status` when a method ends."""

    variant: str
    strategy: str
    method: str
    progress: Progress | None = None
    status: str | None = None


UpdateCallback = Callable[[Update], None]


@dataclass
class ComparisonReport:
    """The outcome of `compare`.

    - `table`: one row per (variant, strategy, method), columns `COLUMNS`;
    - `hours`: total hours per member eligible for anything (index: member id), one column per
      run with a roster, labelled by `column()`;
    - `ytd`: those members' hours year to date;
    - `results`: the full Result of each (variant, strategy, method).
    """

    instance_name: str
    strategies: list[str]
    table: pd.DataFrame
    hours: pd.DataFrame
    ytd: pd.Series
    results: dict[tuple[str, str, str], Result] = field(default_factory=dict)
    variants: list[PolicyVariant] = field(default_factory=list)

    @property
    def variant_names(self) -> list[str]:
        return [BASE, *(v.name for v in self.variants)]

    def column(self, strategy: str, method: str = "optimizer", variant: str = BASE) -> str:
        return f"{strategy}/{method}" if variant == BASE else f"{variant}/{strategy}/{method}"


def plan_comparison(instance: Instance, strategies: Sequence[str], params: SolveParams, *,
                    variants: Sequence[PolicyVariant] = (), greedy: bool = True) -> Plan:
    """Check the strategies and apply the variants, before anything is solved.

    Raises ValueError for an unknown or missing strategy or a repeated variant name, and
    VariantError for a variant that cannot be applied."""
    names = list(dict.fromkeys(strategies))
    unknown = [s for s in names if s not in STRATEGIES]
    if unknown or not names:
        raise ValueError(f"unknown strategies {', '.join(unknown)} (known: {', '.join(STRATEGIES)})"
                         if unknown else "no strategies to compare")
    labels = [BASE, *(v.name for v in variants)]
    odd = [n for n in labels if not re.fullmatch(r"[A-Za-z0-9_.+-]+", n)]
    if odd:
        raise ValueError(f"variant names are letters, digits and _ . + - only: {', '.join(map(repr, odd))}")
    repeated = sorted({n for n in labels if labels.count(n) > 1})
    if repeated:
        raise ValueError(f"variant names must differ from each other and from {BASE!r}: "
                         f"{', '.join(repeated)}")
    instances = {BASE: instance} | {v.name: apply_variant(instance, v) for v in variants}
    jobs = [Job(label, s, instances[label], dataclasses.replace(params, strategy=s), greedy)
            for label in labels for s in names]
    return Plan(instance, names, list(variants), params, jobs)


def compare(plan: Plan | Instance, strategies: Sequence[str] = (), params: SolveParams | None = None, *,
            parallel: bool = True, progress: UpdateCallback | None = None) -> ComparisonReport:
    """Run every job of the plan (`compare(instance, strategies, params)` plans without
    variants). `params.engine.workers` CP-SAT workers per solve; with `parallel`, jobs run in up
    to cpu_count / workers processes."""
    if isinstance(plan, Instance):
        plan = plan_comparison(plan, strategies, params or SolveParams())
    workers = max(1, plan.params.engine.workers)
    processes = min(len(plan.jobs), max(1, (os.cpu_count() or 1) // workers))
    if parallel and processes > 1:
        outcomes = _in_processes(plan.jobs, processes, progress)
    else:
        outcomes = [_run(job, progress) for job in plan.jobs]
    results: dict[tuple[str, str, str], Result] = {}
    scores: dict[tuple[str, str, str], int | None] = {}
    for job, (found, score) in zip(plan.jobs, outcomes, strict=True):
        for method, result, value in zip(METHODS, found, score, strict=False):
            results[(job.variant, job.strategy, method)] = result
            scores[(job.variant, job.strategy, method)] = value
    return _report(plan, results, scores)


# --- running the jobs ---------------------------------------------------------------------------

Outcome = tuple[list[Result], list[int | None]]


def _run(job: Job, progress: UpdateCallback | None) -> Outcome:
    """The optimizer, then the greedy list, then each roster's score (one job, in any process)."""
    def tell(method: str, p: Progress | None = None, status: str | None = None) -> None:
        if progress is not None:
            progress(Update(job.variant, job.strategy, method, p, status))

    optimized = solve_verified(job.instance, job.params, progress=lambda p: tell("optimizer", p))
    tell("optimizer", status=optimized.status.value)
    found = [optimized]
    if job.greedy:
        tell("greedy")
        greedy = solve_verified(job.instance, job.params, greedy=True)
        tell("greedy", status=greedy.status.value)
        found.append(greedy)
    return found, strategy_scores(job.instance, job.params, found)


_QUEUE: Any = None  # the progress queue of a worker process (set by `_start_worker`)


def _start_worker(updates: Any) -> None:
    global _QUEUE
    _QUEUE = updates


def _run_in_worker(job: Job) -> Outcome:
    return _run(job, _QUEUE.put if _QUEUE is not None else None)


def _context() -> multiprocessing.context.BaseContext:
    """"fork" from a single-threaded process (fast, and the caller's script needs no `__main__`
    guard); "spawn" otherwise, since forking a process with other threads can deadlock."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _in_processes(jobs: list[Job], processes: int, progress: UpdateCallback | None) -> list[Outcome]:
    context = _context()  # chosen before the listener thread starts
    updates = context.Queue() if progress is not None else None
    listener = None
    if updates is not None and progress is not None:
        listener = threading.Thread(target=_listen, args=(updates, progress), daemon=True)
        listener.start()
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker,
                                 initargs=(updates,)) as pool:
            return list(pool.map(_run_in_worker, jobs))
    finally:
        if updates is not None and listener is not None:
            updates.put(None)
            listener.join()


def _listen(updates: Any, progress: UpdateCallback) -> None:
    while True:
        try:
            update = updates.get(timeout=1.0)
        except queue.Empty:
            continue
        if update is None:
            return
        progress(update)


# --- the report -----------------------------------------------------------------------------------


def _report(plan: Plan, results: dict[tuple[str, str, str], Result],
            scores: dict[tuple[str, str, str], int | None]) -> ComparisonReport:
    instance, params = plan.instance, plan.params
    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, Candidates(params.candidates))
    pool = np.unique(eligibility.pairs.member)
    ids = [arrays.member_ids[m] for m in pool.tolist()]
    ytd = pd.Series(arrays.member_hours_ytd[pool], index=pd.Index(ids, name="member"), name="ytd")
    required = int(arrays.position_count.sum())
    report = ComparisonReport(instance.name, plan.strategies, pd.DataFrame(columns=COLUMNS),
                              pd.DataFrame(index=ytd.index), ytd, results, plan.variants)
    hours = {}
    for (variant, strategy, method), result in results.items():
        if result.has_solution:
            worked = pd.Series([a.hours for a in result.assignments],
                               index=[a.member for a in result.assignments], dtype=float)
            new = worked.groupby(level=0).sum().reindex(ytd.index, fill_value=0.0)
            hours[report.column(strategy, method, variant)] = ytd + new
    report.hours = pd.DataFrame(hours, index=ytd.index)
    rows = [_row(report, key, result, scores.get(key), required) for key, result in results.items()]
    report.table = pd.DataFrame(rows, columns=COLUMNS)
    return report


def _row(report: ComparisonReport, key: tuple[str, str, str], result: Result, score: int | None,
         required: int) -> dict[str, Any]:
    variant, strategy, method = key
    m = result.metrics if result.has_solution else {}
    losing = gaining = None
    base = report.column(strategy, method)
    mine = report.column(strategy, method, variant)
    if variant != BASE and base in report.hours and mine in report.hours:
        change = report.hours[mine] - report.hours[base]
        losing, gaining = int((change < -1e-9).sum()), int((change > 1e-9).sum())
    return {
        "variant": variant, "strategy": strategy, "method": method, "status": result.status.value,
        "score": score, "gap": result.gap if method == "optimizer" and result.has_solution else None,
        "filled": m.get("filled"), "required": required,
        "floor_short": _floor_short(result) if result.has_solution else None,
        **{k: m.get(k) for k in _METRICS},
        "members_losing": losing, "members_gaining": gaining,
        "solve_s": result.timings.get("solve_s"), "total_s": result.timings.get("total_s"),
        "explanation": " ".join(result.explanation),
    }


def _floor_short(result: Result) -> int:
    """Members missing at the worst instant of each event below its staffing floor, summed."""
    worst: dict[str, int] = {}
    for s in result.shortages:
        worst[s.event] = max(worst.get(s.event, 0), s.floor - s.achieved)
    return sum(worst.values())


# --- reading the report ---------------------------------------------------------------------------


def diff(report: ComparisonReport, a: str, b: str) -> pd.DataFrame:
    """Per member: total hours under `a` and under `b`, and the change (b − a), largest gain first.

    `a` and `b` name runs as `[variant/]strategy[:greedy]` (the optimizer's roster by default,
    the base policy by default). Only members who get new work under either are listed
    (everyone else keeps their hours year to date)."""
    col_a, col_b = (_column(report, x) for x in (a, b))
    name_a, name_b = (x.replace(":", "_").replace("/", "_") for x in (a, b))
    if name_a == name_b:
        name_b += "_2"
    ha, hb = report.hours[col_a], report.hours[col_b]
    worked = (ha > report.ytd) | (hb > report.ytd)
    out = pd.DataFrame({"member": report.ytd.index[worked], "ytd": report.ytd[worked].to_numpy(),
                        name_a: ha[worked].to_numpy(), name_b: hb[worked].to_numpy()})
    out["change"] = out[name_b] - out[name_a]
    return out.sort_values(["change", "member"], ascending=[False, True], ignore_index=True)


def variant_changes(report: ComparisonReport, variant: str, strategy: str | None = None,
                    method: str = "optimizer") -> pd.DataFrame:
    """The members whose total hours differ under `variant` from the base policy (same strategy
    and method; the first strategy by default), most hours lost first. Empty when either run
    has no roster."""
    strategy = strategy or report.strategies[0]
    base, mine = report.column(strategy, method), report.column(strategy, method, variant)
    if base not in report.hours or mine not in report.hours:
        return pd.DataFrame(columns=["member", "ytd", BASE, variant, "change"])
    change = report.hours[mine] - report.hours[base]
    moved = change.abs() > 1e-9
    out = pd.DataFrame({"member": report.ytd.index[moved], "ytd": report.ytd[moved].to_numpy(),
                        BASE: report.hours[base][moved].to_numpy(),
                        variant: report.hours[mine][moved].to_numpy(), "change": change[moved].to_numpy()})
    return out.sort_values(["change", "member"], ignore_index=True)


def run_key(key: str, strategies: Sequence[str], variants: Sequence[str] = ()) -> tuple[str, str, str]:
    """`[variant/]strategy[:method]` → (variant, strategy, method); ValueError naming what is
    not compared. Used to check `--diff` before anything is solved."""
    variant, _, rest = key.rpartition("/")
    strategy, _, method = rest.partition(":")
    variant, method = variant or BASE, method or "optimizer"
    if method not in METHODS:
        raise ValueError(f"{key!r}: the method after ':' is optimizer or greedy, not {method!r}")
    if strategy not in strategies:
        raise ValueError(f"{key!r}: strategy {strategy!r} is not compared "
                         f"(compared: {', '.join(strategies)})")
    if variant != BASE and variant not in variants:
        known = ", ".join([BASE, *variants])
        raise ValueError(f"{key!r}: variant {variant!r} is not compared (compared: {known})")
    return variant, strategy, method


def _column(report: ComparisonReport, key: str) -> str:
    variant, strategy, method = run_key(key, report.strategies, [v.name for v in report.variants])
    column = report.column(strategy, method, variant)
    if column not in report.hours.columns:
        status = report.results[(variant, strategy, method)].status.value
        raise ValueError(f"{key!r} has no roster ({status})")
    return column
