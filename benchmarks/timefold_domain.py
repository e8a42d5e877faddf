"""The planning classes of the `timefold` peer (see `benchmarks.timefold_model`).

Kept apart from the constraint streams, with nothing else in the module: Timefold's Python-to-Java
translator converts every module global whose name matches a name used in a translated function
(attribute names included), so a stream function named like a field (`locked`) made it translate
half of Timefold's own Python API (14 s of a 17 s start on chiefs-game). `eq=False` everywhere:
a dataclass's generated __eq__ compares every field, and Timefold compares planning values for
every swap move (identity: 8x more moves per second). Problem facts carry no id and no field they
do not need: converting the problem to Java costs tens of microseconds per object and per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from timefold.solver.domain import (
    PlanningEntityCollectionProperty,
    PlanningId,
    PlanningScore,
    PlanningVariable,
    ProblemFactCollectionProperty,
    ValueRangeProvider,
    planning_entity,
    planning_solution,
)
from timefold.solver.score import BendableScore

HARD_LEVELS, SOFT_LEVELS = 1, 3


# --- domain --------------------------------------------------------------------------------------


@dataclass(eq=False)
class Member:
    """A member who is eligible for at least one position (a problem fact and a planning value)."""

    id: Annotated[int, PlanningId]  # offduty's member index
    ytd: int  # hours year to date, minutes (the hours strategy)
    cost: int  # seniority, rotation: the member's rank, the soft cost of each slot they hold


@dataclass(eq=False)
class WorkDay:
    """A work day of one member (§II.H) that some roster could overfill."""

    member: int
    room: int  # minutes of secondary work left after the on-duty minutes inside the day
    minutes: dict[int, int]  # shift -> minutes a detail of that shift puts inside this day


@dataclass(eq=False)
class Week:
    """A local ISO week of one member that some roster could overfill."""

    member: int
    room: int
    minutes: dict[int, int]  # shift -> minutes inside this week


@dataclass(eq=False)
class TavernShift:
    """A shift bound by C-TAVERN-MIN: no members, or at least `minimum`."""

    minimum: int


@dataclass(eq=False)
class FloorSegment:
    """A stretch of an event window covered by the same shifts: at least `floor` members."""

    floor: int


@dataclass(eq=False)
class LockedAssignment:
    member: int
    position: int


@dataclass(eq=False)
class PreviousAssignment:
    """An assignment of the current roster (not locked): dropping it is a change (tier 3)."""

    member: int
    position: int


@planning_entity
@dataclass(eq=False)
class Slot:
    """One slot of a position: the planning entity, as the quickstart's `Shift`."""

    id: Annotated[int, PlanningId]
    position: int
    shift: int
    start: int  # minutes since the epoch
    end: int
    rest_end: int  # end + min_rest_hours: a later detail of the same member must start here or later
    minutes: int
    priority: int
    tavern: TavernShift | None
    segments: list[FloorSegment]
    costs: dict[int, int]  # first come: member id -> soft cost of holding this slot (rank for the shift)
    candidates: Annotated[list[Member], ValueRangeProvider(id="candidates")]
    member: Annotated[Member | None, PlanningVariable(value_range_provider_refs=["candidates"],
                                                      allows_unassigned=True)] = None


@planning_solution
@dataclass(eq=False)
class Roster:
    members: Annotated[list[Member], ProblemFactCollectionProperty]
    work_days: Annotated[list[WorkDay], ProblemFactCollectionProperty]
    weeks: Annotated[list[Week], ProblemFactCollectionProperty]
    taverns: Annotated[list[TavernShift], ProblemFactCollectionProperty]
    segments: Annotated[list[FloorSegment], ProblemFactCollectionProperty]
    locked: Annotated[list[LockedAssignment], ProblemFactCollectionProperty]
    previous: Annotated[list[PreviousAssignment], ProblemFactCollectionProperty]
    slots: Annotated[list[Slot], PlanningEntityCollectionProperty]
    score: Annotated[BendableScore | None,
                     PlanningScore(bendable_hard_levels_size=HARD_LEVELS,
                                   bendable_soft_levels_size=SOFT_LEVELS)] = field(default=None)
