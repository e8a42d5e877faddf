"""Checkers of each strategy's defining property, independent of the model (DESIGN.md table).

- `swap_violations` (seniority, first_come, rotation): an assigned member b on position p and a
  better-ranked member a, not on p, eligible for p, such that the roster with a in place of b on
  p still keeps every hard rule. The strategy's optimum has none.
- `transfer_violations` (hours): a detail p of d minutes held by b that could move to a (every
  rule kept) with T_a + d < T_b, i.e. the move lowers the larger of their totals (totals =
  hours year to date, rounded to minutes, + the roster's minutes). The hours optimum has none.

The judge of "keeps every hard rule" is the independent verifier `solver.verify.verify`. Cheap
filters run first so that a chiefs-game roster is checked in seconds:
1. rank (or totals), eligibility mask (`constraints.eligibility`: a pair it excludes breaks a
   rule on its own, so no swap can use it), a not holding a detail overlapping p's shift, and
   b's assignment not locked (dropping it would break C-LOCKED);
2. the verifier on a's own details plus p (`allow_understaffed`, ignoring the count-based rules
   C-POSITION-COUNT, C-TAVERN-MIN and C-STAFFING-RATIO, which a replacement on the same position
   cannot change): a new violation there is a violation of a's own rules in the full roster too,
   and is the same for every b on p, so it is checked once per (a, p);
3. the verifier on the whole swapped roster, which must show no violation that the original
   roster did not already have (so a roster left understaffed, e.g. by greedy, can still be
   checked); once per (a, p): the holders of p differ only in whose detail is dropped.
A swap found by step 3 is reported. Filters 1–2 only reject swaps the verifier would reject too.
Checking a roster against its own strategy takes well under a second on the chiefs-game; against
another strategy it finds thousands of violations (use `limit`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from offduty.constraints.eligibility import compute_eligibility
from offduty.constraints.intervals import merge, overlap_matrix
from offduty.distribution.hours import ytd_minutes
from offduty.distribution.metrics import better_matrices, locked_assignments
from offduty.models.arrays import MINUTES_PER_HOUR, InstanceArrays, IntArray
from offduty.models.instance import Instance
from offduty.models.solution import Candidates
from offduty.solver.verify import Violation, verify

RANKED = ("seniority", "first_come", "rotation")
#: Rules a replacement on the same position cannot change (counts per position, shift, event).
COUNT_RULES = frozenset({"C-POSITION-COUNT", "C-TAVERN-MIN", "C-STAFFING-RATIO"})


@dataclass(frozen=True)
class SwapViolation:
    """`better` could replace `worse` on `position`, and ranks better under `strategy`."""

    strategy: str
    better: str
    worse: str
    position: str

    def __str__(self) -> str:
        return (f"[{self.strategy}] {self.better} ranks better than {self.worse} and could take "
                f"{self.position} in their place")


@dataclass(frozen=True)
class TransferViolation:
    """Moving `position` from `giver` to `receiver` keeps every rule and lowers the larger total."""

    giver: str
    receiver: str
    position: str
    giver_hours: float  # totals before the move
    receiver_hours: float
    detail_hours: float

    def __str__(self) -> str:
        return (f"[hours] moving {self.position} ({self.detail_hours:g} h) from {self.giver} "
                f"({self.giver_hours:g} h) to {self.receiver} ({self.receiver_hours:g} h) lowers "
                f"the larger total")


class _Checker:
    """The roster as index arrays, and the verifier steps 2 and 3 with their caches."""

    def __init__(self, instance: Instance, pairs: Iterable[Any], candidates: str,
                 allow_understaffed: bool) -> None:
        self.instance = instance
        self.candidates = str(Candidates(candidates))
        self.allow_understaffed = allow_understaffed
        self.arrays = arrays = InstanceArrays.build(instance)
        self.roster = [_pair_of(p) for p in pairs]
        unknown = [(m, p) for m, p in self.roster
                   if m not in arrays.member_index or p not in arrays.position_index]
        if unknown:
            raise ValueError(f"assignments name unknown members or positions: {unknown[:5]}")
        self.member = np.asarray([arrays.member_index[m] for m, _ in self.roster], dtype=np.int64)
        self.position = np.asarray([arrays.position_index[p] for _, p in self.roster], dtype=np.int64)
        self.eligible = compute_eligibility(arrays, Candidates(self.candidates)).reason == 0
        self.base = set(self._verify(self.roster, allow_understaffed))
        self.by_member: dict[str, list[tuple[str, str]]] = {}
        for m, p in self.roster:
            self.by_member.setdefault(m, []).append((m, p))
        self._own_base: dict[str, set[Violation]] = {}
        self._own_ok: dict[tuple[str, str], bool] = {}

    def _verify(self, roster: list[tuple[str, str]], allow_understaffed: bool) -> list[Violation]:
        return verify(self.instance, roster, candidates=self.candidates,
                      allow_understaffed=allow_understaffed)

    def prefilter(self, better: np.ndarray) -> tuple[IntArray, IntArray]:
        """Step 1: (a, j) with better[a, j], a eligible for j's position and free at its time."""
        a = self.arrays
        start, end = a.position_start[self.position], a.position_end[self.position]
        busy = overlap_matrix(a.n_members, *merge(self.member, start, end), start, end)
        cand = better & self.eligible[:, self.position] & ~busy
        cand[:, locked_assignments(a, self.member, self.position)] = False
        who, j = np.nonzero(cand)
        return who.astype(np.int64), j.astype(np.int64)

    def own_rules_ok(self, member: str, position: str) -> bool:
        """Step 2: adding `position` to `member`'s details breaks none of their own rules."""
        key = (member, position)
        if key not in self._own_ok:
            own = self.by_member.get(member, [])
            if member not in self._own_base:
                self._own_base[member] = set(self._verify(own, True))
            after = self._verify([*own, key], True)
            self._own_ok[key] = all(v in self._own_base[member] or v.code in COUNT_RULES for v in after)
        return self._own_ok[key]

    def moved_ok(self, j: int, receiver: str) -> bool:
        """Step 3: the roster with assignment j given to `receiver` has no new violation."""
        position = self.roster[j][1]
        roster = [*self.roster[:j], *self.roster[j + 1:], (receiver, position)]
        return all(v in self.base for v in self._verify(roster, self.allow_understaffed))

    def check(self, who: IntArray, j: IntArray, limit: int | None) -> list[tuple[int, int]]:
        """The candidates (a, j) that pass steps 2 and 3, at most about `limit` of them.

        Step 3 runs once per (a, position): replacing different holders of the same position
        differs only in whose detail is dropped, and dropping an unlocked detail breaks no rule.
        """
        ids = self.arrays.member_ids
        groups: dict[tuple[int, int], list[int]] = {}
        for a_idx, jj in zip(who.tolist(), j.tolist(), strict=True):
            groups.setdefault((a_idx, int(self.position[jj])), []).append(jj)
        out: list[tuple[int, int]] = []
        for (a_idx, _), js in groups.items():
            if limit is not None and len(out) >= limit:
                break
            member, position = ids[a_idx], self.roster[js[0]][1]
            if self.own_rules_ok(member, position) and self.moved_ok(js[0], member):
                out.extend((a_idx, jj) for jj in js)
        return out


