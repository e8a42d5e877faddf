"""Hours per member for a period, with each member's margins under the work-day and weekly caps.

Work days are offduty's own (`constraints.workdays.work_days`, §II.H): the day a tour starts
`work_day_lead_hours` before it, 24 hours long, tiling time. A day's load is its on-duty load
(`Days.on_duty`, tours less exception time, as the C-WORK-DAY-CAP rule counts it) plus the minutes
of each detail that lie inside the day (DESIGN.md: the cap is on the hours *within* the work day,
§IV.A.12). The margin is `work_day_cap_hours` minus the busiest day's load among the member's days
in the period that hold a detail; members with `cap_exception` are marked exempt. Weeks are local
ISO weeks (`iso_weeks`), counting the part of each detail inside the week, against
`max_secondary_hours_per_week` when the policy sets one (pillar 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from offduty.constraints.workdays import Days, Weeks, iso_weeks, work_days
from offduty.models.arrays import InstanceArrays, IntArray, from_minutes
from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.roster import Period, roster_frame
from offduty.service.reports.base import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Members this close to the work-day cap (hours) are counted as "near the cap".
NEAR_CAP_HOURS = 2.0
COLUMNS = ["member", "name", "rank", "details", "hours", "pay", "hours_ytd", "busiest_work_day",
           "work_day_hours", "work_day_margin", "busiest_week", "week_hours", "week_margin", "cap_exception"]


def day_loads(arrays: InstanceArrays, days: Days, member: IntArray, start: IntArray,
              end: IntArray) -> tuple[IntArray, IntArray]:
    """(on-duty + detail minutes, detail minutes) in each work day of `days`."""
    detail = np.zeros(len(days), dtype=np.int64)
    _, day, minutes = days.pieces(member, start, end)
    np.add.at(detail, day, minutes)
    return days.on_duty + detail, detail


def week_loads(weeks: Weeks, n_members: int, member: IntArray, start: IntArray,
               end: IntArray) -> IntArray:
    """[member, week] detail minutes inside each local ISO week of `weeks`."""
    load = np.zeros((n_members, len(weeks)), dtype=np.int64)
    item, week, minutes = weeks.pieces(start, end)
    np.add.at(load, (member[item], week), minutes)
    return load


def hours_report(instance: Instance, solution: Solution, period: Period | None = None) -> Report:
    """Hours per member who works in the period, busiest work day and week, and their margins."""
    period = period or Period()
    arrays = InstanceArrays.build(instance)
    full = roster_frame(instance, solution)
    in_period = roster_frame(instance, solution, period)
    index = arrays.member_index
    member = np.asarray([index[m] for m in full["member"]], dtype=np.int64)
    start = full["start_min"].to_numpy(dtype=np.int64)
    end = full["end_min"].to_numpy(dtype=np.int64)
    lo, hi = period.bounds(arrays.tz)
    lo = np.iinfo(np.int64).min // 4 if lo is None else lo
    hi = np.iinfo(np.int64).max // 4 if hi is None else hi

    days = work_days(arrays)
    load, detail = day_loads(arrays, days, member, start, end)
    counted = (detail > 0) & (days.start < hi) & (days.end > lo)
    weeks = iso_weeks(arrays)
    week = week_loads(weeks, arrays.n_members, member, start, end)
    week_in_period = (weeks.start < hi) & (weeks.end > lo)

    busiest_day = _busiest_days(days, load, counted)
    # weeks are tiled around the details: none when there are none (and no rows below)
    busiest_week = (np.where(week_in_period[None, :], week, -1).argmax(axis=1) if len(weeks)
                    else np.zeros(arrays.n_members, dtype=np.int64))
    policy = instance.policy
    cap_h = policy.work_day_cap_hours
    week_cap = policy.max_secondary_hours_per_week
    members = {m.id: m for m in instance.members}
    rows = []
    for member_id, group in in_period.groupby("member", sort=False):
        m = index[str(member_id)]
        busiest = busiest_day.get(m)
        w = int(busiest_week[m])
        info = members[str(member_id)]
        day_h = float(load[busiest]) / 60 if busiest is not None else 0.0
        week_h = float(week[m, w]) / 60
        rows.append({
            "member": member_id, "name": info.name, "rank": info.rank.value, "details": len(group),
            "hours": float(group["minutes"].sum()) / 60, "pay": sum(group["pay"]),
            "hours_ytd": info.hours_ytd,
            "busiest_work_day": None if busiest is None else from_minutes(int(days.start[busiest]),
                                                                          arrays.tz),
            "work_day_hours": day_h, "work_day_margin": cap_h - day_h,
            "busiest_week": _iso_week(int(weeks.start[w]), arrays), "week_hours": week_h,
            "week_margin": None if week_cap is None else week_cap - week_h,
            "cap_exception": info.cap_exception,
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    table = table.sort_values(["hours", "member"], ascending=[False, True], kind="stable", ignore_index=True)
    return _report(table, period, instance, cap_h, week_cap)


def _busiest_days(days: Days, load: IntArray, counted: np.ndarray) -> dict[int, int]:
    """Per member, the index of their most loaded day among the `counted` ones."""
    candidates = np.flatnonzero(counted)
    if len(candidates) == 0:
        return {}
    frame = pd.DataFrame({"member": days.member[candidates], "load": load[candidates], "day": candidates})
    best = frame.loc[frame.groupby("member")["load"].idxmax()]
    return dict(zip(best["member"].tolist(), best["day"].tolist(), strict=True))


def _iso_week(minute: int, arrays: InstanceArrays) -> str:
    year, week, _ = from_minutes(minute, arrays.tz).date().isocalendar()
    return f"{year}-W{week:02d}"


def _report(table: pd.DataFrame, period: Period, instance: Instance, cap_h: float,
            week_cap: float | None) -> Report:
    bound = table[~table["cap_exception"]]
    near = int((bound["work_day_margin"] < NEAR_CAP_HOURS).sum())
    totals: dict[str, float | int] = {
        "members": len(table), "details": int(table["details"].sum()),
        "hours": float(table["hours"].sum()), "pay": float(sum(table["pay"], start=0)),
        "min_work_day_margin": float(bound["work_day_margin"].min()) if len(bound) else cap_h,
        "near_cap": near,
    }
    summary = [f"period: {period.label} ({instance.name or 'instance'})",
               f"{totals['members']} members worked {totals['details']} details, "
               f"{totals['hours']:,.2f} hours, pay {totals['pay']:,.2f}",
               f"work-day cap {cap_h:g} h (§IV.A.12): smallest margin {totals['min_work_day_margin']:.2f} h; "
               f"{near} member(s) within {NEAR_CAP_HOURS:g} h of it"]
    if week_cap is not None and len(table):
        summary.append(f"weekly cap {week_cap:g} h: smallest margin {table['week_margin'].min():.2f} h")
    else:
        summary.append("no weekly cap in the policy")

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2)
        left.hist(table["hours"], bins=30, color="#4477aa")
        left.set(title="Secondary hours per member", xlabel="hours in the period", ylabel="members")
        right.hist(bound["work_day_margin"], bins=30, color="#ee6677")
        right.axvline(0, color="black", linewidth=1)
        right.set(title=f"Margin under the {cap_h:g}-hour work day (busiest day)",
                  xlabel="hours below the cap", ylabel="members")

    return Report("hours", f"Hours per member, {period.label}", table, summary, totals, draw=draw)
