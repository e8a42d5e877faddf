"""Secondary hours per ISO week stay within `max_secondary_hours_per_week`, when it is set.

C-WEEKLY-CAP, pillar 1 (a maximum allowance of hours, overridable by a supervisor). Weeks run
from local Monday midnight to the next; each week counts the part of every detail inside it, so
a detail across Monday midnight splits its hours between the two weeks.

A pair is pruned only when its own part in some week exceeds the cap; a member's week gets a
row (minutes inside the week as coefficients) only where details that can be worked together
could exceed it.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule
from offduty.constraints.model import ModelWriter
from offduty.constraints.workdays import binding_rows, iso_weeks
from offduty.models.arrays import BoolArray, hours_to_minutes


class WeeklyCap(Rule):
    """Secondary hours per ISO week stay within `max_secondary_hours_per_week`, when it is set."""

    code = "C-WEEKLY-CAP"
    section = "pillar 1"

    def prune(self, pairs: Pairs) -> BoolArray | None:
        cap_hours = pairs.arrays.instance.policy.max_secondary_hours_per_week
        if cap_hours is None:
            return None
        item, _, minutes = iso_weeks(pairs.arrays).pieces(pairs.start, pairs.end)
        out = np.zeros(len(pairs), dtype=np.bool_)
        out[item[minutes > hours_to_minutes(cap_hours)]] = True
        return out

    def add(self, model: ModelWriter) -> None:
        cap_hours = model.arrays.instance.policy.max_secondary_hours_per_week
        if cap_hours is None or len(model.pairs) == 0:
            return
        cap, pairs = hours_to_minutes(cap_hours), model.pairs
        weeks = iso_weeks(model.arrays)
        item, week, minutes = weeks.pieces(pairs.start, pairs.end)
        start = np.maximum(pairs.start[item], weeks.start[week])
        room = np.full(len(item), cap, dtype=np.int64)
        idx, starts = binding_rows(pairs.member[item] * len(weeks) + week, start, start + minutes, room)
        if len(starts) > 1:  # all rows in one call
            n = len(starts) - 1
            model.add_linears(item[idx], minutes[idx], starts, np.zeros(n, dtype=np.int64),
                              np.full(n, cap, dtype=np.int64))
