"""Top employers by hours and pay for a period: the agency's most active customers (pillar 4 of
the five-pillars text)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.roster import Period, roster_frame
from offduty.service.reports.base import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = ["rank", "employer", "employer_name", "events", "assignments", "members", "hours", "pay",
           "share_of_hours"]


def employers_report(instance: Instance, solution: Solution, period: Period | None = None,
                     top: int = 20) -> Report:
    """Every employer with assignments in the period, by pay (then hours); the page and the chart
    show the `top` first."""
    period = period or Period()
    roster = roster_frame(instance, solution, period)
    grouped = roster.groupby(["employer", "employer_name"], sort=False).agg(
        events=("event", "nunique"), assignments=("position", "size"), members=("member", "nunique"),
        minutes=("minutes", "sum"), pay=("pay", lambda p: sum(p, Decimal(0))))
    table = grouped.reset_index()
    table["hours"] = table["minutes"] / 60
    total_hours = float(table["hours"].sum())
    table["share_of_hours"] = table["hours"] / total_hours if total_hours else 0.0
    table["pay_sort"] = table["pay"].map(float)
    table = table.sort_values(["pay_sort", "hours", "employer"], ascending=[False, False, True],
                              kind="stable", ignore_index=True)
    table["rank"] = range(1, len(table) + 1)
    table = table[COLUMNS]
    totals: dict[str, float | int] = {"employers": len(table), "hours": total_hours,
                                      "pay": float(sum(table["pay"], start=Decimal(0)))}
    head = table.head(top)
    share = float(head["share_of_hours"].sum()) if len(head) else 0.0
    summary = [f"period: {period.label} ({instance.name or 'instance'})",
               f"{totals['employers']} employers, {total_hours:,.2f} hours, pay {totals['pay']:,.2f}",
               f"the top {len(head)} take {share:.1%} of the hours"]

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, sharey=True)
        labels = [str(n or e) for e, n in zip(head["employer"], head["employer_name"], strict=True)][::-1]
        left.barh(labels, head["hours"].to_numpy()[::-1], color="#4477aa")
        left.set(title=f"Top {len(head)} employers: hours", xlabel="hours")
        right.barh(labels, [float(p) for p in head["pay"]][::-1], color="#228833")
        right.set(title="pay", xlabel="pay, thousands")
        right.xaxis.set_major_formatter(lambda x, _: f"{x / 1000:,.0f}k")

    return Report("employers", f"Top employers by hours and pay, {period.label}", table, summary, totals,
                  draw=draw, markdown_rows=top)
