"""Writing a solution where the user asked: the solution JSON and the assignments CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from offduty.solver import Result

ASSIGNMENT_COLUMNS = ["member", "position", "shift", "event", "start", "end", "hours", "pay_rate", "locked"]


def assignments_frame(result: Result) -> pd.DataFrame:
    """One row per assignment (the solution format's assignment fields)."""
    return pd.DataFrame([a.model_dump() for a in result.assignments], columns=ASSIGNMENT_COLUMNS)


def assignments_csv(result: Result) -> str:
    return str(assignments_frame(result).to_csv(index=False))


def write_solution(result: Result, out: Path | None = None, csv: Path | None = None) -> list[Path]:
    """Write the solution JSON to `out` and the assignments CSV to `csv`; the paths written."""
    written = []
    if out is not None:
        out.write_text(result.to_json(), encoding="utf-8")
        written.append(out)
    if csv is not None:
        csv.write_text(assignments_csv(result), encoding="utf-8")
        written.append(csv)
    return written
