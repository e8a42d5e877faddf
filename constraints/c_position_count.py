"""A position gets at most `count` members.

C-POSITION-COUNT (no policy section: the employer's request sets the count).
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule, groups
from offduty.constraints.model import ModelWriter


class PositionCount(Rule):
    """A position gets at most `count` members."""

    code = "C-POSITION-COUNT"
    section = "—"

    def add(self, model: ModelWriter) -> None:
        count = model.arrays.position_count
        for position, idx in groups(model.pairs.position):
            if len(idx) > count[position]:
                model.add_linear(idx, np.ones(len(idx), dtype=np.int64), 0, int(count[position]))
