"""Explanations of infeasibility in the coordinator's terms.

Without staffing floors the model is always feasible (the empty roster satisfies every other
rule) unless locked assignments conflict; so an infeasible answer names either the locked
assignments that conflict, or the event whose C-STAFFING-RATIO floor cannot be met, with the floor
and the most that is achievable.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from offduty.constraints.model import FloorRow
from offduty.models.arrays import InstanceArrays, from_minutes
from offduty.solver.builder import CpSatModel
from offduty.solver.params import configure
from offduty.solver.prepare import Prepared
from offduty.solver.verify import verify

#: Seconds allowed per event when computing the most that is achievable.
EXPLAIN_TIME_LIMIT = 10.0


def _when(arrays: InstanceArrays, start: int, end: int) -> str:
    tz = arrays.tz
    return f"{from_minutes(start, tz):%Y-%m-%d %H:%M}–{from_minutes(end, tz):%H:%M}"


def _floor_text(a: InstanceArrays, event: int, floor: int) -> str:
    ev = a.instance.events[event]
    ratio = a.instance.policy.staffing_ratio(ev.venue)
    detail = ""
    if ratio is not None and ev.attendance is not None:
        detail = (f" ({ratio.core} core + {ev.attendance:,} attendees at 1 per "
                  f"{ratio.attendees_per_officer:,}, §IV.A.13)")
    return (f"event {ev.id} ({ev.name or ev.venue.value}) needs at least {floor} members at every "
            f"instant of its window{detail}")


def obvious_infeasibility(prepared: Prepared) -> list[str]:
    """Floors that fail on counting alone: fewer slots or eligible members than the floor."""
    if prepared.params.allow_understaffed:
        return []
    a = prepared.arrays
    out = []
    reported: set[int] = set()
    for row in prepared.model.cpsat.floor_rows:
        members = len(np.unique(prepared.pairs.member[row.pairs]))
        most = min(row.capacity, members)
        if most < row.floor and row.event not in reported:
            reported.add(row.event)
            why = (f"only {row.capacity} positions cover it" if row.capacity <= members
                   else f"only {members} eligible members can work then")
            out.append(f"{_floor_text(a, row.event, row.floor)}; during "
                       f"{_when(a, row.start, row.end)} at most {most} can be assigned: {why}")
    return out


def explain_infeasible(prepared: Prepared) -> list[str]:
    """Why tier 1 is infeasible: locked conflicts, or each floor that cannot be met alone."""
    a, params = prepared.arrays, prepared.params
    locked = a.assignment_locked
    if locked.any():
        pairs = list(zip([a.member_ids[m] for m in a.assignment_member[locked]],
                         [a.position_ids[p] for p in a.assignment_position[locked]], strict=True))
        clashes = verify(a.instance, pairs, candidates=params.candidates.value, allow_understaffed=True)
        if clashes:
            return [f"locked assignments break {v.code}: {v.message}" for v in clashes]
    rows_by_event = _floor_rows_by_event(prepared)
    out = unmeetable_floors(prepared)
    if not out and rows_by_event:
        names = ", ".join(a.event_ids[e] for e in rows_by_event)
        out.append(f"the staffing floors of events {names} can each be met, but not all together "
                   "(they compete for the same members)")
    return out or ["no roster satisfies every rule (no single cause found)"]


def _floor_rows_by_event(prepared: Prepared) -> dict[int, list[FloorRow]]:
    rows_by_event: dict[int, list[FloorRow]] = {}
    for row in prepared.model.cpsat.floor_rows:
        rows_by_event.setdefault(row.event, []).append(row)
    return rows_by_event


def unmeetable_floors(prepared: Prepared, events: set[str] | None = None) -> list[str]:
    """Each event (of `events`, by id; all by default) whose staffing floor no roster can meet
    even on its own, with the most that is achievable (a CP-SAT solve per event, at most
    `EXPLAIN_TIME_LIMIT` seconds each)."""
    a = prepared.arrays
    out = []
    for event, rows in _floor_rows_by_event(prepared).items():
        if events is not None and a.event_ids[event] not in events:
            continue
        best, binding = _most_achievable(prepared, event, rows[0].floor)
        if best is not None and best < rows[0].floor:
            where = f" during {_when(a, binding.start, binding.end)}" if binding else ""
            out.append(f"{_floor_text(a, event, rows[0].floor)}; at most {best} can be "
                       f"assigned{where}")
    return out


def _most_achievable(prepared: Prepared, event: int, floor: int) -> tuple[int | None, FloorRow | None]:
    """Maximize the event's least staffed instant with every rule but the floors."""
    relaxed = CpSatModel(prepared.arrays, prepared.pairs, allow_understaffed=True).build()
    rows = [r for r in relaxed.floor_rows if r.event == event]
    z = relaxed.new_int(0, floor, "least_staffed")
    for row in rows:
        relaxed.add_linear([*row.pairs.tolist(), z], [*([1] * len(row.pairs)), -1], 0, cp_model.INT_MAX)
    relaxed.set_objective([z], [-1])
    solver = cp_model.CpSolver()
    configure(solver, prepared.params.engine, EXPLAIN_TIME_LIMIT)
    status = solver.solve(relaxed.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    values = np.asarray(solver.response_proto.solution, dtype=np.int64)
    best = int(values[z])
    binding = min(rows, key=lambda r: int(values[r.pairs].sum()) if len(r.pairs) else 0, default=None)
    return best, binding
