"""A solution's assignments joined with the instance: who worked what, when, for whom, for how much.

The solution contributes only what DESIGN.md makes its contract, `assignments[].member` and
`assignments[].position`; times, hours and rates come from the instance (a position's hours are its
shift's elapsed minutes, on the same integer-minute clock as the solver; its rate is `pay_rate`,
else the policy's minimum rate). Pay is hours × rate in exact decimal arithmetic, rounded half up
to the cent per assignment.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import ValidationError

from offduty.models.arrays import to_minutes
from offduty.models.instance import Instance
from offduty.models.solution import Solution

CENT = Decimal("0.01")
ROSTER_COLUMNS = ["member", "member_name", "rank", "supervisor", "position", "shift", "event", "event_name",
                  "employer", "employer_name", "venue", "start", "end", "date", "start_min", "end_min",
                  "minutes", "hours", "rate", "pay", "locked"]


class SolutionProblem(ValueError):
    """A solution file that cannot be read, or that does not belong to the instance."""

    def __init__(self, problems: list[str], exit_code: int) -> None:
        self.problems = problems
        self.exit_code = exit_code
        super().__init__("; ".join(problems))


def load_solution(path: str | Path) -> Solution:
    """Read a solution file (the solution format of DESIGN.md); SolutionProblem when unreadable
    (exit code 10) or not a solution (11)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SolutionProblem([f"cannot read {path}: {exc}"], 10) from None
    try:
        return Solution.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise SolutionProblem([f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}"], 10) from None
    except ValidationError as exc:
        problems = [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:20]]
        raise SolutionProblem(problems, 11) from None


def check_solution(instance: Instance, solution: Solution) -> None:
    """SolutionProblem (exit code 15) when an assignment names a member or position the instance
    does not have: the solution belongs to another instance."""
    members = {m.id for m in instance.members}
    positions = {p.id for e in instance.events for s in e.shifts for p in s.positions}
    problems = []
    for i, a in enumerate(solution.assignments):
        if a.member not in members:
            problems.append(f"assignments[{i}].member: no member with id {a.member!r} in the instance")
        if a.position not in positions:
            problems.append(f"assignments[{i}].position: no position with id {a.position!r} in the instance")
    if problems:
        raise SolutionProblem(problems, 15)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pay_of(minutes: int, rate: float) -> Decimal:
    """Pay for `minutes` at an hourly `rate`, rounded half up to the cent."""
    return money(Decimal(minutes) * Decimal(repr(rate)) / 60)


@dataclass(frozen=True)
class Period:
    """Local calendar days `first`..`last` (inclusive); None means open. An assignment belongs to
    the period of the day its shift starts."""

    first: dt.date | None = None
    last: dt.date | None = None

    @classmethod
    def month(cls, text: str) -> Period:
        """`2026-09` -> September 2026."""
        first = dt.date.fromisoformat(f"{text}-01")
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return cls(first, nxt - dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)

    def bounds(self, tz: ZoneInfo) -> tuple[int | None, int | None]:
        """[start, end) of the period in epoch minutes (local midnights)."""
        lo = to_minutes(dt.datetime.combine(self.first, dt.time(), tzinfo=tz)) if self.first else None
        hi = (to_minutes(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=tz))
              if self.last else None)
        return lo, hi

    @property
    def label(self) -> str:
        if self.first is None and self.last is None:
            return "all dates"
        return f"{self.first or '…'} to {self.last or '…'}"


def roster_frame(instance: Instance, solution: Solution, period: Period | None = None) -> pd.DataFrame:
    """One row per assignment of `solution` (whose shift starts in `period`), columns
    `ROSTER_COLUMNS`; `start`/`end` are local times of the policy's zone, `pay` a Decimal."""
    tz = ZoneInfo(instance.policy.timezone)
    members = {m.id: m for m in instance.members}
    employers = {e.id: e for e in instance.employers}
    where = {p.id: (p, s, e) for e in instance.events for s in e.shifts for p in s.positions}
    min_rate = instance.policy.minimum_pay_rate
    rows = []
    for a in solution.assignments:
        member = members[a.member]
        position, shift, event = where[a.position]
        start, end = shift.start.astimezone(tz), shift.end.astimezone(tz)
        if period is not None and not period.contains(start.date()):
            continue
        employer = employers.get(event.employer)
        start_min, end_min = to_minutes(shift.start), to_minutes(shift.end)
        rate = position.pay_rate if position.pay_rate is not None else min_rate
        rows.append((member.id, member.name, member.rank.value, member.supervisor, position.id, shift.id,
                     event.id, event.name, event.employer, employer.name if employer else "",
                     event.venue.value, start, end, start.date(), start_min, end_min, end_min - start_min,
                     (end_min - start_min) / 60, rate, pay_of(end_min - start_min, rate), a.locked))
    frame = pd.DataFrame(rows, columns=ROSTER_COLUMNS)
    return frame.sort_values(["start_min", "event", "position", "member"], kind="stable",
                             ignore_index=True)


def hours_text(hours: float) -> str:
    """8.0 -> `8.00`, 7.8333… -> `7.8333`: two to four decimals."""
    text = f"{hours:.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text
