"""One member's secondary employment schedule for a period (KCPD 630-9 §III.L.1: commanders may ask
a member for a copy of it), with the on-duty tours and leaves of the same days for context."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.roster import Period, roster_frame
from offduty.service.reports.base import Report, ReportError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLUMNS = ["date", "weekday", "start", "end", "hours", "employer_name", "event_name", "venue", "position",
           "rate", "pay"]


def schedule_report(instance: Instance, solution: Solution, member_id: str, period: Period | None = None,
                    ) -> Report:
    period = period or Period()
    member = next((m for m in instance.members if m.id == member_id), None)
    if member is None:
        raise ReportError(f"no member with id {member_id!r} in the instance")
    roster = roster_frame(instance, solution, period)
    mine = roster[roster["member"] == member_id]
    table = pd.DataFrame({
        "date": mine["date"], "weekday": [d.strftime("%a") for d in mine["date"]],
        "start": mine["start"], "end": mine["end"], "hours": mine["hours"],
        "employer_name": mine["employer_name"], "event_name": mine["event_name"], "venue": mine["venue"],
        "position": mine["position"], "rate": mine["rate"], "pay": mine["pay"],
    }, columns=COLUMNS).reset_index(drop=True)
    tz = ZoneInfo(instance.policy.timezone)
    tours = pd.DataFrame([{"start": t.start.astimezone(tz), "end": t.end.astimezone(tz),
                           "hours": (t.end - t.start).total_seconds() / 3600,
                           "exception_hours": t.exception_hours}
                          for t in member.tours if period.contains(t.start.astimezone(tz).date())],
                         columns=["start", "end", "hours", "exception_hours"])
    leaves = pd.DataFrame([{"kind": lv.kind.value, "start": lv.start.astimezone(tz),
                            "end": lv.end.astimezone(tz)} for lv in member.leaves
                           if _touches(period, lv.start.astimezone(tz).date(), lv.end.astimezone(tz).date())],
                          columns=["kind", "start", "end"])
    totals: dict[str, float | int] = {"details": len(table), "hours": float(mine["minutes"].sum()) / 60,
                                      "pay": float(sum(table["pay"], start=0)), "tours": len(tours)}
    who = f"{member.name} ({member.id})" if member.name else member.id
    summary = [f"member: {who}, {member.rank.value}",
               f"period: {period.label}",
               f"{totals['details']} secondary detail(s), {totals['hours']:.2f} hours, "
               f"pay {totals['pay']:,.2f}; "
               f"{totals['tours']} on-duty tour(s)"]

    def draw(fig: Figure) -> None:
        _timeline(fig.subplots(), table, tours, who)

    return Report("schedule", f"Secondary employment schedule of {who}, {period.label} (§III.L)", table,
                  summary, totals, extra={"tours": tours, "leaves": leaves}, draw=draw)


def _touches(period: Period, first: dt.date, last: dt.date) -> bool:
    return (period.last is None or first <= period.last) and (period.first is None or last >= period.first)


def _timeline(ax: Axes, details: pd.DataFrame, tours: pd.DataFrame, who: str) -> None:
    """One row per day, hours of the day across; tours grey, details blue (past midnight continues
    to the right, up to 36 h)."""
    days = sorted({*(t.date() for t in details["start"]), *(t.date() for t in tours["start"])})
    row = {d: i for i, d in enumerate(days)}
    for frame, color, label in ((tours, "#bbbbbb", "on duty"), (details, "#4477aa", "secondary")):
        for k, (start, end) in enumerate(zip(frame["start"], frame["end"], strict=True)):
            midnight = dt.datetime.combine(start.date(), dt.time(), tzinfo=start.tzinfo)
            x0 = (start - midnight).total_seconds() / 3600
            ax.broken_barh([(x0, (end - start).total_seconds() / 3600)], (row[start.date()] - 0.35, 0.7),
                           color=color, label=label if k == 0 else None)
    ax.set_yticks(range(len(days)), [d.strftime("%a %Y-%m-%d") for d in days])
    ax.invert_yaxis()
    ax.set_xlim(0, 36)
    ax.set_xticks(range(0, 37, 3))
    ax.set(title=f"Schedule of {who}", xlabel="hour of the day (past 24: the next morning)")
    if days:
        ax.legend(loc="lower right")
