"""An instance -> the CSV files of `schema.TABLES` (and policy.json), which import back identically.

Times are written with their UTC offset exactly as the instance holds them, numbers in Python's
shortest round-trip form, lists joined with `;`. Cells a spreadsheet would run as formulas are
escaped with a leading `'` (`cells.escape_cell`), which the importer removes again. The optional
assignments and cancellations files are written only when the instance has some.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from offduty.models.instance import Instance
from offduty.service.io.cells import escape_cell, write_value
from offduty.service.io.schema import TABLES, Table

POLICY_FILE = "policy.json"


def _fields(obj: Any, table: Table, **parent: str) -> list[str]:
    """One row: each column's field of `obj` (the parent id given by the caller)."""
    out = []
    for col in table.columns:
        if col.name in parent:
            out.append(parent[col.name])
            continue
        value: Any = obj
        for part in col.path.split("."):
            value = None if value is None else getattr(value, part)
        out.append(write_value(value))
    return out


def table_rows(instance: Instance) -> dict[str, list[list[str]]]:
    """The rows (without header) of every table, in the instance's order."""
    t = TABLES
    rows: dict[str, list[list[str]]] = {key: [] for key in TABLES}
    for m in instance.members:
        rows["members"].append(_fields(m, t["members"]))
        rows["tours"].extend(_fields(x, t["tours"], member=m.id) for x in m.tours)
        rows["leaves"].extend(_fields(x, t["leaves"], member=m.id) for x in m.leaves)
    rows["employers"] = [_fields(e, t["employers"]) for e in instance.employers]
    for ev in instance.events:
        rows["events"].append(_fields(ev, t["events"]))
        for s in ev.shifts:
            rows["shifts"].append(_fields(s, t["shifts"], event=ev.id))
            rows["positions"].extend(_fields(p, t["positions"], shift=s.id) for p in s.positions)
    rows["applications"] = [_fields(a, t["applications"]) for a in instance.applications]
    rows["assignments"] = [_fields(a, t["assignments"]) for a in instance.assignments]
    rows["cancellations"] = [_fields(c, t["cancellations"]) for c in instance.cancellations]
    return rows


def csv_bytes(header: list[str] | tuple[str, ...], rows: list[list[str]], *, quote_all: bool = False,
              escape: Callable[[str], str] = escape_cell) -> bytes:
    """UTF-8 CSV with every cell escaped against spreadsheet formulas. Rows end in CRLF (RFC 4180),
    which also makes the writer quote a cell holding a lone carriage return."""
    buffer = io.StringIO()
    if quote_all:
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def export_files(instance: Instance) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every file: the eight tables, the optional two when not empty,
    and policy.json."""
    for key, rows in table_rows(instance).items():
        table = TABLES[key]
        if rows or not table.optional:
            yield table.filename, csv_bytes(table.names, rows)
    policy = instance.policy.model_dump(mode="json")
    yield POLICY_FILE, (json.dumps(policy, indent=2) + "\n").encode("utf-8")


def write_csv_dir(instance: Instance, out: str | Path) -> list[Path]:
    """Write `export_files` into directory `out` (created if needed); the paths written."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in export_files(instance):
        path = directory / name
        path.write_bytes(content)
        paths.append(path)
    return paths
