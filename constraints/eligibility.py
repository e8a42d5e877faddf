"""Eligibility of every member for every position, with the first rule that excluded each pair.

The reason matrix is uint8 [members, positions]: 0 for eligible, else 1 + the index of the rule in
`registry.RULES`. Eligibility rules fill it by masks; then the model rules prune the pairs that
break them on their own (a detail that alone exceeds the work-day cap, say).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from offduty.constraints.base import EligibilityContext, Pairs
from offduty.constraints.registry import ELIGIBILITY_RULES, MODEL_RULES, REASON_CODES, RULES
from offduty.models.arrays import InstanceArrays
from offduty.models.solution import Candidates


@dataclass(frozen=True, eq=False)
class Eligibility:
    reason: npt.NDArray[np.uint8]  # [M, P], 0 = eligible
    pairs: Pairs  # the eligible pairs, sorted by member then position

    def counts_by_reason(self, position: int) -> dict[str, int]:
        counts = np.bincount(self.reason[:, position], minlength=len(REASON_CODES))
        return {REASON_CODES[i]: int(n) for i, n in enumerate(counts) if i and n}

    def code(self, member: int, position: int) -> str | None:
        r = int(self.reason[member, position])
        return REASON_CODES[r] if r else None

    def unkeepable_locks(self) -> list[str]:
        """The locked assignments no roster can keep: a rule excludes the pair on its own."""
        a = self.pairs.arrays
        locked = a.assignment_locked
        members, positions = a.assignment_member[locked], a.assignment_position[locked]
        missing = self.pairs.index_of(members, positions) < 0
        return [f"locked assignment {a.member_ids[m]} → {a.position_ids[p]} breaks {self.code(m, p)}"
                for m, p in zip(members[missing].tolist(), positions[missing].tolist(), strict=True)]


def compute_eligibility(arrays: InstanceArrays,
                        candidates: Candidates = Candidates.ALL_ELIGIBLE) -> Eligibility:
    ctx = EligibilityContext(arrays, candidates)
    shape = (arrays.n_members, arrays.n_positions)
    reason = np.zeros(shape, dtype=np.uint8)
    for rule in ELIGIBILITY_RULES:
        mask = rule.excluded(ctx)
        if mask is None:
            continue
        mask = np.broadcast_to(mask, shape)
        reason[mask & (reason == 0)] = RULES.index(rule) + 1
    member, position = np.nonzero(reason == 0)
    pairs = Pairs(arrays, member.astype(np.int64), position.astype(np.int64))
    for rule in MODEL_RULES:
        out = rule.prune(pairs)
        if out is None or not out.any():
            continue
        reason[pairs.member[out], pairs.position[out]] = RULES.index(rule) + 1
        pairs = pairs.subset(~out)
    return Eligibility(reason, pairs)
