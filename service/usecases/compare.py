"""Compare distribution strategies on one instance: the optimizer and the greedy list for each.

    report = compare(instance, ["seniority", "hours"], SolveParams(time_limit=60))
    paths = write_comparison(report, "report/")  # offduty.service.reports.comparison
    print(diff(report, "seniority", "hours"))    # who gains and who loses hours

Each strategy is solved by `solve_verified` (one CP-SAT worker per solve) and by the greedy
list, in separate processes when there are several strategies and
cores (`ProcessPoolExecutor`, max_workers = min(strategies, cpu_count)). Processes are forked
from a single-threaded caller, else spawned (the caller's main module must then be import-safe).
The table has one row per (strategy, method) with the metrics of `distribution.metrics`; hours
are totals (year to date + new details) over the members eligible for anything under the
solve's `candidates`.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.registry import STRATEGIES
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.solution import Candidates
from offduty.service.usecases.solving import solve_verified
from offduty.solver import Result, SolveParams

METHODS = ("optimizer", "greedy")
#: Columns of `ComparisonReport.table`, in order.
COLUMNS = ["strategy", "method", "status", "gap", "filled", "required", "hours_gini", "hours_max_min",
           "seniority_inversions", "fcfs_inversions", "rotation_inversions", "hours_transfers",
           "pay_cost", "changes", "solve_s", "total_s"]


@dataclass
class ComparisonReport:
    """The outcome of `compare`.

    - `table`: one row per (strategy, method), columns `COLUMNS`;
    - `hours`: total hours per member eligible for anything (index: member id), one column per
      "strategy/method";
    - `ytd`: those members' hours year to date;
    - `results`: the full Result of each (strategy, method).
    """

    instance_name: str
    strategies: list[str]
    table: pd.DataFrame
    hours: pd.DataFrame
    ytd: pd.Series
    results: dict[tuple[str, str], Result] = field(default_factory=dict)

    def column(self, strategy: str, method: str = "optimizer") -> str:
        return f"{strategy}/{method}"


def _run(instance: Instance, params: SolveParams) -> tuple[Result, Result]:
    """One strategy: the optimizer, then the greedy list (a process-pool task)."""
    return solve_verified(instance, params), solve_verified(instance, params, greedy=True)


def _context() -> multiprocessing.context.BaseContext:
    """"fork" from a single-threaded process (fast, and the caller's script needs no `__main__`
    guard); "spawn" otherwise, since forking a process with other threads can deadlock."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def compare(instance: Instance, strategies: Sequence[str], params: SolveParams,
            parallel: bool = True) -> ComparisonReport:
    """Solve `instance` under each strategy with the optimizer and the greedy list.

    `params` applies to every solve except `strategy` (taken from `strategies`) and `workers`
    (1 per solve). With `parallel`, strategies run in up to min(len(strategies), cpu_count)
    processes. Unknown strategy names raise ValueError before anything runs.
    """
    strategies = list(dict.fromkeys(strategies))
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown or not strategies:
        raise ValueError(f"unknown strategies {unknown} (known: {', '.join(sorted(STRATEGIES))})"
                         if unknown else "no strategies to compare")
    engine = dataclasses.replace(params.engine, workers=1)
    per = [dataclasses.replace(params, strategy=s, engine=engine) for s in strategies]
    workers = min(len(strategies), os.cpu_count() or 1)
    if parallel and workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            outcomes = list(pool.map(_run, [instance] * len(per), per))
    else:
        outcomes = [_run(instance, p) for p in per]
    results: dict[tuple[str, str], Result] = {}
    for strategy, (optimized, greedy) in zip(strategies, outcomes, strict=True):
        results[(strategy, "optimizer")] = optimized
        results[(strategy, "greedy")] = greedy
    return _report(instance, strategies, params, results)


def _report(instance: Instance, strategies: list[str], params: SolveParams,
            results: dict[tuple[str, str], Result]) -> ComparisonReport:
    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, Candidates(params.candidates))
    pool = np.unique(eligibility.pairs.member)
    ids = [arrays.member_ids[m] for m in pool.tolist()]
    ytd = pd.Series(arrays.member_hours_ytd[pool], index=pd.Index(ids, name="member"), name="ytd")
    rows, hours = [], {}
    for (strategy, method), result in results.items():
        worked = pd.Series([a.hours for a in result.assignments],
                           index=[a.member for a in result.assignments], dtype=float)
        new = worked.groupby(level=0).sum().reindex(ytd.index, fill_value=0.0)
        hours[f"{strategy}/{method}"] = ytd + new
        metrics = result.metrics
        rows.append({
            "strategy": strategy, "method": method, "status": result.status.value,
            "gap": result.gap, **{k: metrics.get(k) for k in COLUMNS[4:14]},
            "solve_s": result.timings.get("solve_s"), "total_s": result.timings.get("total_s"),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    return ComparisonReport(instance.name, strategies, table, pd.DataFrame(hours), ytd, results)


def diff(report: ComparisonReport, a: str, b: str) -> pd.DataFrame:
    """Per member: total hours under `a` and under `b`, and the change (b − a), largest gain first.

    `a` and `b` are strategy names (their optimizer rosters) or "strategy:greedy". Only members
    who get new work under either are listed (everyone else keeps their hours year to date).
    """
    col_a, col_b = (_column(report, x) for x in (a, b))
    name_a, name_b = (x.replace(":", "_") for x in (a, b))
    if name_a == name_b:
        name_b += "_2"
    ha, hb = report.hours[col_a], report.hours[col_b]
    worked = (ha > report.ytd) | (hb > report.ytd)
    out = pd.DataFrame({"member": report.ytd.index[worked], "ytd": report.ytd[worked].to_numpy(),
                        name_a: ha[worked].to_numpy(), name_b: hb[worked].to_numpy()})
    out["change"] = out[name_b] - out[name_a]
    return out.sort_values(["change", "member"], ascending=[False, True], ignore_index=True)


def _column(report: ComparisonReport, key: str) -> str:
    strategy, _, method = key.partition(":")
    method = method or "optimizer"
    column = report.column(strategy, method)
    if column not in report.hours.columns:
        raise ValueError(f"{key!r} is not in the report (have {', '.join(report.hours.columns)})")
    return column
