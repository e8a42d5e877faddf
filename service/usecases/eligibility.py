"""The eligibility report: per event, how many members may work it and why the others may not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from offduty.constraints.eligibility import compute_eligibility
from offduty.constraints.registry import REASON_CODES
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.solution import Candidates


@dataclass(frozen=True)
class EventEligibility:
    event: str
    slots: int
    #: Members eligible for at least one of the event's positions; None when it has none.
    eligible: int | None
    #: For every other member, the rule of their nearest miss (the position where they passed the
    #: most rules), counted by rule code, most frequent first.
    excluded_by: dict[str, int]


@dataclass(frozen=True)
class EligibilityReport:
    members: int
    positions: int
    slots: int
    events: list[EventEligibility]


def eligibility_report(instance: Instance,
                       candidates: Candidates = Candidates.ALL_ELIGIBLE) -> EligibilityReport:
    arrays = InstanceArrays.build(instance)
    elig = compute_eligibility(arrays, candidates)
    rows = []
    for v, event in enumerate(instance.events):
        cols = np.flatnonzero(arrays.position_event == v)
        if len(cols) == 0:
            rows.append(EventEligibility(event.id, 0, None, {}))
            continue
        reasons = elig.reason[:, cols]
        eligible = (reasons == 0).any(axis=1)
        nearest = np.where(eligible, 0, reasons.max(axis=1))
        counts = np.bincount(nearest[~eligible], minlength=len(REASON_CODES))
        ranked = sorted(enumerate(counts.tolist()), key=lambda x: -x[1])
        excluded = {REASON_CODES[i]: n for i, n in ranked if n and i}
        rows.append(EventEligibility(event.id, int(arrays.position_count[cols].sum()), int(eligible.sum()),
                                     excluded))
    return EligibilityReport(arrays.n_members, arrays.n_positions, int(arrays.position_count.sum()), rows)
