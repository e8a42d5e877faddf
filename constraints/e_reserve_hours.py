"""Reserve members who missed their required hours work no secondary employment.

E-RESERVE-HOURS, §IV.B.2: missing the quarterly hours revokes it automatically.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import MemberKind


class ReserveHours(Rule):
    """Reserve members who missed their required hours work no secondary employment."""

    code = "E-RESERVE-HOURS"
    section = "§IV.B.2"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        reserve = ctx.members_in(ctx.arrays.member_kind, MemberKind.RESERVE)
        return reserve & ~ctx.member_flag(ctx.arrays.member_reserve_hours_met)