def _pair_of(item: Any) -> tuple[str, str]:
    if isinstance(item, tuple | list):
        return str(item[0]), str(item[1])
    if isinstance(item, dict):
        return str(item["member"]), str(item["position"])
    return str(item.member), str(item.position)


def swap_violations(instance: Instance, pairs: Iterable[Any], strategy_name: str, *,
                    candidates: str = "all_eligible", allow_understaffed: bool = False,
                    limit: int | None = None) -> list[SwapViolation]:
    """Every feasible swap of a better-ranked member for a worse-ranked one under the strategy.

    `pairs` holds (member id, position id) tuples, mappings or objects with `.member` and
    `.position` (e.g. a Result's assignments). `strategy_name` is one of seniority, first_come,
    rotation. `candidates` and `allow_understaffed` are the solve's options. Empty when the
    roster has the strategy's swap property. `limit` stops the search after about that many
    violations (checking a roster against a strategy it was not made for finds thousands).
    """
    if strategy_name not in RANKED:
        raise ValueError(f"swap_violations is for {', '.join(RANKED)}; not {strategy_name!r}"
                         + (" (use transfer_violations)" if strategy_name == "hours" else ""))
    checker = _Checker(instance, pairs, candidates, allow_understaffed)
    better = better_matrices(checker.arrays, checker.member, checker.position)[strategy_name]
    ids = checker.arrays.member_ids
    found = checker.check(*checker.prefilter(better), limit)
    return sorted((SwapViolation(strategy_name, ids[a], checker.roster[j][0], checker.roster[j][1])
                   for a, j in found), key=lambda v: (v.position, v.worse, v.better))


def transfer_violations(instance: Instance, pairs: Iterable[Any], *, candidates: str = "all_eligible",
                        allow_understaffed: bool = False, limit: int | None = None,
                        ) -> list[TransferViolation]:
    """Every feasible move of one detail from b to a that lowers max(total_a, total_b).

    Same arguments as `swap_violations`. Empty when the roster has the hours transfer property.
    """
    checker = _Checker(instance, pairs, candidates, allow_understaffed)
    a = checker.arrays
    minutes = a.position_minutes[checker.position]
    new = np.bincount(checker.member, weights=minutes, minlength=a.n_members).astype(np.int64)
    totals = ytd_minutes(a) + new
    better = totals[:, None] + minutes[None, :] < totals[checker.member][None, :]
    found = checker.check(*checker.prefilter(better), limit)
    out = []
    for m, j in found:
        giver, position = checker.roster[j]
        out.append(TransferViolation(
            giver=giver, receiver=a.member_ids[m], position=position,
            giver_hours=float(totals[checker.member[j]]) / MINUTES_PER_HOUR,
            receiver_hours=float(totals[m]) / MINUTES_PER_HOUR,
            detail_hours=float(minutes[j]) / MINUTES_PER_HOUR))
    return sorted(out, key=lambda v: (v.position, v.giver, v.receiver))


def property_violations(instance: Instance, pairs: Iterable[Any], strategy_name: str, *,
                        candidates: str = "all_eligible", allow_understaffed: bool = False,
                        limit: int | None = None) -> list[SwapViolation] | list[TransferViolation]:
    """The defining property of `strategy_name` (DESIGN.md); balanced has none and gives []."""
    if strategy_name == "hours":
        return transfer_violations(instance, pairs, candidates=candidates,
                                   allow_understaffed=allow_understaffed, limit=limit)
    if strategy_name == "balanced":
        return []
    return swap_violations(instance, pairs, strategy_name, candidates=candidates,
                           allow_understaffed=allow_understaffed, limit=limit)
