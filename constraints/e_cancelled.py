"""A member who cancelled a position is not given it again.

E-CANCELLED (extension of the catalogue), §IV.D: a cancellation removes the member from that
position; a re-solve refills it with someone else.
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class Cancelled(Rule):
    """A member who cancelled a position is not given it again."""

    code = "E-CANCELLED"
    section = "§IV.D"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        mask = np.zeros((a.n_members, a.n_positions), dtype=np.bool_)
        mask[a.cancellation_member, a.cancellation_position] = True
        return mask
