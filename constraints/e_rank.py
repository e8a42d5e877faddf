"""A member below a position's minimum rank does not take it.

E-RANK, §IV.A.8. `civilian` counts as `officer`: who may do law-enforcement work at all is
E-NON-SWORN-LE's business.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class RankRule(Rule):
    """A member below a position's minimum rank does not take it."""

    code = "E-RANK"
    section = "§IV.A.8"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        return a.member_rank_level[:, None] < a.position_min_rank_level[None, :]
