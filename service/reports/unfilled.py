"""Unfilled positions and their reasons, by employer and venue.

The reasons are the solution's `unfilled[].reasons`: for each position, how many members each
eligibility rule excluded first (`E-...` codes; `C-...` codes for pairs a model rule alone rules
out), and `eligible`, the members who passed every rule (all busy elsewhere or at a cap when the
position still lacks members). Summed over an employer's positions they say which rule keeps
its details empty (E-EMPLOYER for an unapproved or restricted employer, E-ON-DUTY...).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.roster import Period
from offduty.service.reports.base import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = ["employer", "employer_name", "venue", "event", "event_name", "start", "position", "count",
           "missing", "eligible", "reasons"]
GROUP_COLUMNS = ["employer", "employer_name", "venue", "positions", "missing", "eligible", "main_reasons"]


def _reasons_text(reasons: dict[str, int] | Counter[str], top: int | None = None) -> str:
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return ", ".join(f"{code} {n}" for code, n in ordered)


def unfilled_report(instance: Instance, solution: Solution, period: Period | None = None) -> Report:
    period = period or Period()
    tz = ZoneInfo(instance.policy.timezone)
    where = {p.id: (p, s, e) for e in instance.events for s in e.shifts for p in s.positions}
    employers = {e.id: e.name for e in instance.employers}
    rows, reasons_of = [], []
    for u in solution.unfilled:
        if u.position not in where:
            continue
        position, shift, event = where[u.position]
        start = shift.start.astimezone(tz)
        if not period.contains(start.date()):
            continue
        rows.append({"employer": event.employer, "employer_name": employers.get(event.employer, ""),
                     "venue": event.venue.value, "event": event.id, "event_name": event.name, "start": start,
                     "position": position.id, "count": position.count, "missing": u.missing,
                     "eligible": u.eligible, "reasons": _reasons_text(u.reasons)})
        reasons_of.append(Counter(u.reasons))
    table = pd.DataFrame(rows, columns=COLUMNS)
    order = table.sort_values(["missing", "start"], ascending=[False, True], kind="stable").index
    groups = _groups(table, reasons_of)
    table = table.loc[order].reset_index(drop=True)
    return _report(table, groups, period, instance, solution)


def _groups(table: pd.DataFrame, reasons_of: list[Counter[str]]) -> pd.DataFrame:
    out = []
    for (employer, name, venue), rows in table.groupby(["employer", "employer_name", "venue"], sort=False):
        reasons: Counter[str] = Counter()
        for i in rows.index:
            reasons.update(reasons_of[i])
        out.append({"employer": employer, "employer_name": name, "venue": venue, "positions": len(rows),
                    "missing": int(rows["missing"].sum()), "eligible": int(rows["eligible"].sum()),
                    "main_reasons": _reasons_text(reasons, 3)})
    frame = pd.DataFrame(out, columns=GROUP_COLUMNS)
    return frame.sort_values(["missing", "employer"], ascending=[False, True], kind="stable",
                             ignore_index=True)


def _report(table: pd.DataFrame, groups: pd.DataFrame, period: Period, instance: Instance,
            solution: Solution) -> Report:
    required = sum(p.count for e in instance.events for s in e.shifts for p in s.positions)
    totals: dict[str, float | int] = {"positions": len(table), "missing": int(table["missing"].sum()),
                                      "employers": groups["employer"].nunique()}
    summary = [f"period: {period.label} ({instance.name or 'instance'}); solution status "
               f"{solution.status.value}, strategy {solution.strategy}",
               f"{totals['missing']} slot(s) unfilled on {totals['positions']} position(s) of "
               f"{totals['employers']} employer(s) (the instance asks for {required} slots in all)",
               "reasons: members excluded by each rule (first rule that excluded them); `eligible` members "
               "passed every rule but were busy elsewhere or at a cap"]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        top = groups.head(20)
        labels = [f"{n or e} · {v}" for e, n, v in zip(top["employer"], top["employer_name"], top["venue"],
                                                       strict=True)]
        ax.barh(labels[::-1], top["missing"].to_numpy()[::-1], color="#cc3311")
        ax.set(title="Unfilled slots by employer and venue (top 20)", xlabel="slots unfilled")

    return Report("unfilled", f"Unfilled positions, {period.label}", table, summary, totals,
                  extra={"by-employer": groups}, draw=draw, first=("by-employer",))
