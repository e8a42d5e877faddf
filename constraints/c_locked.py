"""Locked assignments of the current roster are kept.

C-LOCKED (no policy section: the coordinator's decision, e.g. a published roster). A locked
assignment whose pair a rule excludes on its own cannot be kept by any roster:
`Eligibility.unkeepable_locks` names those before anything is solved.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Rule
from offduty.constraints.model import ModelWriter


class Locked(Rule):
    """Locked assignments of the current roster are kept."""

    code = "C-LOCKED"
    section = "—"

    def add(self, model: ModelWriter) -> None:
        for i in np.flatnonzero(model.pairs.locked()).tolist():
            model.fix(i, 1)
