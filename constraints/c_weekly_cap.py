"""Secondary hours per ISO week stay within `max_secondary_hours_per_week`, when it is set.

C-WEEKLY-CAP, pillar 1 (a maximum allowance of hours, overridable by a supervisor). Weeks start
at local Monday midnight; a detail crossing into the next week counts in full in both.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule, groups
from offduty.constraints.intervals import expand_ranges
from offduty.constraints.model import ModelWriter
from offduty.constraints.workdays import iso_weeks
from offduty.models.arrays import BoolArray, IntArray, hours_to_minutes


def _touched(weeks: IntArray, start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """(pair, week) for every week each pair's interval overlaps."""
    first = np.searchsorted(weeks, start, side="right") - 1
    last = np.searchsorted(weeks, end - 1, side="right") - 1
    return expand_ranges(first, last + 1)


class WeeklyCap(Rule):
    """Secondary hours per ISO week stay within `max_secondary_hours_per_week`, when it is set."""

    code = "C-WEEKLY-CAP"
    section = "pillar 1"

    def prune(self, pairs: Pairs) -> BoolArray | None:
        cap_hours = pairs.arrays.instance.policy.max_secondary_hours_per_week
        if cap_hours is None:
            return None
        return pairs.minutes > hours_to_minutes(cap_hours)

    def add(self, model: ModelWriter) -> None:
        cap_hours = model.arrays.instance.policy.max_secondary_hours_per_week
        if cap_hours is None or len(model.pairs) == 0:
            return
        cap, pairs = hours_to_minutes(cap_hours), model.pairs
        weeks = iso_weeks(model.arrays)
        pair, week = _touched(weeks, pairs.start, pairs.end)
        for _, group in groups(pairs.member[pair] * len(weeks) + week):
            idx = pair[group]
            _, first = np.unique(pairs.shift[idx], return_index=True)
            if pairs.minutes[idx[first]].sum() > cap:
                model.add_linear(idx, pairs.minutes[idx], 0, cap)
