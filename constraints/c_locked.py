"""Locked assignments of the current roster are kept.

C-LOCKED (no policy section: the coordinator's decision, e.g. a published roster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offduty.constraints.base import Rule

if TYPE_CHECKING:
    from offduty.solver.builder import ModelBuilder


class Locked(Rule):
    """Locked assignments of the current roster are kept."""

    code = "C-LOCKED"
    section = "—"

    def add(self, builder: ModelBuilder) -> None:
        a = builder.arrays
        locked = a.assignment_locked
        for m, p in zip(a.assignment_member[locked].tolist(), a.assignment_position[locked].tolist(),
                        strict=True):
            idx = builder.pair_index(m, p)
            if idx is None:
                reason = builder.reason_code(m, p)
                builder.conflicts.append(
                    f"locked assignment {a.member_ids[m]} → {a.position_ids[p]} breaks {reason}"
                )
            else:
                builder.fix(idx, 1)
