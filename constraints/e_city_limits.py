"""Law-enforcement details are worked only inside the city limits.

E-CITY-LIMITS, §IV.A.11.
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class CityLimits(Rule):
    """Law-enforcement details are worked only inside the city limits."""

    code = "E-CITY-LIMITS"
    section = "§IV.A.11"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        return ctx.event_flag(a.event_law_enforcement & ~a.event_in_city_limits)
