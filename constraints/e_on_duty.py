"""A member works no detail that overlaps one of their on-duty tours.

E-ON-DUTY, §III.N.1 (no other employer while on duty) and §V.B (FMLA for a family member still
allows secondary employment, except during designated duty hours).
"""

from offduty.constraints.base import EligibilityContext, Rule
from offduty.constraints.intervals import overlap_matrix
from offduty.models.arrays import BoolArray


class OnDuty(Rule):
    """A member works no detail that overlaps one of their on-duty tours."""

    code = "E-ON-DUTY"
    section = "§III.N.1, §V.B"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        # tours of one member never overlap (validated), so they are already disjoint
        by_shift = overlap_matrix(a.n_members, a.tour_member, a.tour_start, a.tour_end,
                                  a.shift_start, a.shift_end)
        return ctx.by_position(by_shift)
