"""CSV/XLSX files -> a validated instance, or every problem of every file at once.

    result = import_instance({"members": Path("m.csv"), "tours": Path("t.csv"), ...},
                             policy=Path("policy.json"), tz="America/Chicago", name="week-38")
    if result.instance is None:
        for error in result.errors: print(error)     # file, row, column, message

Three passes, each reporting everything it finds: (1) each file's header (missing, unknown and
duplicate columns); (2) each cell, column by column (types, dates, times and their daylight-saving
traps, required values), then ids and the parent of every nested row (a tour's member, a
position's shift); (3) offduty's own instance validation (`models.validation.parse_instance`:
enum values, ranges, time order, overlapping tours, references, pay floor...), whose field paths
are mapped back to the file, row and column they came from. Nothing is returned unless all three
are clean. The functions take paths or bytes (an upload), so the CLI and an API route share them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from offduty.models.errors import InvalidInstance, Problem, ProblemKind
from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.service.io.cells import CellError, reader, unescape_cell
from offduty.service.io.errors import RowError
from offduty.service.io.readers import RawTable, Source, read_table
from offduty.service.io.schema import REQUIRED_TABLES, TABLES, Kind, Table

DEFAULT_TZ = "America/Chicago"
SourceLike = Source | Path | str | bytes

_MISSING = object()
#: Lists inside a cell whose items are choices (lower-cased like any choice).
_CHOICE_LISTS = {("employers", "restricted")}
#: table key -> (parent table key, the list of the parent the rows go to)
_NESTING = {"tours": ("members", "tours"), "leaves": ("members", "leaves"),
            "shifts": ("events", "shifts"), "positions": ("shifts", "positions")}
_ID_TABLES = ("members", "employers", "events", "shifts", "positions")


@dataclass
class ImportResult:
    """The instance, or (when `instance` is None) every problem found."""

    instance: Instance | None
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.instance is not None

    @property
    def exit_code(self) -> int:
        return min((e.kind.exit_code for e in self.errors), default=0)


@dataclass
class _Node:
    """Where one object of the raw instance came from, and where its nested lists came from."""

    table: Table
    file: str
    row: int
    letters: dict[str, str]
    children: dict[str, list[_Node]] = field(default_factory=dict)


@dataclass
class _Rows:
    """The converted rows of one file: field dicts, their spreadsheet row numbers, provenance."""

    table: Table
    raw: RawTable
    records: list[dict[str, Any]]
    rows: list[int]

    def node(self, i: int) -> _Node:
        return _Node(self.table, self.raw.file, self.rows[i], self.raw.letters)

    def error(self, i: int, column: str | None, message: str, kind: ProblemKind) -> RowError:
        letter = self.raw.letters.get(column) if column else None
        return RowError(self.raw.file, self.rows[i], column, message, kind, letter)


def import_instance(files: Mapping[str, SourceLike], *, policy: SourceLike | Mapping[str, Any] | None = None,
                    tz: str | None = None, name: str = "", ignore_extra_columns: bool = False,
                    ) -> ImportResult:
    """Read the files (keys: `schema.TABLES`; the eight of `REQUIRED_TABLES` must be given) into a
    validated instance. `tz` is the zone of local times (default: the policy's `timezone`, else
    America/Chicago); it becomes the policy's `timezone` when the policy file sets none."""
    errors: list[RowError] = []
    policy_name, policy_raw = _read_policy(policy, errors)
    zone = _zone(tz, policy_raw, errors)
    if tz is not None and "timezone" not in policy_raw:
        policy_raw["timezone"] = tz
    order = [policy_name]  # files in the order their problems are listed
    if zone is None:
        return _failed(errors, order)
    converted = _read_all(files, zone, ignore_extra_columns, errors, order)
    if errors and any(k not in converted for k in REQUIRED_TABLES):
        return _failed(errors, order)
    document, placed = _assemble(converted, policy_raw, name, errors)
    try:
        instance = parse_instance(document)
    except InvalidInstance as exc:
        roots = _provenance(converted, placed)
        reported = {(e.file, e.row, e.column) for e in errors}
        located = [_locate(problem, roots, policy_name) for problem in exc.problems]
        errors += [e for e in located if (e.file, e.row, e.column) not in reported]
        return _failed(errors, order)
    return _failed(errors, order) if errors else ImportResult(instance)


