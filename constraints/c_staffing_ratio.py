"""At every instant of an event's window, enough members are assigned to meet its staffing floor.

C-STAFFING-RATIO, §IV.A.13: floor = core staffing + ceil(attendance / attendees per officer), by
venue (policy defaults at the upper end of each recommended range, overridable per instance).
With `allow_understaffed` the floors are not imposed; unmet ones are reported as shortages.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule, groups
from offduty.constraints.model import FloorRow, ModelWriter
from offduty.models.arrays import InstanceArrays, IntArray


def floor_segments(a: InstanceArrays, event: int) -> list[tuple[int, int, IntArray]]:
    """The event's window cut where its shifts start or end: (start, end, covering shifts),
    merging segments covered by the same shifts."""
    ws, we = int(a.event_window_start[event]), int(a.event_window_end[event])
    shifts = np.flatnonzero(a.shift_event == event)
    s, e = a.shift_start[shifts], a.shift_end[shifts]
    cuts = np.unique(np.concatenate([[ws, we], s[(s > ws) & (s < we)], e[(e > ws) & (e < we)]]))
    out: list[tuple[int, int, IntArray]] = []
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        covering = shifts[(s <= lo) & (e >= hi)]
        if out and np.array_equal(out[-1][2], covering):
            out[-1] = (out[-1][0], hi, covering)
        else:
            out.append((lo, hi, covering))
    return out


class StaffingRatio(Rule):
    """At every instant of an event's window, enough members are assigned to meet its staffing floor."""

    code = "C-STAFFING-RATIO"
    section = "§IV.A.13"

    def add(self, model: ModelWriter) -> None:
        a, pairs = model.arrays, model.pairs
        pairs_by_shift = {int(k): idx for k, idx in groups(pairs.shift)}
        empty = np.zeros(0, dtype=np.int64)
        for event in np.flatnonzero(a.event_floor > 0).tolist():
            floor = int(a.event_floor[event])
            seen: set[tuple[int, ...]] = set()
            for lo, hi, covering in floor_segments(a, event):
                key = tuple(covering.tolist())
                if key in seen:
                    continue
                seen.add(key)
                idx = np.concatenate([empty, *(pairs_by_shift.get(k, empty) for k in key)])
                capacity = int(a.position_count[np.isin(a.position_shift, covering)].sum())
                row: FloorRow = FloorRow(event, lo, hi, floor, idx, capacity)
                model.floor_rows.append(row)
                if not model.allow_understaffed:
                    model.add_linear(idx, np.ones(len(idx), dtype=np.int64), floor, len(idx) + floor)
