"""Compare distribution strategies on one instance: the optimizer and the greedy list for each.

    report = compare(instance, ["seniority", "hours"], SolveParams(time_limit=60))
    paths = write(report, "report/")           # comparison.csv/.md, hours_distribution.png, lorenz.png
    print(diff(report, "seniority", "hours"))  # who gains and who loses hours

Each strategy is solved by `solver.solve` (one CP-SAT worker per solve) and by
`solver.greedy.solve_greedy`, in separate processes when there are several strategies and
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
from pathlib import Path

import numpy as np
import pandas as pd

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.metrics import gini
from offduty.distribution.registry import STRATEGIES
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.solution import Candidates
from offduty.solver.params import SolveParams
from offduty.solver.result import Result

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
    from offduty.solver.greedy import solve_greedy
    from offduty.solver.solve import solve

    return solve(instance, params), solve_greedy(instance, params)


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
    per = [dataclasses.replace(params, strategy=s, workers=1) for s in strategies]
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


def write(report: ComparisonReport, out_dir: str | Path) -> dict[str, Path]:
    """Write comparison.csv, comparison.md, hours_distribution.png and lorenz.png into `out_dir`
    (created if needed); returns their paths by file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in
             ("comparison.csv", "comparison.md", "hours_distribution.png", "lorenz.png")}
    report.table.to_csv(paths["comparison.csv"], index=False)
    paths["comparison.md"].write_text(_markdown(report), encoding="utf-8")
    _plot_distribution(report, paths["hours_distribution.png"])
    _plot_lorenz(report, paths["lorenz.png"])
    return paths


def _markdown(report: ComparisonReport) -> str:
    table = report.table
    def cell(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "–"
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.2f}"
        return str(v)
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" if c in ("strategy", "method", "status") else "---:"
                          for c in table.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in table.astype(object).itertuples(index=False)]
    name = report.instance_name or "instance"
    intro = (f"# Strategy comparison: {name}\n\n"
             f"{len(report.ytd)} members eligible for anything; hours are totals (year to date + "
             f"new). Inversions count (better-ranked member, assignment) pairs the member could "
             f"have taken; `hours_transfers` counts detail moves that would lower the larger "
             f"total. `gap` is the optimizer's relative gap (none for the greedy list).\n\n")
    return intro + "\n".join([header, rule, *body]) + "\n"


def _plot_distribution(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = list(report.hours.columns)
    labels = [c.replace("/optimizer", "").replace("/", "\n") for c in columns]
    fig, axes = plt.subplots(1, 2, figsize=(max(8.0, 1.3 * len(columns) + 4), 5.5), squeeze=False)
    left, right = axes[0]
    colors = ["#4C72B0" if c.endswith("/optimizer") else "#DD8452" for c in columns]
    data = [report.hours[c].to_numpy() for c in columns]
    worked = [report.hours[c][report.hours[c] > report.ytd].to_numpy() for c in columns]
    for ax, values, title in (
            (left, data, f"all {len(report.ytd)} members eligible for anything"),
            (right, worked, "members who get new work")):
        box = ax.boxplot([v if len(v) else np.zeros(1) for v in values], patch_artist=True,
                         widths=0.6, flierprops={"markersize": 2, "alpha": 0.4})
        for patch, color in zip(box["boxes"], colors, strict=True):
            patch.set_facecolor(color)
            patch.set_alpha(0.6)
        ax.set_xticks(range(1, len(columns) + 1), labels, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("total hours (year to date + new)")
        ax.grid(axis="y", alpha=0.3)
    for i, v in enumerate(worked, start=1):
        right.annotate(f"n={len(v)}", (i, 0), xycoords=("data", "axes fraction"),
                       xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.6) for c in ("#4C72B0", "#DD8452")]
    fig.legend(handles, ["optimizer", "greedy list"], loc="upper right", fontsize=8)
    fig.suptitle(f"Total hours per strategy — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _lorenz(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The Lorenz curve of `values` (fewest first) at the population shares `grid`."""
    v = np.sort(values)
    total = v.sum()
    x = np.linspace(0, 1, len(v) + 1)
    y = np.concatenate([[0.0], np.cumsum(v) / total]) if total > 0 else x
    return np.interp(grid, x, y)


def _plot_lorenz(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, delta) = plt.subplots(1, 2, figsize=(13, 6))
    grid = np.linspace(0, 1, 501)
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="equality")
    reference_column = report.column(report.strategies[0], "optimizer")
    reference = _lorenz(report.hours[reference_column].to_numpy(), grid)
    cmap = plt.get_cmap("tab10")
    for i, strategy in enumerate(report.strategies):
        for method, style in (("optimizer", "-"), ("greedy", ":")):
            column = report.column(strategy, method)
            if column not in report.hours.columns:
                continue
            values = report.hours[column].to_numpy()
            curve = _lorenz(values, grid)
            label = f"{strategy} ({method}), Gini {gini(values):.4f}"
            ax.plot(grid, curve, style, color=cmap(i % 10), linewidth=1.4, label=label)
            delta.plot(grid, 100 * (curve - reference), style, color=cmap(i % 10), linewidth=1.4,
                       label=label)
    ax.set_xlabel("share of members eligible for anything (fewest hours first)")
    ax.set_ylabel("share of total hours")
    ax.set_title("Lorenz curves of total hours (year to date + new)", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    delta.axhline(0, color="grey", linewidth=0.8)
    delta.set_xlabel("share of members eligible for anything (fewest hours first)")
    delta.set_ylabel(f"Lorenz curve minus {report.strategies[0]} (optimizer), percentage points")
    delta.set_title("Differences between the curves (above 0 = more equal)", fontsize=10)
    delta.set_xlim(0, 1)
    delta.grid(alpha=0.3)
    fig.suptitle(f"Lorenz curves — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)
