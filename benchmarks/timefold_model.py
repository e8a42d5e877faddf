"""offduty's problem as a Timefold planning model, written the way Timefold's employee-scheduling
quickstart writes one. Importing this module starts the JVM (Timefold's annotations need it).

- One planning entity per position slot (`Slot`: a position of count 40 gives 40 slots) with a
  nullable planning variable `member` (`allows_unassigned`: an empty slot is allowed, and costs
  on the coverage level). Its value range is the slot's own `candidates`: the position's
  eligible members as offduty computes them (`benchmarks.timefold_facts`), so both solvers see
  the same pairs.
- Hard constraints as constraint streams, one per rule code (`HARD_STREAMS`): C-OVERLAP,
  C-REST (details closer than `min_rest_hours`), C-WORK-DAY-CAP (minutes inside each work day),
  C-WEEKLY-CAP, C-TAVERN-MIN, C-STAFFING-RATIO and C-LOCKED. C-POSITION-COUNT holds by
  construction (a position has `count` slots, and C-OVERLAP keeps a member off two slots of the
  same shift); the eligibility rules hold by the value ranges.
- offduty's tiers, lexicographically: the quickstart's HardMediumSoftScore has one level too few
  for a re-solve (coverage, strategy, changes), so the score is a BendableScore with 1 hard and
  3 soft levels: soft 0 is the medium level of the quickstart (coverage: priority-weighted
  empty slots), soft 1 the strategy's own objective (seniority / first-come / rotation ranks,
  or the hours penalty f(Y + N) − f(Y), f(t) = t² in minutes), soft 2 the changes to the
  current roster (0 when the instance carries none). Each level's value is minus offduty's
  tier objective (`distribution/*.py`, `solver.solve.coverage_terms`, `changes_terms`).

Penalties grow with the size of a violation (minutes over a cap, officers short of a floor), as
the quickstart weighs its overlap penalty by the minutes of overlap: local search needs the slope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from timefold.solver.score import (
    BendableScore,
    Constraint,
    ConstraintCollectors,
    ConstraintFactory,
    Joiners,
    constraint_provider,
)

from offduty.benchmarks.timefold_domain import (
    HARD_LEVELS,
    SOFT_LEVELS,
    FloorSegment,
    LockedAssignment,
    PreviousAssignment,
    Slot,
    Week,
    WorkDay,
)

COVERAGE, STRATEGY, CHANGES = 0, 1, 2
ONE_HARD = BendableScore.of_hard(HARD_LEVELS, SOFT_LEVELS, 0, 1)
ONE_COVERAGE = BendableScore.of_soft(HARD_LEVELS, SOFT_LEVELS, COVERAGE, 1)
ONE_STRATEGY = BendableScore.of_soft(HARD_LEVELS, SOFT_LEVELS, STRATEGY, 1)
ONE_CHANGE = BendableScore.of_soft(HARD_LEVELS, SOFT_LEVELS, CHANGES, 1)


# --- hard constraints ----------------------------------------------------------------------------


def overlap(factory: ConstraintFactory) -> Constraint:
    """C-OVERLAP (§III.N.1): a member works at most one detail at a time."""
    return (factory.for_each_unique_pair(Slot, Joiners.equal(lambda s: s.member.id),
                                         Joiners.overlapping(lambda s: s.start, lambda s: s.end))
            .penalize(ONE_HARD, lambda a, b: min(a.end, b.end) - max(a.start, b.start))
            .as_constraint("C-OVERLAP"))


def rest(factory: ConstraintFactory) -> Constraint:
    """C-REST (§III.C): at least min_rest_hours from a detail's end to the member's next detail
    (the gap to the next tour is decided per pair by offduty's eligibility)."""
    return (factory.for_each_unique_pair(Slot, Joiners.equal(lambda s: s.member.id),
                                         Joiners.overlapping(lambda s: s.start, lambda s: s.rest_end))
            .filter(lambda a, b: a.end <= b.start or b.end <= a.start)
            .penalize(ONE_HARD,
                      lambda a, b: a.rest_end - b.start if a.end <= b.start else b.rest_end - a.start)
            .as_constraint("C-REST"))


def work_day_cap(factory: ConstraintFactory) -> Constraint:
    """C-WORK-DAY-CAP (§IV.A.12, §II.H): on-duty plus secondary minutes inside each work day
    within the cap; penalized by the minutes over."""
    return (factory.for_each(Slot)
            .join(WorkDay, Joiners.equal(lambda s: s.member.id, lambda d: d.member),
                  Joiners.filtering(lambda s, d: s.shift in d.minutes))
            .group_by(lambda s, d: d, ConstraintCollectors.sum(lambda s, d: d.minutes[s.shift]))
            .filter(lambda day, minutes: minutes > day.room)
            .penalize(ONE_HARD, lambda day, minutes: minutes - day.room)
            .as_constraint("C-WORK-DAY-CAP"))


def weekly_cap(factory: ConstraintFactory) -> Constraint:
    """C-WEEKLY-CAP (pillar 1): secondary minutes inside each local ISO week within the cap."""
    return (factory.for_each(Slot)
            .join(Week, Joiners.equal(lambda s: s.member.id, lambda w: w.member),
                  Joiners.filtering(lambda s, w: s.shift in w.minutes))
            .group_by(lambda s, w: w, ConstraintCollectors.sum(lambda s, w: w.minutes[s.shift]))
            .filter(lambda week, minutes: minutes > week.room)
            .penalize(ONE_HARD, lambda week, minutes: minutes - week.room)
            .as_constraint("C-WEEKLY-CAP"))


def tavern_minimum(factory: ConstraintFactory) -> Constraint:
    """C-TAVERN-MIN (§IV.A.18.c): a tavern shift has no members or at least the minimum."""
    return (factory.for_each(Slot)
            .filter(lambda s: s.tavern is not None)
            .group_by(lambda s: s.tavern, ConstraintCollectors.count_distinct(lambda s: s.member.id))
            .filter(lambda shift, n: n < shift.minimum)
            .penalize(ONE_HARD, lambda shift, n: shift.minimum - n)
            .as_constraint("C-TAVERN-MIN"))


def staffing_ratio(factory: ConstraintFactory) -> Constraint:
    """C-STAFFING-RATIO (§IV.A.13): every segment of an event window holds at least its floor;
    segments nobody covers yet come in through `complement` with a count of 0."""
    return (factory.for_each(Slot)
            .flatten_last(lambda s: s.segments)
            .group_by(lambda segment: segment, ConstraintCollectors.count())
            .complement(FloorSegment, lambda segment: 0)
            .filter(lambda segment, n: n < segment.floor)
            .penalize(ONE_HARD, lambda segment, n: segment.floor - n)
            .as_constraint("C-STAFFING-RATIO"))


def locked(factory: ConstraintFactory) -> Constraint:
    """C-LOCKED: locked assignments are kept."""
    return (factory.for_each(LockedAssignment)
            .if_not_exists(Slot, Joiners.equal(lambda a: a.member, lambda s: s.member.id),
                           Joiners.equal(lambda a: a.position, lambda s: s.position))
            .penalize(ONE_HARD)
            .as_constraint("C-LOCKED"))


# --- offduty's tiers -----------------------------------------------------------------------------


def coverage(factory: ConstraintFactory) -> Constraint:
    """Tier 1: priority-weighted empty slots (`solver.solve.coverage_terms`)."""
    return (factory.for_each_including_unassigned(Slot)
            .filter(lambda s: s.member is None)
            .penalize(ONE_COVERAGE, lambda s: s.priority)
            .as_constraint("coverage"))


def member_strategy(factory: ConstraintFactory) -> Constraint:
    """Tier 2 of seniority and rotation: the member's rank for each slot they hold."""
    return (factory.for_each(Slot)
            .penalize(ONE_STRATEGY, lambda s: s.member.cost)
            .as_constraint("strategy"))


def pair_strategy(factory: ConstraintFactory) -> Constraint:
    """Tier 2 of first come: the member's rank for the slot's shift."""
    return (factory.for_each(Slot)
            .penalize(ONE_STRATEGY, lambda s: s.costs[s.member.id])
            .as_constraint("strategy"))


def hours_strategy(factory: ConstraintFactory) -> Constraint:
    """Tier 2 of hours: sum over members of (Y + N)² − Y² (minutes), Y year to date, N new."""
    return (factory.for_each(Slot)
            .group_by(lambda s: s.member, ConstraintCollectors.sum(lambda s: s.minutes))
            .penalize(ONE_STRATEGY, lambda m, new: 2 * m.ytd * new + new * new)
            .as_constraint("strategy"))


def changes(factory: ConstraintFactory) -> Constraint:
    """Tier 3 of a re-solve: assignments of the current roster that the new one drops."""
    return (factory.for_each(PreviousAssignment)
            .if_not_exists(Slot, Joiners.equal(lambda a: a.member, lambda s: s.member.id),
                           Joiners.equal(lambda a: a.position, lambda s: s.position))
            .penalize(ONE_CHANGE)
            .as_constraint("changes"))


Stream = Callable[[ConstraintFactory], Constraint]
#: The hard constraint streams by rule code.
HARD_STREAMS: dict[str, Stream] = {
    "C-OVERLAP": overlap,
    "C-REST": rest,
    "C-WORK-DAY-CAP": work_day_cap,
    "C-WEEKLY-CAP": weekly_cap,
    "C-TAVERN-MIN": tavern_minimum,
    "C-STAFFING-RATIO": staffing_ratio,
    "C-LOCKED": locked,
}


TIER2: dict[str, Stream] = {"seniority": member_strategy, "rotation": member_strategy,
                            "first_come": pair_strategy, "hours": hours_strategy}


def constraints_for(strategy: str, rules: frozenset[str] = frozenset(HARD_STREAMS), *,
                    weaken: frozenset[str] = frozenset(), changes_tier: bool = True) -> Callable[..., Any]:
    """The constraint provider: the hard streams of `rules` (those with something to enforce on
    the instance) except those named in `weaken` (a test hook: a roster that breaks a dropped
    rule must be caught by the verifier), then coverage, the strategy and, for a re-solve, changes."""
    unknown = (rules | weaken) - set(HARD_STREAMS)
    if unknown:
        raise ValueError(f"no constraint stream for {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(HARD_STREAMS)}")
    streams = [s for code, s in HARD_STREAMS.items() if code in rules and code not in weaken]
    tiers = [coverage, TIER2[strategy], *([changes] if changes_tier else [])]

    @constraint_provider
    def define_constraints(factory: ConstraintFactory) -> list[Constraint]:
        return [s(factory) for s in [*streams, *tiers]]

    return define_constraints
