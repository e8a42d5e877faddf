"""When only applicants are candidates, a pool detail goes only to members who applied for it.

E-APPLICANT, §III.E and §IV.A.5: eligible officers apply for posted assignments in the SEP; pool
assignments are entered by the Secondary Employment Coordinator. Active only with candidates
`applicants`; non-pool details stay open to every eligible member.
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray
from offduty.models.solution import Candidates


class Applicant(Rule):
    """When only applicants are candidates, a pool detail goes only to members who applied for it."""

    code = "E-APPLICANT"
    section = "§III.E, §IV.A.5"

    def excluded(self, ctx: EligibilityContext) -> BoolArray | None:
        if ctx.candidates != Candidates.APPLICANTS:
            return None
        a = ctx.arrays
        applied = np.zeros((a.n_members, a.n_shifts), dtype=np.bool_)
        applied[a.application_member, a.application_shift] = True
        return ~ctx.by_position(applied) & ctx.event_flag(a.event_pool)
