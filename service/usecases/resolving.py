"""Re-solving a published roster after cancellations, and the change report.

`resolve(instance, params)` re-solves an instance that carries its published roster
(`assignments`) and the cancellations in force (`cancellations`), verifies the roster, and
reports exactly what changed (`ChangeReport`): who was added where and in whose place, who was
moved (from, to) and why, who was removed and why, and for each position left empty why
nobody could take it (no eligible member, and by which rules; every candidate already on a
detail then, or at the 16-hour work-day cap (§IV.A.12); the change limit...), with the proof
status of the changes tier. The report's changes are `roster_diff(published − cancelled, new)`,
the same function that diffs two roster versions.

`with_roster(instance, roster, cancellations)` builds such an instance from an instance file, a
solution's assignments and the cancellations in force, validated like any instance.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from offduty.constraints.eligibility import Eligibility, compute_eligibility
from offduty.constraints.registry import rule
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Cancellation, Instance
from offduty.models.validation import parse_instance
from offduty.service.usecases.rosters import Assigned, Move, Pair, RosterDiff, pairs_of, roster_diff
from offduty.service.usecases.solving import solve_verified
from offduty.solver import Result, SolveParams, verify
from offduty.solver.params import Resolve

log = logging.getLogger(__name__)

#: The rules that keep a member who passes every eligibility rule off one more position: the
#: rules of the member's own roster (a position's count and the event's rules are not theirs).
MEMBER_RULES = ("C-OVERLAP", "C-WORK-DAY-CAP", "C-WEEKLY-CAP", "C-REST")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Explained(_Out):
    member: str
    position: str
    why: str


class MovedOut(_Out):
    member: str
    from_position: str
    to_position: str
    why: str


class LeftEmpty(_Out):
    position: str
    missing: int
    why: str
    #: Why each member could not take it: rule code (or "free": could take it alone) -> members.
    blocked: dict[str, int] = Field(default_factory=dict)


class TierProof(_Out):
    status: str
    objective: float | None
    bound: float | None
    gap: float | None


class ChangeReport(_Out):
    status: str
    #: The changes (symmetric difference with the published roster less the cancelled pairs).
    changes: int
    cancelled: list[Assigned] = Field(default_factory=list)
    added: list[Explained] = Field(default_factory=list)
    moved: list[MovedOut] = Field(default_factory=list)
    removed: list[Explained] = Field(default_factory=list)
    left_empty: list[LeftEmpty] = Field(default_factory=list)
    #: The changes tier's proof: optimal means no roster with as many slots filled has fewer changes.
    proof: TierProof | None = None
    explanation: list[str] = Field(default_factory=list)

    def diff(self) -> RosterDiff:
        """The changes as a roster diff (from the published roster less the cancelled pairs)."""
        return RosterDiff(added=[Assigned(member=a.member, position=a.position) for a in self.added],
                          removed=[Assigned(member=r.member, position=r.position) for r in self.removed],
                          moved=[Move(member=m.member, from_position=m.from_position,
                                      to_position=m.to_position) for m in self.moved])

    def lines(self) -> list[str]:
        """The report in plain sentences, for a terminal, an e-mail or a log."""
        proof = self.proof
        if proof is not None and proof.status == "optimal":
            proven = "proven minimal"
        else:
            bound = proof.bound if proof is not None else None
            proven = "not proven minimal" + (f" (bound {bound:g})" if bound is not None else "")
        out = [f"{self.changes} change(s), {proven}; {len(self.cancelled)} cancellation(s) in force"]
        out += [f"added   {a.member} on {a.position}: {a.why}" for a in self.added]
        out += [f"moved   {m.member} from {m.from_position} to {m.to_position}: {m.why}" for m in self.moved]
        out += [f"removed {r.member} from {r.position}: {r.why}" for r in self.removed]
        out += [f"empty   {e.position} ({e.missing} missing): {e.why}" for e in self.left_empty]
        return out + self.explanation


@dataclass(frozen=True)
class Resolved:
    result: Result
    report: ChangeReport


def resolve(instance: Instance, params: SolveParams) -> Resolved:
    """Re-solve `instance` (its assignments are the published roster), verify, and report.

    `params.resolve` defaults to `Resolve()` (no freeze, no change limit)."""
    if params.resolve is None:
        params = SolveParams(strategy=params.strategy, candidates=params.candidates,
                             time_limit=params.time_limit, allow_understaffed=params.allow_understaffed,
                             resolve=Resolve(), engine=params.engine)
    result = solve_verified(instance, params)
    return Resolved(result, change_report(instance, result, params.resolve))


def with_roster(instance: Instance, roster: Iterable[Any], cancellations: Sequence[Cancellation]) -> Instance:
    """`instance` with `roster` as its published assignments (locked ones of the instance stay
    locked) and `cancellations` as the cancellations in force, validated (InvalidInstance with
    the path of every problem: an unknown member in the roster is `assignments[3].member`)."""
    locked = {(a.member, a.position) for a in instance.assignments if a.locked}
    raw = instance.model_dump(mode="json")
    raw["assignments"] = [{"member": m, "position": p, "locked": (m, p) in locked}
                          for m, p in sorted(pairs_of(roster))]
    raw["cancellations"] = [c.model_dump(mode="json", exclude_none=True) for c in cancellations]
    return parse_instance(raw)


# --- the change report -------------------------------------------------------------------------


def change_report(instance: Instance, result: Result, options: Resolve | None = None) -> ChangeReport:
    """What the re-solve `result` changed in the published roster of `instance`, and why."""
    published = pairs_of(instance.assignments)
    cancelled = pairs_of(instance.cancellations) & published
    new = set(result.pairs())
    diff = roster_diff(published - cancelled, new)
    why = _Why(instance, result, new, options)
    sources = why.vacancy_sources(cancelled, diff)
    proof = next((TierProof(status=t.status, objective=t.objective, bound=t.bound, gap=t.gap)
                  for t in result.tiers if t.name == "changes"), None)
    return ChangeReport(
        status=result.status.value,
        changes=diff.changes,
        cancelled=[Assigned(member=m, position=p) for m, p in sorted(cancelled)],
        added=[Explained(member=a.member, position=a.position, why=sources.pop_for(a.position))
               for a in diff.added],
        moved=[MovedOut(member=m.member, from_position=m.from_position, to_position=m.to_position,
                        why=why.move(m.member, m.from_position, m.to_position,
                                     sources.pop_for(m.to_position)))
               for m in diff.moved],
        removed=[Explained(member=r.member, position=r.position, why=why.removal(r.member, r.position))
                 for r in diff.removed],
        left_empty=[why.empty(u.position, u.missing) for u in result.unfilled],
        proof=proof,
        explanation=list(result.explanation),
    )


class _Sources:
    """Per position, whose places the newcomers take, in order."""

    def __init__(self) -> None:
        self.by_position: dict[str, list[str]] = defaultdict(list)

    def pop_for(self, position: str) -> str:
        queue = self.by_position.get(position)
        return queue.pop(0) if queue else "fills an open slot"


class _Why:
    """The reasons behind a re-solve's changes, from the rules and the independent verifier."""

    def __init__(self, instance: Instance, result: Result, roster: set[Pair],
                 options: Resolve | None) -> None:
        self.instance, self.result, self.options = instance, result, options
        self.roster_of: dict[str, list[Pair]] = defaultdict(list)
        for m, p in sorted(roster):
            self.roster_of[m].append((m, p))
        self.holders: dict[str, set[str]] = defaultdict(set)
        for m, p in roster:
            self.holders[p].add(m)
        self.members = {m.id: m for m in instance.members}

    @functools.cached_property
    def arrays(self) -> InstanceArrays:
        """The instance's arrays, built only when a removal, a move or an empty position needs them."""
        return InstanceArrays.build(self.instance)

    @functools.cached_property
    def eligibility(self) -> Eligibility:
        return compute_eligibility(self.arrays, self.result.candidates)

    @functools.cached_property
    def member_index(self) -> dict[str, int]:
        return {m: i for i, m in enumerate(self.arrays.member_ids)}

    @functools.cached_property
    def position_index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.arrays.position_ids)}

    def vacancy_sources(self, cancelled: set[Pair], diff: RosterDiff) -> _Sources:
        sources = _Sources()
        for m, p in sorted(cancelled):
            sources.by_position[p].append(f"in place of {m} (cancelled)")
        for mv in diff.moved:
            sources.by_position[mv.from_position].append(
                f"in place of {mv.member} (moved to {mv.to_position})")
        for r in diff.removed:
            sources.by_position[r.position].append(f"in place of {r.member} (removed)")
        return sources

    def removal(self, member: str, position: str) -> str:
        code = self.eligibility.code(self.member_index[member], self.position_index[position])
        if code is not None:
            return f"no longer allowed: {_rule_text(code)}"
        return "dropped by the re-solve: no roster with as many slots filled keeps it"

    def move(self, member: str, source: str, target: str, place: str) -> str:
        blocked = self.blocked(target, exclude={member})
        others = _blocked_text(blocked, self.cap_hours())
        return (f"{place.replace('in place of', 'to take the place of')} on {target}, which nobody else "
                f"could take ({others}); {source} is refilled, every other assignment kept")

    def empty(self, position: str, missing: int) -> LeftEmpty:
        blocked = self.blocked(position)
        free = blocked.get("free", 0)
        eligible = int((self.eligibility.reason[:, self.position_index[position]] == 0).sum())
        if free:
            why = f"{free} eligible member(s) could take it alone, but " + self.why_free_unused()
        elif not eligible:
            why = "no eligible member: " + _blocked_text(blocked, self.cap_hours())
        else:
            why = (f"all {eligible} eligible member(s) are blocked: "
                   + _blocked_text(blocked, self.cap_hours()))
        if self.limit_reached():
            why += f"; the limit of {self.options.max_changes if self.options else 0} change(s) is reached"
        elif self.options is not None and self.options.freeze and blocked.get("C-OVERLAP"):
            why += "; the published roster is frozen: nobody on it may move"
        return LeftEmpty(position=position, missing=missing, why=why, blocked=blocked)

    def limit_reached(self) -> bool:
        limit = self.options.max_changes if self.options is not None else None
        changes = next((t.objective for t in self.result.tiers if t.name == "changes"), None)
        return limit is not None and changes is not None and changes >= limit

    def why_free_unused(self) -> str:
        if self.limit_reached():
            return "filling it would take more changes than allowed"
        if not self.result.proven:
            return "the search stopped before a better roster was proven (see the tiers)"
        return "not together with the rest of the roster (a tavern minimum or a staffing floor)"

    def cap_hours(self) -> float:
        return float(self.instance.policy.work_day_cap_hours)

    def blocked(self, position: str, exclude: Iterable[str] = ()) -> dict[str, int]:
        """Why each member who does not hold `position` cannot take it: the first eligibility rule
        that excludes them, else the first rule of their own roster the verifier finds broken
        with it added, else "free"."""
        p = self.position_index[position]
        excluded = set(exclude)
        counts: Counter[str] = Counter(self.eligibility.counts_by_reason(p))
        eligible = np.flatnonzero(self.eligibility.reason[:, p] == 0).tolist()
        for i in eligible:
            m = self.arrays.member_ids[i]
            if m in self.holders[position] or m in excluded:
                continue
            counts[self.member_blocker(m, position) or "free"] += 1
        return dict(counts.most_common())

    def member_blocker(self, member: str, position: str) -> str | None:
        """The first member rule `member` would break by taking `position` on top of their roster."""
        alone = self.instance.model_copy(update={"members": [self.members[member]], "assignments": []})
        violations = verify(alone, [*self.roster_of[member], (member, position)],
                            candidates=self.result.candidates.value, allow_understaffed=True)
        codes = {v.code for v in violations if v.member == member}
        return next((c for c in MEMBER_RULES if c in codes), None)


