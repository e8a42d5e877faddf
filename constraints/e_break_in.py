"""Lateral officers in their break-in period work no secondary employment.

E-BREAK-IN, §IV.A.7.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import MemberStatus


class BreakIn(Rule):
    """Lateral officers in their break-in period work no secondary employment."""

    code = "E-BREAK-IN"
    section = "§IV.A.7"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        return ctx.members_in(ctx.arrays.member_status, MemberStatus.LATERAL_BREAK_IN)
