"""Non-sworn members work law-enforcement details only with a private officer license.

E-NON-SWORN-LE, §IV.C.4: unless the member is a reserve officer (kind `reserve`, not this rule's
concern) or holds a private officer license.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import MemberKind


class NonSwornLawEnforcement(Rule):
    """Non-sworn members work law-enforcement details only with a private officer license."""

    code = "E-NON-SWORN-LE"
    section = "§IV.C.4"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        unlicensed = ctx.members_in(a.member_kind, MemberKind.NON_SWORN) & ~ctx.member_flag(
            a.member_private_license
        )
        return unlicensed & ctx.event_flag(a.event_law_enforcement)
