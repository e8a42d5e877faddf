"""A position gets at most `count` members.

C-POSITION-COUNT (no policy section: the employer's request sets the count).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from offduty.constraints.base import Rule

if TYPE_CHECKING:
    from offduty.solver.builder import ModelBuilder


class PositionCount(Rule):
    """A position gets at most `count` members."""

    code = "C-POSITION-COUNT"
    section = "—"

    def add(self, builder: ModelBuilder) -> None:
        count = builder.arrays.position_count
        for position, idx in builder.groups(builder.pairs.position):
            if len(idx) > count[position]:
                builder.add_linear(idx, np.ones(len(idx), dtype=np.int64), 0, int(count[position]))
