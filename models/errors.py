"""Input problems: each names the field path, the problem, and its class (which sets the exit code)."""

from __future__ import annotations

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


class InvalidInstance(ValueError):
    """The instance cannot be solved as given; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.kind.value, p.path))
        lines = "\n".join(f"  {p}" for p in self.problems)
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
