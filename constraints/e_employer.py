"""Nobody works for an employer that is not approved or is restricted.

E-EMPLOYER, §III.N–P and §IV.A.2: labor disputes, felon owners, unlawful activity, gambling,
nudity, marijuana and private security companies bar every member; every employer needs the
Secondary Employment Section's approval first.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class EmployerRule(Rule):
    """Nobody works for an employer that is not approved or is restricted."""

    code = "E-EMPLOYER"
    section = "§III.N–P, §IV.A.2"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        return ctx.employer_flag(~a.employer_approved | a.employer_restricted)