def _read_all(files: Mapping[str, SourceLike], zone: ZoneInfo, ignore_extra_columns: bool,
              errors: list[RowError], order: list[str]) -> dict[str, _Rows]:
    """Passes 1 and 2 over every file given: header, then cells. Appends to `errors` and to
    `order` (the files' names as they are read)."""
    converted: dict[str, _Rows] = {}
    for key, table in TABLES.items():
        if key not in files:
            if not table.optional:
                errors.append(RowError(table.filename, None, None, f"no {key} file given",
                                       ProblemKind.UNREADABLE))
            continue
        source = Source.of(files[key], table.filename if isinstance(files[key], bytes) else None)
        order.append(source.name)
        raw, problems = read_table(source, table, ignore_extra_columns=ignore_extra_columns)
        errors += problems
        if raw is not None:
            converted[key], problems = _convert(raw, table, zone)
            errors += problems
    errors += [RowError(k, None, None, f"unknown table {k!r}; known: {', '.join(TABLES)}", ProblemKind.SCHEMA)
               for k in sorted(set(files) - set(TABLES))]
    return converted


def _failed(errors: list[RowError], files: list[str]) -> ImportResult:
    """Errors grouped by file (in the order the files were read), then by row and column."""
    order = {name: k for k, name in enumerate(dict.fromkeys(files))}
    for e in errors:
        order.setdefault(e.file, len(order))

    def key(e: RowError) -> tuple[int, int, int, str, str]:
        letter = e.letter or ""
        return order[e.file], e.row or 0, len(letter), letter, e.column or ""

    return ImportResult(None, sorted(errors, key=key))


# --- policy and time zone ----------------------------------------------------------------------


