"""Members whose secondary-employment privileges are suspended or revoked work none.

E-PRIVILEGES, §III.S.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.instance import Privileges


class PrivilegesRule(Rule):
    """Members whose secondary-employment privileges are suspended or revoked work none."""

    code = "E-PRIVILEGES"
    section = "§III.S"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        return ctx.members_in(ctx.arrays.member_privileges, Privileges.SUSPENDED, Privileges.REVOKED)
