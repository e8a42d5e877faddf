"""On-duty plus secondary hours within each work day stay within the cap (16 h).

C-WORK-DAY-CAP, §IV.A.12 and §II.H: a work day is a fixed 24-hour period, and the cap is on the
hours within it. Each day counts the part of every tour inside it (less the tour's
`exception_hours`, pro rata to that part) and the part of every detail inside it; the Chief's
exception (`cap_exception`) lifts the cap. Work days and the exact rounding of the pro-rata
share are defined in `constraints.workdays`.

A pair is pruned only when its own part in some day exceeds that day's room; a day gets a row
(detail minutes inside the day as coefficients) only where details that can be worked together
could exceed its room. Each row also gets the at-most-one cliques it implies
(`workdays.conflict_cliques`: pieces that cannot both fit the day's room), which tighten the LP.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule
from offduty.constraints.model import ModelWriter
from offduty.constraints.workdays import binding_rows, conflict_cliques, work_days
from offduty.models.arrays import BoolArray, hours_to_minutes


class WorkDayCap(Rule):
    """On-duty plus secondary hours in each work day stay within the cap (16 h)."""

    code = "C-WORK-DAY-CAP"
    section = "§IV.A.12, §II.H"

    def prune(self, pairs: Pairs) -> BoolArray:
        a = pairs.arrays
        days = work_days(a)
        item, day, minutes = days.pieces(pairs.member, pairs.start, pairs.end)
        over = minutes > days.room(hours_to_minutes(a.instance.policy.work_day_cap_hours))[day]
        out = np.zeros(len(pairs), dtype=np.bool_)
        out[item[over]] = True
        return out & ~a.member_cap_exception[pairs.member]

    def add(self, model: ModelWriter) -> None:
        a, pairs = model.arrays, model.pairs
        days = work_days(a)
        item, day, minutes = days.pieces(pairs.member, pairs.start, pairs.end)
        keep = ~a.member_cap_exception[pairs.member[item]]
        item, day, minutes = item[keep], day[keep], minutes[keep]
        start = np.maximum(pairs.start[item], days.start[day])
        room = days.room(hours_to_minutes(a.instance.policy.work_day_cap_hours))[day]
        idx, starts = binding_rows(day, start, start + minutes, room)
        if len(starts) > 1:  # all rows in one call: kc-month has ~25k
            row_room = room[idx[starts[:-1]]]
            model.add_linears(item[idx], minutes[idx], starts, np.zeros(len(starts) - 1, dtype=np.int64),
                              row_room)
            # implied, not new: pieces that cannot both fit a day (they tighten the LP)
            positions, offsets = conflict_cliques(starts, minutes[idx], row_room)
            model.add_at_most_ones(item[idx][positions], offsets)
