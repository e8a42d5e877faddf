"""Reading one cell: text in, a JSON value of the instance format out, or a message saying why not.

Times without a UTC offset are local times of the agency's zone. A local time that does not exist
(the hour skipped when clocks spring forward) or that exists twice (the hour repeated when they
fall back) is reported, never guessed: the user writes it with its offset instead.

Spreadsheet-injection escapes (OWASP "CSV injection"): a cell written by offduty that starts with
`= + - @`, a tab, a carriage return or `'` gets one `'` in front (`escape_cell`); the importer takes
exactly that quote off again (`unescape_cell`), so exported values import back unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from offduty.models.errors import ProblemKind
from offduty.service.io.schema import LIST_SEPARATOR, Kind

#: Cells starting with one of these are formulas to a spreadsheet (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = (*FORMULA_START, "'")

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


class CellError(ValueError):
    """A cell that cannot be read; the message says why (without the file, row or column)."""

    def __init__(self, message: str, kind: ProblemKind = ProblemKind.SCHEMA) -> None:
        super().__init__(message)
        self.kind = kind


def escape_formula(text: str) -> str:
    """Defuse a cell a spreadsheet would run as a formula: prefix one `'` (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def escape_cell(text: str) -> str:
    """`escape_formula`, and one more `'` before a leading `'`, so that `unescape_cell` gives back
    exactly the original text (for files that are imported again)."""
    return "'" + text if text.startswith(_ESCAPED_START) else text


def unescape_cell(text: str) -> str:
    """Undo `escape_cell`: `'=1+2` -> `=1+2`; a quote before anything else stays."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_ESCAPED_START) else text


def read_time(text: str, tz: ZoneInfo) -> str:
    """ISO 8601 with an offset; a local time is placed in `tz` unless DST makes it ambiguous."""
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"not a time: {text!r} (write 2026-09-13T12:00:00-05:00, or 2026-09-13 12:00 "
                        f"for local time in {tz.key})") from None
    if t.tzinfo is not None:
        return t.isoformat()
    first, second = t.replace(tzinfo=tz, fold=0), t.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        shown = t.isoformat(sep=" ")
        if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != t:
            raise CellError(f"{shown} does not exist in {tz.key}: the clocks skip that hour when "
                            f"{first.tzname()} changes to {second.tzname()}; check the time or write it "
                            f"with its UTC offset", ProblemKind.NAIVE_TIME)
        raise CellError(f"{shown} happens twice in {tz.key} (the clocks fall back from "
                        f"{first.tzname()} to {second.tzname()}); write it with its UTC offset: "
                        f"{first.isoformat()} ({first.tzname()}) or {second.isoformat()} "
                        f"({second.tzname()})", ProblemKind.NAIVE_TIME)
    return first.isoformat()


def read_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:  # a spreadsheet date cell comes as midnight
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        t = None
    if t is not None and t.time() == dt.time() and t.tzinfo is None:
        return t.date().isoformat()
    raise CellError(f"not a date: {text!r} (write 2012-03-04)")


def read_int(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"not a whole number: {text!r}") from None
    if not value.is_integer():
        raise CellError(f"not a whole number: {text!r}")
    return int(value)


def read_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise CellError(f"not a finite number: {text!r}")
    return value


def read_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"not true or false: {text!r} (write true/false, yes/no or 1/0)")


def read_choice(text: str) -> str:
    """Choices are lower-case words joined by `_`; `Deputy Chief` reads as `deputy_chief`. Whether
    the word is one of the allowed values is checked by the instance validation."""
    return "_".join(text.lower().replace("-", " ").split())


def read_list(text: str, item: Callable[[str], str]) -> list[str]:
    return [item(part.strip()) for part in text.split(LIST_SEPARATOR) if part.strip()]


def reader(kind: Kind, tz: ZoneInfo, *, choice_items: bool = False) -> Callable[[str], Any]:
    """The function reading a non-empty cell of a column of this kind."""
    readers: dict[Kind, Callable[[str], Any]] = {
        Kind.ID: str,
        Kind.TEXT: str,
        Kind.CHOICE: read_choice,
        Kind.INT: read_int,
        Kind.FLOAT: read_float,
        Kind.BOOL: read_bool,
        Kind.DATE: read_date,
        Kind.TIME: lambda text: read_time(text, tz),
        Kind.LIST: lambda text: read_list(text, read_choice if choice_items else str),
    }
    return readers[kind]


# --- writing ---------------------------------------------------------------------------------------


def write_value(value: Any) -> str:
    """A field of the instance as cell text that `reader` reads back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        items = [write_value(v) for v in value]
        bad = [v for v in items if not v.strip() or LIST_SEPARATOR in v or v != v.strip()]
        if bad:
            raise ValueError(f"list item {bad[0]!r} cannot be written in one cell "
                             f"(items are separated by {LIST_SEPARATOR!r})")
        return LIST_SEPARATOR.join(items)
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return str(value)
