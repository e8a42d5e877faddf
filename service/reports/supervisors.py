"""The monthly verification list: each supervisor's members and their secondary employment.

KCPD 630-9 §III.K: supervisors verify their members' secondary employment for the previous month
before the 15th. Members designate their immediate supervisor in the SEP (§III.J; the instance's
`members[].supervisor`). Every member who names a supervisor is listed under them, with no
details as well (nothing to verify is an answer too); members who name none but worked in the
month are listed under "(no supervisor designated)", so that nobody's work goes unverified.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.roster import Period, roster_frame
from offduty.service.reports.base import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NONE_DESIGNATED = "(no supervisor designated)"
MEMBER_COLUMNS = ["supervisor", "supervisor_name", "member", "member_name", "details", "hours", "pay",
                  "employers"]
DETAIL_COLUMNS = ["supervisor", "member", "member_name", "date", "start", "end", "employer_name",
                  "event_name", "position", "hours", "pay"]
GROUP_COLUMNS = ["supervisor", "supervisor_name", "members", "members_who_worked", "details", "hours", "pay"]


def supervisor_report(instance: Instance, solution: Solution, period: Period) -> Report:
    roster = roster_frame(instance, solution, period)
    names = {m.id: m.name for m in instance.members}
    worked = roster.groupby("member", sort=False).agg(
        details=("position", "size"), minutes=("minutes", "sum"), pay=("pay", "sum"),
        employers=("employer_name", lambda s: "; ".join(dict.fromkeys(s))))
    work = worked.to_dict("index")
    nothing: dict[str, Any] = {"details": 0, "minutes": 0, "pay": Decimal(0), "employers": ""}
    rows = []
    for m in instance.members:
        if m.supervisor is None and m.id not in work:
            continue
        w = work.get(m.id, nothing)
        rows.append({
            "supervisor": m.supervisor or NONE_DESIGNATED,
            "supervisor_name": names.get(m.supervisor, "") if m.supervisor else "",
            "member": m.id, "member_name": m.name, "details": int(w["details"]),
            "hours": float(w["minutes"]) / 60, "pay": w["pay"], "employers": w["employers"],
        })
    table = pd.DataFrame(rows, columns=MEMBER_COLUMNS)
    table = table.sort_values(["supervisor", "member"], kind="stable", ignore_index=True)
    supervisor_of = dict(zip(table["member"], table["supervisor"], strict=True))
    details = roster.assign(supervisor=roster["member"].map(supervisor_of))
    details = details[DETAIL_COLUMNS].sort_values(["supervisor", "member", "start"], kind="stable",
                                                  ignore_index=True)
    groups = _groups(table)
    return _report(table, details, groups, period, instance)


def _groups(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    grouped = table.groupby(["supervisor", "supervisor_name"], sort=True).agg(
        members=("member", "size"), members_who_worked=("details", lambda d: int((d > 0).sum())),
        details=("details", "sum"), hours=("hours", "sum"), pay=("pay", "sum"))
    return grouped.reset_index()[GROUP_COLUMNS]


def _report(table: pd.DataFrame, details: pd.DataFrame, groups: pd.DataFrame, period: Period,
            instance: Instance) -> Report:
    sections = []
    for g in groups.to_dict("records"):
        who = f"{g['supervisor_name']} ({g['supervisor']})" if g["supervisor_name"] else str(g["supervisor"])
        text = (f"{g['members']} member(s), {g['members_who_worked']} with secondary employment: "
                f"{g['details']} detail(s), {g['hours']:.2f} hours, pay {g['pay']:,.2f}. "
                "Verify before the 15th (§III.K).")
        mine = table[table["supervisor"] == g["supervisor"]].drop(columns=["supervisor", "supervisor_name"])
        work = details[details["supervisor"] == g["supervisor"]].drop(columns=["supervisor"])
        sections.append((who, text, [mine, work]))
    totals: dict[str, float | int] = {
        "supervisors": int((groups["supervisor"] != NONE_DESIGNATED).sum()),
        "members": len(table), "details": int(table["details"].sum()),
        "hours": float(table["hours"].sum()), "pay": float(sum(table["pay"], start=0)),
        "undesignated_who_worked": int((table["supervisor"] == NONE_DESIGNATED).sum()),
    }
    summary = [f"month: {period.label} ({instance.name or 'instance'})",
               f"{totals['supervisors']} supervisors, {totals['members']} members listed, "
               f"{totals['details']} details, {totals['hours']:,.2f} hours",
               f"{totals['undesignated_who_worked']} member(s) worked without a designated supervisor "
               "(§III.J)"]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        designated = groups[groups["supervisor"] != NONE_DESIGNATED]
        top = designated.sort_values("hours", ascending=False).head(25)
        labels = [f"{n or s}" for s, n in zip(top["supervisor"], top["supervisor_name"], strict=True)]
        ax.barh(labels[::-1], top["hours"].to_numpy()[::-1], color="#228833")
        undesignated = float(groups.loc[groups["supervisor"] == NONE_DESIGNATED, "hours"].sum())
        ax.set(title=f"Secondary hours to verify, by supervisor (top 25)\n{undesignated:,.1f} h more by "
                     "members with no supervisor designated (§III.J)", xlabel="hours in the month")

    return Report("supervisors", f"Supervisor verification list, {period.label} (§III.K)", table, summary,
                  totals, extra={"details": details, "by-supervisor": groups}, sections=sections, draw=draw,
                  first=("by-supervisor",), hidden=("details",))
