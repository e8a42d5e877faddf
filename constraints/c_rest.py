"""At least `min_rest_hours` between a detail and the member's next tour or detail.

C-REST, §III.C (members will have adequate rest prior to the shift) and pillar 1 (officers well
rested for their primary duty). Detail-to-tour gaps are decided per pair here; detail-to-detail
gaps are enforced by C-OVERLAP on intervals extended by the rest.
"""

from __future__ import annotations

import numpy as np

from offduty.constraints.base import Pairs, Rule
from offduty.constraints.intervals import KEY_STRIDE
from offduty.models.arrays import BoolArray, hours_to_minutes


class Rest(Rule):
    """At least `min_rest_hours` between a detail and the member's next tour or detail."""

    code = "C-REST"
    section = "§III.C"

    def prune(self, pairs: Pairs) -> BoolArray | None:
        a = pairs.arrays
        rest = hours_to_minutes(a.instance.policy.min_rest_hours)
        if rest == 0 or len(a.tour_member) == 0:
            return None
        keys = a.tour_member * KEY_STRIDE + a.tour_start
        # the member's first tour starting at or after the detail ends
        idx = np.searchsorted(keys, pairs.member * KEY_STRIDE + pairs.end, side="left")
        valid = idx < len(keys)
        idx = np.where(valid, idx, 0)
        return valid & (a.tour_member[idx] == pairs.member) & (a.tour_start[idx] < pairs.end + rest)
