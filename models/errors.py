"""Input problems: each names the field path, the problem, and its class (which sets the exit code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class ProblemKind(Enum):
    """Classes of input error. The value is the CLI exit code for a file whose problems are of
    this class (the smallest code wins when a file has several classes)."""

    UNREADABLE = 10  # missing file, not JSON, not UTF-8
    SCHEMA = 11  # unknown field, missing field, wrong type or enum value
    NAIVE_TIME = 12  # a time without a UTC offset
    TIME_ORDER = 13  # an end at or before its start, overlapping tours
    DUPLICATE_ID = 14
    DANGLING_REFERENCE = 15
    OUT_OF_RANGE = 16  # negative counts, hours or rates
    POLICY = 17  # breaks the policy itself: pay under the minimum rate (§III.D), locked over count

    @property
    def exit_code(self) -> int:
        return self.value


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str
    kind: ProblemKind

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "kind": self.kind.name.lower()}

    @property
    def pattern(self) -> str:
        """The path with every list index written `*`: `applications[*].member`."""
        return _INDEX.sub("[*]", self.path)


_INDEX = re.compile(r"\[\d+\]")
_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key reading numbers as numbers: `applications[9]` before `applications[10]`."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in _DIGITS.split(path) if part)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By path in natural order (the file's own order), then by class."""
    return sorted(problems, key=lambda p: (natural_key(p.path), p.kind.value, p.message))


def summarize(problems: list[Problem], per_group: int = 3, limit: int = 40) -> list[str]:
    """Display lines for a list of problems: grouped by cause (same path pattern, same class), a
    few of each group shown, the rest counted ("… and 985 more like `applications[*].member`"),
    at most about `limit` lines in all. The problems are taken in their given order."""
    groups: dict[tuple[str, ProblemKind], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.pattern, p.kind), []).append(p)
    lines: list[str] = []
    shown_groups = 0
    for (pattern, _), members in groups.items():
        if len(lines) >= limit:
            break
        shown_groups += 1
        lines.extend(f"{p.path or '(file)'}: {p.message}" for p in members[:per_group])
        if len(members) > per_group:
            lines.append(f"… and {len(members) - per_group:,} more like `{pattern or '(file)'}`")
    left = sum(len(m) for m in list(groups.values())[shown_groups:])
    if left:
        lines.append(f"… and {left:,} more problem(s) in {len(groups) - shown_groups:,} other place(s)")
    return lines


class InvalidInstance(ValueError):
    """The instance cannot be solved as given; carries every problem found (natural path order)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sort_problems(problems)
        lines = "\n".join(f"  {line}" for line in summarize(self.problems))
        super().__init__(f"{len(self.problems)} problem(s) in the instance:\n{lines}")

    @property
    def exit_code(self) -> int:
        return min(p.kind.exit_code for p in self.problems)


def format_path(loc: tuple[str | int, ...]) -> str:
    """`("members", 12, "tours", 3, "end")` -> `members[12].tours[3].end`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
