"""Why not? Why a member did not get a position in a roster.

    answer = why_not(instance, result, member="M0042", position="EV1-S2-P1")
    answer.kind      # "rule", "cap", "taken", "assigned" or "open"
    answer.headline  # one sentence for the coordinator

Four answers, in this order:
1. `assigned`: they have it.
2. `rule`: an eligibility rule excludes the pair (its code and policy section, from the rule
   catalogue `constraints.registry`); the first rule of the catalogue's order is named, as in
   the solution's `unfilled[].reasons`.
3. `cap`: giving them the position breaks a rule of the whole roster (the 16-hour work day, the
   weekly cap, rest, an overlapping detail they work): the claim is the independent verifier's
   (`solver.verify`) on the roster with the pair added, so it names the hours it counted.
4. `taken`: the position is full; the members who hold its places are listed with their rank
   under the roster's strategy (seniority date, hours year to date, ...).
`open`: none of these (a free place they could take; a solve stopped by its time limit can
leave one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from offduty.constraints.eligibility import compute_eligibility
from offduty.models.arrays import InstanceArrays
from offduty.models.errors import Problem, ProblemKind
from offduty.models.instance import Instance, Member
from offduty.service.usecases.jobs import RequestProblem
from offduty.service.usecases.views import rule_section, rule_summary, rule_words
from offduty.solver import Result
from offduty.solver.verify import verify

KINDS = ("assigned", "rule", "cap", "taken", "open")


@dataclass(frozen=True)
class Holder:
    """A member who holds a place of the position, and how they rank against the one asked about."""

    member: str
    name: str
    seniority_date: str
    hours_ytd: float
    ahead: bool  # ranked ahead of the member asked about under the roster's strategy


@dataclass(frozen=True)
class Broken:
    """A rule the roster would break with the pair added (the verifier's words)."""

    code: str
    section: str
    message: str


@dataclass(frozen=True)
class WhyNot:
    member: str
    position: str
    kind: str
    headline: str
    code: str | None = None
    section: str | None = None
    rule: str | None = None
    broken: list[Broken] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)


def _ahead(strategy: str, holder: Member, asked: Member) -> bool:
    """Does `holder` rank ahead of `asked` under the strategy's own order (the strategies rank by
    seniority date, or by fewest hours this year; others: by seniority as the tie-break)?"""
    if strategy == "hours":
        return (holder.hours_ytd, holder.seniority_date) < (asked.hours_ytd, asked.seniority_date)
    return holder.seniority_date < asked.seniority_date


def why_not(instance: Instance, result: Result, member: str, position: str) -> WhyNot:
    """Why `member` does not hold `position` in `result` (a roster of `instance`)."""
    members = {m.id: m for m in instance.members}
    where = {p.id: (p, s, e) for e in instance.events for s in e.shifts for p in s.positions}
    problems = []
    if member not in members:
        problems.append(
            Problem("member", f"no member {member!r} in this instance", ProblemKind.DANGLING_REFERENCE)
        )
    if position not in where:
        problems.append(
            Problem("position", f"no position {position!r} in this instance", ProblemKind.DANGLING_REFERENCE)
        )
    if problems:
        raise RequestProblem(problems, "pick a member and a position of this roster")
    asked = members[member]
    pos, shift, event = where[position]
    place = f"{position} ({event.name or event.id}, shift {shift.id})"
    pairs = [(a.member, a.position) for a in result.assignments]
    if (member, position) in pairs:
        return WhyNot(member, position, "assigned", f"{member} has {place}.")

    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, result.candidates)
    code = eligibility.code(arrays.member_index[member], arrays.position_index[position])
    if code is not None and code.startswith("E-"):
        return WhyNot(
            member,
            position,
            "rule",
            f"{member} cannot take {place}: {rule_words(code, instance)} ({code}, {rule_section(code)}).",
            code=code,
            section=rule_section(code),
            rule=rule_summary(code),
        )

    violations = verify(
        instance,
        [*pairs, (member, position)],
        candidates=result.candidates.value,
        allow_understaffed=True,  # adding a member never breaks a staffing floor
    )
    broken = [
        Broken(v.code, rule_section(v.code), v.message)
        for v in violations
        if v.code != "C-POSITION-COUNT" and (v.member in (member, None) or v.position == position)
    ]
    if broken:
        first = broken[0]
        return WhyNot(
            member,
            position,
            "cap",
            f"{member} cannot also take {place}: it would break {first.code} ({first.section}), "
            f"{rule_words(first.code, instance)}.",
            code=first.code,
            section=first.section,
            rule=rule_summary(first.code),
            broken=broken,
        )
    held = sorted({m for m, p in pairs if p == position})
    if len(held) >= pos.count:
        holders = [
            Holder(
                m,
                members[m].name,
                members[m].seniority_date.isoformat(),
                members[m].hours_ytd,
                _ahead(result.strategy, members[m], asked),
            )
            for m in held
        ]
        ahead = [h.member for h in holders if h.ahead]
        if ahead:
            text = (
                f"{place} is full: {', '.join(ahead)} rank ahead of {member} under the "
                f"{result.strategy} strategy and took its places."
            )
        else:
            text = (
                f"{place} is full; its holders do not rank ahead of {member} under {result.strategy}, "
                "but giving it to them fills more positions of the roster as a whole."
            )
        return WhyNot(member, position, "taken", text, holders=holders)
    return WhyNot(
        member,
        position,
        "open",
        f"{place} has a free place and no rule keeps {member} from it (the solve may have stopped "
        "at its time limit before filling it).",
    )
