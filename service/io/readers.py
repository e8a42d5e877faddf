"""Reading one input file (CSV or XLSX) into a frame of cell texts, with its header checked.

Every cell is read as text (pandas `dtype=str`, no NA guessing: a member called "NA" stays "NA");
the importer converts each column itself, so that each bad cell is reported with its row. Rows are
numbered as a spreadsheet shows them (header row 1), counting blank rows (the importer skips them).
CSV files are UTF-8 (a byte-order mark, as Excel writes it, is fine) and comma-separated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from offduty.models.errors import ProblemKind
from offduty.service.io.errors import RowError, column_letter
from offduty.service.io.schema import Table

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Source:
    """An input file: a path, or bytes (an upload) with the name to show in messages."""

    name: str
    data: bytes | Path

    @classmethod
    def of(cls, value: Source | Path | str | bytes, name: str | None = None) -> Source:
        if isinstance(value, Source):
            return value
        if isinstance(value, bytes):
            return cls(name or "upload", value)
        return cls(name or str(value), Path(value))

    def is_xlsx(self) -> bool:
        if self.name.lower().endswith(XLSX_SUFFIXES):
            return True
        if isinstance(self.data, bytes):
            return self.data.startswith(_ZIP_MAGIC)
        return self.data.suffix.lower() in XLSX_SUFFIXES

    def open(self) -> Any:
        return io.BytesIO(self.data) if isinstance(self.data, bytes) else self.data


@dataclass
class RawTable:
    """The cells of one file: `frame` has one text column per known header (normalized names),
    indexed by spreadsheet row number (blank rows included); `letters` gives each column's
    spreadsheet letter."""

    file: str
    frame: pd.DataFrame
    letters: dict[str, str] = field(default_factory=dict)


def normalize_header(name: object) -> str:
    """`Seniority Date ` -> `seniority_date`."""
    return "_".join(str(name).strip().lower().split())


def read_table(source: Source, table: Table, *, ignore_extra_columns: bool = False,
               ) -> tuple[RawTable | None, list[RowError]]:
    """The file's cells, or the problems that stop it from being read (no header, unknown or
    missing columns, not UTF-8, not a spreadsheet...)."""
    try:
        cells = _read_xlsx(source, table.key) if source.is_xlsx() else _read_csv(source)
    except _Unreadable as exc:
        return None, [RowError(source.name, None, None, str(exc), ProblemKind.UNREADABLE)]
    if cells.empty:
        return None, [RowError(source.name, None, None, "the file is empty: the first row must name "
                               f"the columns ({', '.join(table.names)})", ProblemKind.UNREADABLE)]
    return _check_header(source.name, cells, table, ignore_extra_columns)


class _Unreadable(Exception):
    pass


def _read_csv(source: Source) -> pd.DataFrame:
    try:
        return pd.read_csv(source.open(), header=None, dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise _Unreadable(f"no such file: {source.name}") from None
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        raise _Unreadable(_ragged(source) or f"not a readable CSV file: {exc}".replace("\n", " ")) from None
    except OSError as exc:
        raise _Unreadable(f"cannot read {source.name}: {exc.strerror or exc}") from None


def _ragged(source: Source) -> str | None:
    """Which rows hold more cells than the header names (pandas stops at the first)."""
    try:
        data = source.data if isinstance(source.data, bytes) else source.data.read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    rows = csv.reader(io.StringIO(text, newline=""))
    width = len(next(rows, []))
    long = [(n, len(r)) for n, r in enumerate(rows, start=2) if len(r) > width]
    if not long:
        return None
    shown = ", ".join(f"row {n} has {k}" for n, k in long[:10]) + (" ..." if len(long) > 10 else "")
    return f"the header names {width} columns, but {shown} cells (a comma too many?)"


def _read_xlsx(source: Source, sheet: str) -> pd.DataFrame:
    """The sheet named like the table (one workbook may hold every table), else the first."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(source.open(), read_only=True, data_only=True)
    except FileNotFoundError:
        raise _Unreadable(f"no such file: {source.name}") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise _Unreadable(f"not a readable .xlsx workbook: {exc}") from None
    try:
        names = {normalize_header(n): n for n in book.sheetnames}
        ws = book[names[sheet]] if sheet in names else book.worksheets[0]
        rows = [[_xlsx_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def _xlsx_text(value: Any) -> str:
    """A typed spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _check_header(name: str, cells: pd.DataFrame, table: Table,
                  ignore_extra: bool) -> tuple[RawTable | None, list[RowError]]:
    header = [normalize_header(h) for h in cells.iloc[0].tolist()]
    data = cells.iloc[1:].copy()
    data.index = pd.RangeIndex(2, len(cells) + 1)
    errors: list[RowError] = []
    keep: dict[str, int] = {}
    for i, heading in enumerate(header):
        letter = column_letter(i)
        if heading == "":
            if (data.iloc[:, i].str.strip() != "").any():
                errors.append(RowError(name, 1, "", "a column without a header name holds values",
                                       ProblemKind.SCHEMA, letter))
        elif heading in keep:
            errors.append(RowError(name, 1, heading, f"column {heading!r} appears twice (columns "
                                   f"{column_letter(keep[heading])} and {letter})", ProblemKind.SCHEMA,
                                   letter))
        elif heading in table.names:
            keep[heading] = i
        elif not ignore_extra:
            errors.append(RowError(name, 1, heading, f"unknown column {heading!r}; {table.filename} has "
                                   f"{', '.join(table.names)}", ProblemKind.SCHEMA, letter))
    for col in table.columns:
        if col.required and col.name not in keep:
            errors.append(RowError(name, 1, col.name, f"missing required column {col.name!r}",
                                   ProblemKind.SCHEMA))
    if errors:
        return None, errors
    frame = data.iloc[:, list(keep.values())]
    frame.columns = list(keep)
    return RawTable(name, frame, {c: column_letter(i) for c, i in keep.items()}), []
