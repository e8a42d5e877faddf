"""A member on leave works no detail that overlaps the leave (FMLA for family excepted).

E-LEAVE, §V.A: FMLA (self), funeral, injury, sick, military, unpaid, limited duty, leave pool and
suspension all bar secondary employment; FMLA for a family member does not (§V.B: that member is
barred only during duty hours, which E-ON-DUTY handles).
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.constraints.intervals import merge, overlap_matrix
from offduty.models.arrays import BoolArray
from offduty.models.instance import LeaveKind


class LeaveRule(Rule):
    """A member on leave works no detail that overlaps the leave (FMLA for family excepted)."""

    code = "E-LEAVE"
    section = "§V.A"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        barred = np.fromiter((k != LeaveKind.FMLA_FAMILY for k in a.leave_kind), dtype=np.bool_,
                             count=len(a.leave_kind))
        member, start, end = merge(a.leave_member[barred], a.leave_start[barred],
                                   a.leave_end[barred])
        by_shift = overlap_matrix(a.n_members, member, start, end, a.shift_start, a.shift_end)
        return ctx.by_position(by_shift)
