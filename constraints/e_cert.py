"""A member without every certification a position requires does not take it.

E-CERT, pillar 3 (fair distribution: "specific personnel if the job requires particular skills
or certifications").
"""

import numpy as np

from offduty.constraints.base import EligibilityContext, Rule
from offduty.models.arrays import BoolArray


class Certification(Rule):
    """A member without every certification a position requires does not take it."""

    code = "E-CERT"
    section = "pillar 3"

    def excluded(self, ctx: EligibilityContext) -> BoolArray:
        a = ctx.arrays
        # missing[m, p] = number of required certifications the member lacks
        missing = (~a.member_certs).astype(np.int32) @ a.position_certs.T.astype(np.int32)
        return missing > 0
