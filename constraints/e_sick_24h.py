"""After sick leave (not for a medical appointment), no detail for 24 hours from the 10-41 time.

E-SICK-24H, §V.A.4.b and §II.F: the barred period is [s, s + 24 h), s = the start of the earliest
tour overlapping the leave (the member's designated 10-41 time), else the leave's own start.
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.constraints.intervals import merge, overlap_matrix
from offduty.models.arrays import MINUTES_PER_DAY, BoolArray
from offduty.models.instance import LeaveKind


class Sick24h(Rule):
    """After sick leave (not for a medical appointment), no detail for 24 hours from the 10-41 time."""

    code = "E-SICK-24H"
    section = "§V.A.4.b"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        sick = np.fromiter((k == LeaveKind.SICK for k in a.leave_kind), dtype=np.bool_,
                           count=len(a.leave_kind)) & ~a.leave_medical
        starts = []
        for m, ls, le in zip(a.leave_member[sick].tolist(), a.leave_start[sick].tolist(),
                             a.leave_end[sick].tolist(), strict=True):
            # tours are sorted by (member, start): the first overlapping one is the earliest
            lo, hi = np.searchsorted(a.tour_member, [m, m + 1])
            overlapping = (a.tour_start[lo:hi] < le) & (a.tour_end[lo:hi] > ls)
            starts.append(int(a.tour_start[lo:hi][overlapping][0]) if overlapping.any() else ls)
        s = np.asarray(starts, dtype=np.int64)
        member, start, end = merge(a.leave_member[sick], s, s + MINUTES_PER_DAY)
        by_shift = overlap_matrix(a.n_members, member, start, end, a.shift_start, a.shift_end)
        return ctx.by_position(by_shift)
