"""The solution format of DESIGN.md, as pydantic models (what `offduty solve --out` writes)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    INVALID_INPUT = "invalid_input"

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


class Candidates(StrEnum):
    ALL_ELIGIBLE = "all_eligible"
    APPLICANTS = "applicants"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AssignmentOut(_Out):
    member: str
    position: str
    shift: str
    event: str
    start: str
    end: str
    hours: float
    pay_rate: float
    locked: bool = False


class UnfilledOut(_Out):
    position: str
    missing: int
    #: Members who pass every eligibility rule for this position (all busy or blocked by caps).
    eligible: int = 0
    #: Members excluded, by the first rule that excluded them.
    reasons: dict[str, int] = Field(default_factory=dict)


class TierOut(_Out):
    name: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    solve_s: float


class ShortageOut(_Out):
    """A C-STAFFING-RATIO floor not met (only reported with `allow_understaffed`)."""

    event: str
    floor: int
    achieved: int
    start: str
    end: str


class ProblemOut(_Out):
    path: str
    message: str
    kind: str


class Solution(_Out):
    status: SolveStatus
    strategy: str
    candidates: Candidates
    objective: list[float | None] = Field(default_factory=list)
    bound: list[float | None] = Field(default_factory=list)
    gap: float | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    assignments: list[AssignmentOut] = Field(default_factory=list)
    unfilled: list[UnfilledOut] = Field(default_factory=list)
    metrics: dict[str, float | int | None] = Field(default_factory=dict)
    tiers: list[TierOut] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    shortages: list[ShortageOut] = Field(default_factory=list)
    problems: list[ProblemOut] = Field(default_factory=list)
