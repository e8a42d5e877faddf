"""Probationary members work no law-enforcement detail.

E-PROBATION, §IV.A.6: probationary officers are forbidden any law-enforcement-related secondary
employment or any that involves wearing the uniform.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import MemberStatus


class Probation(Rule):
    """Probationary members work no law-enforcement detail."""

    code = "E-PROBATION"
    section = "§IV.A.6"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        probationary = ctx.members_in(ctx.arrays.member_status, MemberStatus.PROBATIONARY)
        return probationary & ctx.event_flag(ctx.arrays.event_law_enforcement)
