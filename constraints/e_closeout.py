"""Members with open close-outs may not take pool details.

E-CLOSEOUT, §III.H: no application for a pool assignment until previous ones are closed.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class Closeout(Rule):
    """Members with open close-outs may not take pool details."""

    code = "E-CLOSEOUT"
    section = "§III.H"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        return ctx.member_flag(a.member_open_closeouts > 0) & ctx.event_flag(a.event_pool)
