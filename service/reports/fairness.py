"""Fairness over a period, for one or more solutions (one per strategy, say): how evenly the hours
fall, with offduty's own Gini (`distribution.metrics.gini`).

The members counted are those eligible for anything under the solution's `candidates` (as the
fairness metrics of DESIGN.md), whether they work in the period or not. Two Gini coefficients:
of the period's hours, and of total hours (year to date plus the period's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.metrics import gini
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.solution import Candidates, Solution
from offduty.service.io.roster import Period, roster_frame
from offduty.service.reports.base import Report, ReportError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = ["strategy", "candidates", "pool", "members_with_work", "details", "hours", "pay", "mean_hours",
           "median_hours", "p90_hours", "max_hours", "max_min_hours", "gini_period", "gini_total"]


def pool_mask(arrays: InstanceArrays, candidates: Candidates) -> np.ndarray:
    """Members eligible for at least one position."""
    pool = np.zeros(arrays.n_members, dtype=np.bool_)
    pool[compute_eligibility(arrays, candidates).pairs.member] = True
    return pool


def fairness_report(instance: Instance, solutions: list[tuple[str, Solution]],
                    period: Period | None = None) -> Report:
    """`solutions`: (label, solution) pairs, e.g. ("seniority", ...), ("hours", ...)."""
    if not solutions:
        raise ReportError("no solution given")
    period = period or Period()
    arrays = InstanceArrays.build(instance)
    pools: dict[Candidates, np.ndarray] = {}
    rows, per_member = [], {}
    for label, solution in solutions:
        pool = pools.get(solution.candidates)
        if pool is None:
            pool = pools[solution.candidates] = pool_mask(arrays, solution.candidates)
        roster = roster_frame(instance, solution, period)
        member = np.asarray([arrays.member_index[m] for m in roster["member"]], dtype=np.int64)
        hours = np.bincount(member, weights=roster["minutes"].to_numpy(dtype=np.float64) / 60,
                            minlength=arrays.n_members)
        per_member[label] = hours
        pooled = hours[pool]
        rows.append({
            "strategy": label, "candidates": solution.candidates.value, "pool": int(pool.sum()),
            "members_with_work": int((hours > 0).sum()), "details": len(roster),
            "hours": float(hours.sum()), "pay": float(sum(roster["pay"], start=0)),
            "mean_hours": float(pooled.mean()) if len(pooled) else 0.0,
            "median_hours": float(np.median(pooled)) if len(pooled) else 0.0,
            "p90_hours": float(np.percentile(pooled, 90)) if len(pooled) else 0.0,
            "max_hours": float(pooled.max()) if len(pooled) else 0.0,
            "max_min_hours": float(pooled.max() - pooled.min()) if len(pooled) else 0.0,
            "gini_period": round(gini(pooled), 4),
            "gini_total": round(gini(pooled + arrays.member_hours_ytd[pool]), 4),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    members = _members(instance, arrays, per_member)
    return _report(table, members, per_member, pools, solutions, period, instance)


def _members(instance: Instance, arrays: InstanceArrays, per_member: dict[str, np.ndarray]) -> pd.DataFrame:
    """Hours per member under each solution (members who work under any of them)."""
    frame = pd.DataFrame({"member": arrays.member_ids, "name": [m.name for m in instance.members],
                          "hours_ytd": arrays.member_hours_ytd, **per_member})
    worked = np.zeros(arrays.n_members, dtype=np.bool_)
    for hours in per_member.values():
        worked |= hours > 0
    return frame[worked].reset_index(drop=True)


def _report(table: pd.DataFrame, members: pd.DataFrame, per_member: dict[str, np.ndarray],
            pools: dict[Candidates, np.ndarray], solutions: list[tuple[str, Solution]], period: Period,
            instance: Instance) -> Report:
    records = table.to_dict("records")
    totals: dict[str, float | int] = {f"hours:{r['strategy']}": r["hours"] for r in records}
    totals |= {f"gini_period:{r['strategy']}": r["gini_period"] for r in records}
    summary = [f"period: {period.label} ({instance.name or 'instance'})",
               "pool: members eligible for at least one position under the solution's candidates",
               *(f"{r['strategy']}: Gini {r['gini_period']:.3f} (period), {r['gini_total']:.3f} (with hours "
                 f"year to date); {r['members_with_work']} of {r['pool']} members work, "
                 f"{r['hours']:,.2f} hours"
                 for r in records)]

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2)
        data = []
        for label, solution in solutions:
            hours = per_member[label][pools[solution.candidates]]
            data.append(hours[hours > 0])
        left.boxplot(data, tick_labels=[label for label, _ in solutions])
        left.set(title="Hours per member who works", ylabel="hours in the period")
        for label, solution in solutions:
            hours = np.sort(per_member[label][pools[solution.candidates]])
            if hours.sum() <= 0:
                continue
            x = np.linspace(0, 1, len(hours) + 1)
            right.plot(x, np.concatenate([[0], np.cumsum(hours) / hours.sum()]), label=label)
        right.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
        right.set(title="Lorenz curve of the period's hours (pool)", xlabel="share of members",
                  ylabel="share of hours")
        right.legend(loc="upper left")

    return Report("fairness", f"Fairness, {period.label}", table, summary, totals,
                  extra={"members": members}, draw=draw)
