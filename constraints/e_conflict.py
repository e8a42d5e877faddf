"""A member does not work for an employer they have a conflict with.

E-CONFLICT, §III.N.3 (e.g. an immediate relative owns the business).
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class Conflict(Rule):
    """A member does not work for an employer they have a conflict with."""

    code = "E-CONFLICT"
    section = "§III.N.3"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        by_employer = np.zeros((a.n_members, len(a.employer_ids)), dtype=np.bool_)
        by_employer[a.conflict_member, a.conflict_employer] = True
        return by_employer[:, a.position_employer]
