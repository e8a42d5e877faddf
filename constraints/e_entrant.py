"""Entrant officers work no secondary employment.

E-ENTRANT, §IV.C.6.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import MemberStatus


class Entrant(Rule):
    """Entrant officers work no secondary employment."""

    code = "E-ENTRANT"
    section = "§IV.C.6"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        return ctx.members_in(ctx.arrays.member_status, MemberStatus.ENTRANT)
