"""Tavern and nightclub details need the Employment Unit Commander's approval first.

E-TAVERN-APPROVAL, §IV.A.2. An employer is a tavern or nightclub when it has `tavern: true`
(the designation of §II.G is made per establishment).
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class TavernApproval(Rule):
    """Tavern and nightclub details need the Employment Unit Commander's approval first."""

    code = "E-TAVERN-APPROVAL"
    section = "§IV.A.2"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        tavern = a.employer_tavern[a.event_employer]
        return ctx.event_flag(tavern & ~a.event_commander_approved)
