"""A position gets at most `count` members.

C-POSITION-COUNT (no policy section: the employer's request sets the count).
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule
from offduty.constraints.intervals import expand_ranges
from offduty.constraints.model import ModelWriter


class PositionCount(Rule):
    """A position gets at most `count` members."""

    code = "C-POSITION-COUNT"
    section = "—"

    def add(self, model: ModelWriter) -> None:
        position = model.pairs.position
        count = model.arrays.position_count
        order = np.argsort(position, kind="stable")
        eligible = np.bincount(position, minlength=len(count))
        starts = np.r_[0, np.cumsum(eligible)]
        binding = np.flatnonzero(eligible > count)  # a row only where it can bind
        lo, hi = starts[binding], starts[binding + 1]
        _, idx = expand_ranges(lo, hi)
        model.add_linears(order[idx], np.ones(len(idx), dtype=np.int64), np.r_[0, np.cumsum(hi - lo)],
                          np.zeros(len(binding), dtype=np.int64), count[binding])