#: Who the members a rule keeps off a position are, in a few words (the code and the policy
#: section follow in the report).
_PHRASES = {
    "free": "could take it alone",
    "E-ENTRANT": "entrant officers",
    "E-PROBATION": "probationary",
    "E-BREAK-IN": "in their break-in period",
    "E-PRIVILEGES": "with privileges suspended or revoked",
    "E-RESERVE-HOURS": "reserves short of their required hours",
    "E-NON-SWORN-LE": "non-sworn without a private officer license",
    "E-CLOSEOUT": "with open close-outs",
    "E-EMPLOYER": "barred by the employer's status",
    "E-CITY-LIMITS": "barred: the detail is outside the city limits",
    "E-CONFLICT": "with a conflict with the employer",
    "E-TAVERN-APPROVAL": "barred: no commander approval for the tavern",
    "E-RANK": "below the minimum rank",
    "E-CERT": "without a required certification",
    "E-LEAVE": "on leave",
    "E-SICK-24H": "within 24 hours of sick leave",
    "E-ON-DUTY": "on duty then",
    "E-APPLICANT": "did not apply",
    "E-CANCELLED": "cancelled it",
    "C-OVERLAP": "already on a detail at that time",
    "C-WORK-DAY-CAP": "at the {cap:g}-hour work-day cap",
    "C-WEEKLY-CAP": "at the weekly hours cap",
    "C-REST": "without the minimum rest around it",
}


def _rule_text(code: str) -> str:
    r = rule(code)
    return f"{r.summary().rstrip('.')} ({code}, {r.section})"


def _blocked_text(blocked: dict[str, int], cap: float) -> str:
    if not blocked:
        return "no member at all"
    parts = []
    for code, n in blocked.items():
        if code == "free":
            parts.append(f"{n} {_PHRASES[code]}")
            continue
        phrase = _PHRASES.get(code)
        where = f"{code}, {rule(code).section}"
        parts.append(f"{n} {phrase.format(cap=cap)} ({where})" if phrase else f"{n} {_rule_text(code)}")
    return "; ".join(parts)
