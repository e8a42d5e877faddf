"""The assignments CSV for payroll: one row per member per detail, with hours, rate and pay.

Columns (in this order): member, serial, name, event, employer, start, end, hours, rate, pay; then
position, event_name, employer_name. `serial` is the member id (the instance keeps no other
serial number); `event` and `employer` are ids. Every cell is quoted and cells starting with
`= + - @`, a tab or a carriage return are prefixed with `'`, as the OWASP guidance on CSV injection
asks, so a name such as `=HYPERLINK(...)` cannot run in the payroll clerk's spreadsheet.
"""

from __future__ import annotations

import pandas as pd

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.cells import escape_formula
from offduty.service.io.exporter import csv_bytes
from offduty.service.io.roster import Period, hours_text, roster_frame

PAYROLL_COLUMNS = ["member", "serial", "name", "event", "employer", "start", "end", "hours", "rate", "pay",
                   "position", "event_name", "employer_name"]


def payroll_frame(instance: Instance, solution: Solution, period: Period | None = None) -> pd.DataFrame:
    """The payroll rows as text, columns `PAYROLL_COLUMNS`, by start time then member."""
    roster = roster_frame(instance, solution, period)
    roster = roster.sort_values(["start_min", "member", "position"], kind="stable", ignore_index=True)
    return pd.DataFrame({
        "member": roster["member"],
        "serial": roster["member"],
        "name": roster["member_name"],
        "event": roster["event"],
        "employer": roster["employer"],
        "start": [t.isoformat() for t in roster["start"]],
        "end": [t.isoformat() for t in roster["end"]],
        "hours": [hours_text(h) for h in roster["hours"]],
        "rate": [f"{r:.2f}" for r in roster["rate"]],
        "pay": [f"{p:.2f}" for p in roster["pay"]],
        "position": roster["position"],
        "event_name": roster["event_name"],
        "employer_name": roster["employer_name"],
    }, columns=PAYROLL_COLUMNS)


def payroll_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, every cell quoted and escaped against spreadsheet formulas."""
    return csv_bytes(list(frame.columns), frame.astype(str).values.tolist(), quote_all=True,
                     escape=escape_formula)