def _read_policy(policy: SourceLike | Mapping[str, Any] | None,
                 errors: list[RowError]) -> tuple[str, dict[str, Any]]:
    if policy is None:
        return "policy", {}
    if isinstance(policy, Mapping):
        return "policy", dict(policy)
    source = Source.of(policy, None if not isinstance(policy, bytes) else "policy.json")
    try:
        data = source.data if isinstance(source.data, bytes) else source.data.read_bytes()
        value = json.loads(data.decode("utf-8-sig"))
    except FileNotFoundError:
        errors.append(RowError(source.name, None, None, f"no such file: {source.name}",
                               ProblemKind.UNREADABLE))
        return source.name, {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors.append(RowError(source.name, None, None, f"not a readable JSON file: {exc}",
                               ProblemKind.UNREADABLE))
        return source.name, {}
    if not isinstance(value, dict):
        errors.append(RowError(source.name, None, None, "must be a JSON object of policy settings",
                               ProblemKind.SCHEMA))
        return source.name, {}
    return source.name, value


def _zone(tz: str | None, policy: dict[str, Any], errors: list[RowError]) -> ZoneInfo | None:
    key = tz if tz is not None else policy.get("timezone", DEFAULT_TZ)
    try:
        return ZoneInfo(str(key))
    except (ZoneInfoNotFoundError, ValueError):
        where = "--tz" if tz is not None else "policy.timezone"
        errors.append(RowError(where, None, None, f"unknown time zone {key!r} (e.g. America/Chicago)",
                               ProblemKind.SCHEMA))
        return None


# --- cells -----------------------------------------------------------------------------------------


def _convert(raw: RawTable, table: Table, tz: ZoneInfo) -> tuple[_Rows, list[RowError]]:
    """Each column read once per distinct value (ids and times repeat a lot), then per row.
    Blank rows (every cell empty) are skipped."""
    frame = raw.frame
    rows = np.asarray(frame.index, dtype=np.int64)
    blank = np.ones(len(frame), dtype=np.bool_)
    values: dict[str, np.ndarray] = {}
    bad_cells: list[tuple[int, str, CellError]] = []
    for col in table.columns:
        if col.name not in frame.columns:
            continue
        codes, uniques = pd.factorize(frame[col.name])
        texts = [unescape_cell(t if col.kind is Kind.TEXT else t.strip()) for t in uniques.tolist()]
        empty = np.fromiter((t == "" or t.isspace() for t in texts), dtype=np.bool_, count=len(texts))
        blank &= empty[codes]
        out, bad = _read_values(texts, col.kind, col.required, col.name,
                                reader(col.kind, tz, choice_items=(table.key, col.name) in _CHOICE_LISTS))
        values[col.path] = out[codes]
        if bad:
            bad_cells += [(i, col.name, bad[int(codes[i])])
                          for i in np.flatnonzero(np.isin(codes, list(bad))).tolist()]
    keep = ~blank
    errors = [RowError(raw.file, int(rows[i]), column, str(exc), exc.kind, raw.letters.get(column))
              for i, column, exc in bad_cells if keep[i]]
    records: list[dict[str, Any]] = [{} for _ in range(int(keep.sum()))]
    for path, column in values.items():
        head, _, tail = path.partition(".")
        for rec, value in zip(records, column[keep].tolist(), strict=True):
            if value is _MISSING:
                continue
            if tail:  # window.start -> {"window": {"start": ...}}
                rec.setdefault(head, {})[tail] = value
            else:
                rec[head] = value
    return _Rows(table, raw, records, rows[keep].tolist()), errors


def _read_values(texts: list[str], kind: Kind, required: bool, name: str,
                 read: Any) -> tuple[np.ndarray, dict[int, CellError]]:
    """The value of each distinct cell text (`_MISSING` when empty or bad), and the bad ones."""
    out: list[Any] = []
    bad: dict[int, CellError] = {}
    for k, text in enumerate(texts):
        if text == "" or (kind is not Kind.TEXT and text.isspace()):
            out.append(_MISSING)
            if required:
                bad[k] = CellError(f"{name} is required")
            continue
        try:
            out.append(read(text))
        except CellError as exc:
            bad[k] = exc
            out.append(_MISSING)
    array = np.empty(len(out), dtype=object)
    array[:] = out
    return array, bad


# --- assembling the nested document ------------------------------------------------------------------


def _assemble(converted: dict[str, _Rows], policy: dict[str, Any], name: str,
              errors: list[RowError]) -> tuple[dict[str, Any], dict[str, list[tuple[int, int]]]]:
    """The instance document (plain JSON values), and for each nested table where each of its
    rows went: (parent record, child record) in order. Duplicate ids and rows whose parent does
    not exist are reported here."""
    ids: dict[str, dict[str, int]] = {key: _index_ids(converted[key], errors)
                                      for key in _ID_TABLES if key in converted}
    placed: dict[str, list[tuple[int, int]]] = {}
    for child, (parent, attr) in _NESTING.items():
        if child in converted and parent in converted:
            placed[child] = _attach(converted[child], converted[parent], ids.get(parent, {}), attr, errors)

    def top(key: str) -> list[dict[str, Any]]:
        return converted[key].records if key in converted else []

    document = {"name": name, "policy": policy, "members": top("members"), "employers": top("employers"),
                "events": top("events"), "applications": top("applications"),
                "assignments": top("assignments"), "cancellations": top("cancellations")}
    return document, placed


def _provenance(converted: dict[str, _Rows], placed: dict[str, list[tuple[int, int]]],
                ) -> dict[str, list[_Node]]:
    """Per top-level list of the document, where each object (and its nested ones) came from.
    Built only when the validation found problems."""
    nodes = {key: [rows.node(i) for i in range(len(rows.records))] for key, rows in converted.items()}
    for child, pairs in placed.items():
        parent, attr = _NESTING[child]
        for at, i in pairs:
            nodes[parent][at].children.setdefault(attr, []).append(nodes[child][i])
    return {key: nodes.get(key, []) for key in ("members", "employers", "events", "applications",
                                                 "assignments", "cancellations")}


def _index_ids(rows: _Rows, errors: list[RowError]) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, rec in enumerate(rows.records):
        ident = rec.get("id")
        if ident is None:
            continue
        if ident in first:
            errors.append(rows.error(i, "id", f"duplicate {rows.table.key[:-1]} id {ident!r} (first in row "
                                              f"{rows.rows[first[ident]]})", ProblemKind.DUPLICATE_ID))
        else:
            first[ident] = i
    return first


def _attach(child: _Rows, parent: _Rows, parent_ids: dict[str, int], attr: str,
            errors: list[RowError]) -> list[tuple[int, int]]:
    """Move each child row into its parent's list (file order), reporting unknown parents."""
    column = child.table.parent
    assert column is not None
    placed = []
    for i, rec in enumerate(child.records):
        ref = rec.pop(column, None)
        if ref is None:
            continue  # the empty cell is reported already
        at = parent_ids.get(ref)
        if at is None:
            what = f"no {parent.table.key[:-1]} with id {ref!r} in {Path(parent.raw.file).name}"
            errors.append(child.error(i, column, what, ProblemKind.DANGLING_REFERENCE))
            continue
        parent.records[at].setdefault(attr, []).append(rec)
        placed.append((at, i))
    return placed


# --- mapping validation problems back to cells -----------------------------------------------------

_TOKEN = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")
_REF = re.compile(r"\b([a-z_]+\[\d+\](?:\.[a-z_]+\[\d+\])*)")


def _tokens(path: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for part in path.split("."):
        for name, index in _TOKEN.findall(part):
            out.append((name, int(index) if index else None))
    return out


def _walk(tokens: list[tuple[str, int | None]], roots: dict[str, list[_Node]],
          ) -> tuple[_Node | None, list[tuple[str, int | None]]]:
    """The deepest object the path reaches, and the rest of the path (a field inside it)."""
    node: _Node | None = None
    children = roots
    for k, (name, index) in enumerate(tokens):
        items = children.get(name)
        if index is None or items is None or index >= len(items):
            return node, tokens[k:]
        node = items[index]
        children = node.children
    return node, []


def _locate(problem: Problem, roots: dict[str, list[_Node]], policy_name: str) -> RowError:
    tokens = _tokens(problem.path)
    message = _REF.sub(lambda m: _describe_ref(m.group(1), tokens, roots), problem.message)
    if tokens and tokens[0][0] == "policy":
        return RowError(policy_name, None, problem.path.partition(".")[2] or None, message, problem.kind)
    node, rest = _walk(tokens, roots)
    if node is None:
        return RowError(problem.path or "(instance)", None, None, message, problem.kind)
    field_path = ".".join(name for name, _ in rest)
    column = node.table.column_of_field(field_path) if field_path else None
    if column is None and rest:
        column = node.table.column_of_field(rest[0][0]) or field_path
    return RowError(node.file, node.row, column, message, problem.kind, node.letters.get(column or ""))


def _describe_ref(ref: str, context: list[tuple[str, int | None]], roots: dict[str, list[_Node]]) -> str:
    """`tours[2]` inside a problem of `members[3].tours[5]` -> `tours.csv row 9`."""
    tokens = _tokens(ref)
    base = [k for k, (name, _) in enumerate(context) if name == tokens[0][0]]
    full = context[:base[-1]] + tokens if base else tokens
    node, rest = _walk(full, roots)
    return f"{Path(node.file).name} row {node.row}" if node is not None and not rest else ref
