"""On-duty plus secondary hours in each work day stay within the cap (16 h).

C-WORK-DAY-CAP, §IV.A.12 and §II.H: on-duty hours less exception time plus secondary hours per
24-hour work day; the Chief's exception (`cap_exception`) lifts it. Work days are defined in
`constraints.workdays`; a detail crossing a day boundary counts in full in each day it touches.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule, groups
from offduty.constraints.model import ModelWriter
from offduty.constraints.workdays import work_days
from offduty.models.arrays import BoolArray, hours_to_minutes


class WorkDayCap(Rule):
    """On-duty plus secondary hours in each work day stay within the cap (16 h)."""

    code = "C-WORK-DAY-CAP"
    section = "§IV.A.12, §II.H"

    def prune(self, pairs: Pairs) -> BoolArray:
        a = pairs.arrays
        cap = hours_to_minutes(a.instance.policy.work_day_cap_hours)
        days = work_days(a)
        pair, day = days.touched(pairs.member, pairs.start, pairs.end)
        over = days.on_duty[day] + pairs.minutes[pair] > cap
        out = np.zeros(len(pairs), dtype=np.bool_)
        out[pair[over]] = True
        return out & ~a.member_cap_exception[pairs.member]

    def add(self, model: ModelWriter) -> None:
        a, pairs = model.arrays, model.pairs
        cap = hours_to_minutes(a.instance.policy.work_day_cap_hours)
        days = work_days(a)
        pair, day = days.touched(pairs.member, pairs.start, pairs.end)
        keep = ~a.member_cap_exception[pairs.member[pair]]
        pair, day = pair[keep], day[keep]
        for d, group in groups(day):
            idx = pair[group]
            room = cap - int(days.on_duty[d])
            # a member holds at most one position per shift: count each shift once
            _, first = np.unique(pairs.shift[idx], return_index=True)
            if pairs.minutes[idx[first]].sum() <= room:
                continue
            model.add_linear(idx, pairs.minutes[idx], 0, room)
