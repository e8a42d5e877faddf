"""Rosters and cancellations as files, for the CLI's server-less workflow.

- A roster file is a solution JSON (`offduty solve --out`): its `assignments` are the roster.
  A bare list of `{"member", "position"}` objects is accepted too.
- A cancellations file is `{"cancellations": [...]}` (or a bare list) of either cancellation
  records (`CancellationRecord`, with `id` and `status`: what `offduty cancel` writes) or the
  instance format's cancellations (`member`, `position`, `at`, `reason`, `comment`), which are
  taken as in force.

Bad files raise `RosterFileError` naming the file, the entry and the problem.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from offduty.models.instance import Cancellation, Instance
from offduty.models.solution import AssignmentOut, Solution, SolveStatus, UnfilledOut
from offduty.service.usecases.cancellations import CancellationRecord
from offduty.service.usecases.rosters import Pair, pairs_of


class RosterFileError(ValueError):
    def __init__(self, path: Path | str, where: str, message: str) -> None:
        self.path, self.where, self.message = str(path), where, message
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RosterFileError(path, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterFileError(path, "", f"cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RosterFileError(path, f"line {exc.lineno}", f"not JSON: {exc.msg}") from None


def _entries(path: Path, data: Any, key: str) -> list[Any]:
    if isinstance(data, dict):
        if key not in data:
            raise RosterFileError(path, "", f"no {key!r} list")
        data = data[key]
    if not isinstance(data, list):
        raise RosterFileError(path, key, "must be a list")
    return data


def load_roster(path: Path) -> set[Pair]:
    """The (member, position) pairs of a roster file."""
    entries = _entries(path, _read_json(path), "assignments")
    for i, entry in enumerate(entries):
        for field in ("member", "position"):
            value = entry.get(field) if isinstance(entry, dict) else None
            if not isinstance(value, str) or not value:
                raise RosterFileError(path, f"assignments[{i}].{field}", "missing or not a string")
    return pairs_of(entries)


def load_cancellations(path: Path) -> list[CancellationRecord | Cancellation]:
    """The entries of a cancellations file: records (with `status`) or instance cancellations.
    A missing file is an empty list (the first `offduty cancel` creates it)."""
    if not Path(path).exists():
        return []
    out: list[CancellationRecord | Cancellation] = []
    for i, entry in enumerate(_entries(path, _read_json(path), "cancellations")):
        kind = CancellationRecord if isinstance(entry, dict) and "status" in entry else Cancellation
        try:
            out.append(kind.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in (f"cancellations[{i}]", *err["loc"]))
            raise RosterFileError(path, where, err["msg"]) from None
    return out


def records_only(path: Path,
                 entries: Sequence[CancellationRecord | Cancellation]) -> list[CancellationRecord]:
    """The records of a cancellations file the workflow commands manage."""
    for i, e in enumerate(entries):
        if not isinstance(e, CancellationRecord):
            raise RosterFileError(path, f"cancellations[{i}]", "not a cancellation record (no id and "
                                  "status): this file was not written by `offduty cancel`")
    return [e for e in entries if isinstance(e, CancellationRecord)]


def in_force_of(entries: Iterable[CancellationRecord | Cancellation]) -> list[Cancellation]:
    """The cancellations that release their assignment: records in force, and every plain one."""
    out = []
    for e in entries:
        if isinstance(e, CancellationRecord):
            if e.in_force:
                out.append(e.as_instance_cancellation())
        else:
            out.append(e)
    return out


def write_cancellations(path: Path, records: Sequence[CancellationRecord]) -> None:
    data = {"cancellations": [r.model_dump(mode="json") for r in records]}
    tmp = Path(path).with_name(f".{Path(path).name}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)


def roster_document(instance: Instance, roster: Iterable[Any], *, strategy: str = "seniority",
                    explanation: Sequence[str] = ()) -> Solution:
    """A roster in the solution format (assignments with their shift, event, times, hours and
    pay; unfilled positions by count), as a manual change such as a transfer leaves it."""
    where = {}
    for event in instance.events:
        for shift in event.shifts:
            for p in shift.positions:
                where[p.id] = (event, shift, p)
    pairs = sorted(pairs_of(roster), key=lambda mp: (where[mp[1]][1].start, mp[1], mp[0]))
    assignments = []
    filled: dict[str, int] = {}
    for member, position in pairs:
        event, shift, p = where[position]
        filled[position] = filled.get(position, 0) + 1
        hours = (shift.end.astimezone(dt.UTC) - shift.start.astimezone(dt.UTC)).total_seconds() / 3600
        assignments.append(AssignmentOut(
            member=member, position=position, shift=shift.id, event=event.id, start=shift.start.isoformat(),
            end=shift.end.isoformat(), hours=round(hours, 4),
            pay_rate=float(p.pay_rate if p.pay_rate is not None else instance.policy.minimum_pay_rate)))
    unfilled = [UnfilledOut(position=pid, missing=p.count - filled.get(pid, 0))
                for pid, (_, _, p) in where.items() if filled.get(pid, 0) < p.count]
    required = sum(p.count for _, _, p in where.values())
    return Solution(status=SolveStatus.FEASIBLE, strategy=strategy, candidates="all_eligible",
                    assignments=assignments, unfilled=unfilled,
                    metrics={"filled": len(assignments), "required": required}, explanation=list(explanation))
