"""What every report is made of, and how it is written: CSV tables, one Markdown page, one PNG.

A `Report` holds its main table (`<kind>.csv`), more tables (`<kind>-<name>.csv`), optional
Markdown sections (e.g. one per supervisor), a few summary lines, machine-readable totals, and a
function drawing its chart on a matplotlib `Figure` (no pyplot: no global state, safe in a server).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from offduty.service.io.cells import escape_formula
from offduty.service.io.exporter import csv_bytes

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown member, no solution...)."""


@dataclass
class Report:
    kind: str
    title: str
    table: pd.DataFrame
    summary: list[str] = field(default_factory=list)
    totals: dict[str, float | int] = field(default_factory=dict)
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Markdown sections (heading, text, tables) replacing the main table on the page.
    sections: list[tuple[str, str, list[pd.DataFrame]]] = field(default_factory=list)
    draw: Callable[[Figure], None] | None = None
    #: Rows of the main table shown on the Markdown page (the CSV has them all).
    markdown_rows: int = 200
    #: Extra tables shown on the page before the main part, and extra tables left off the page.
    first: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()


def cell_text(value: Any) -> str:
    """A table cell as text: money with cents, other floats to 2 decimals, times to the minute."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV; text cells a spreadsheet would run as formulas get a `'` (OWASP), numbers
    (a negative margin, say) are written as numbers."""
    rows = [[escape_formula(v) if isinstance(v, str) else cell_text(v) for v in row]
            for row in frame.itertuples(index=False)]
    return csv_bytes([str(c) for c in frame.columns], rows, escape=lambda text: text)


def markdown_table(frame: pd.DataFrame, limit: int | None = None) -> str:
    """A GitHub-flavoured Markdown table (pipes and newlines in cells escaped)."""
    if frame.empty:
        return "_(none)_\n"
    shown = frame if limit is None else frame.head(limit)

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(str(c)) for c in shown.columns) + " |",
             "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(shown[c]) else "---"
                            for c in shown.columns) + "|"]
    lines += ["| " + " | ".join(esc(cell_text(v)) for v in row) + " |"
              for row in shown.itertuples(index=False)]
    more = len(frame) - len(shown)
    if more > 0:
        lines.append(f"\n… and {more} more rows (see the CSV file).")
    return "\n".join(lines) + "\n"


def markdown(report: Report, chart: str | None = None) -> str:
    parts = [f"# {report.title}\n"]
    parts += [f"- {line}" for line in report.summary]
    if report.summary:
        parts.append("")
    if chart:
        parts.append(f"![{report.kind}]({chart})\n")

    def extra(name: str) -> None:
        parts.append(f"## {name.replace('-', ' ').capitalize()}\n")
        parts.append(markdown_table(report.extra[name], report.markdown_rows))

    for name in report.first:
        extra(name)
    if report.sections:
        for heading, text, tables in report.sections:
            parts.append(f"## {heading}\n")
            if text:
                parts.append(text + "\n")
            parts += [markdown_table(t) for t in tables]
    else:
        parts.append(markdown_table(report.table, report.markdown_rows))
    for name in report.extra:
        if name not in report.first and name not in report.hidden:
            extra(name)
    return "\n".join(parts)


def render_png(report: Report) -> bytes | None:
    """The chart as PNG bytes, or None when the report has none."""
    if report.draw is None:
        return None
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5.5), layout="constrained")
    report.draw(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def write_report(report: Report, out: str | Path) -> list[Path]:
    """`<kind>.csv`, `<kind>-<name>.csv`, `<kind>.png` and `<kind>.md` in directory `out`."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{report.kind}.csv"]
    paths[0].write_bytes(frame_csv(report.table))
    for name, frame in report.extra.items():
        paths.append(directory / f"{report.kind}-{name}.csv")
        paths[-1].write_bytes(frame_csv(frame))
    png = render_png(report)
    chart = None
    if png is not None:
        chart = f"{report.kind}.png"
        paths.append(directory / chart)
        paths[-1].write_bytes(png)
    paths.append(directory / f"{report.kind}.md")
    paths[-1].write_text(markdown(report, chart), encoding="utf-8")
    return paths
