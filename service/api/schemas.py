"""The API's request and response bodies (pydantic v2), with OpenAPI examples."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from offduty.models.solution import Candidates, SolveStatus
from offduty.service.usecases.jobs import JobState
from offduty.service.usecases.keys import Role

#: A complete, tiny instance (DESIGN.md's format): the examples of every body that takes one.
EXAMPLE_INSTANCE: dict[str, Any] = {
    "name": "preseason-2026-08-09",
    "members": [
        {"id": "M1", "name": "P.O. Dana Reyes", "seniority_date": "2004-03-04"},
        {"id": "M2", "name": "P.O. Sam Ortiz", "seniority_date": "2011-06-01"},
        {"id": "M3", "name": "Sgt. Lee Park", "rank": "sergeant", "seniority_date": "1999-01-15"},
    ],
    "employers": [{"id": "E1", "name": "Kansas City Chiefs"}],
    "events": [
        {
            "id": "EV1",
            "employer": "E1",
            "name": "Preseason game",
            "shifts": [
                {
                    "id": "EV1-S1",
                    "start": "2026-08-09T15:00:00-05:00",
                    "end": "2026-08-09T21:00:00-05:00",
                    "positions": [
                        {"id": "EV1-S1-gate", "count": 2, "pay_rate": 55.0},
                        {"id": "EV1-S1-sgt", "count": 1, "min_rank": "sergeant", "pay_rate": 60.0},
                    ],
                }
            ],
        }
    ],
}

INSTANCE_FIELD = Field(
    description="The instance (DESIGN.md's instance format, times with UTC offsets).",
    examples=[EXAMPLE_INSTANCE],
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SolveJobCreate(_In):
    instance: dict[str, Any] = INSTANCE_FIELD
    strategy: str = Field(
        "seniority",
        description="Distribution strategy (tier 2): seniority, first_come, hours, rotation, balanced.",
        examples=["seniority"],
    )
    candidates: Candidates = Field(Candidates.ALL_ELIGIBLE, description="Who may be given pool details.")
    time_limit: float | None = Field(
        None,
        gt=0,
        description="Seconds for the whole solve (the server's default when absent; capped by the server).",
        examples=[30],
    )
    allow_understaffed: bool = Field(
        False, description="Report unmet staffing floors as shortages instead of answering infeasible."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="CP-SAT's random seed.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"instance": EXAMPLE_INSTANCE, "strategy": "seniority", "time_limit": 30}]
        },
    )


class Progress(BaseModel):
    tier: str = Field(examples=["seniority"])
    tier_index: int = Field(examples=[1])
    objective: float | None = Field(examples=[1834])
    bound: float | None = Field(examples=[1820])
    gap: float | None = Field(examples=[0.0076])
    elapsed_s: float = Field(examples=[1.42])
    solutions: int = Field(examples=[3])


class JobParameters(BaseModel):
    strategy: str
    candidates: Candidates
    time_limit: float
    allow_understaffed: bool
    seed: int
    cpsat_workers: int
    variant: dict[str, Any] | None = Field(None, description="The policy variant (comparison jobs).")
    resolve: dict[str, Any] | None = Field(
        None, description="A batch group's re-solve options: freeze, max_changes (batch jobs)."
    )


class JobLinks(BaseModel):
    self: str
    solution: str
    events: str


class SolveJob(BaseModel):
    id: str = Field(examples=["3f2c5a56-8d0e-4c4b-9e0a-5d6c1b8a9f10"])
    state: JobState = Field(description="The job's life: queued, running, succeeded, failed, cancelled.")
    solve_status: SolveStatus | None = Field(
        description="The solver's answer once known: optimal, feasible, infeasible, unknown, invalid_input."
    )
    instance_name: str
    members: int
    positions: int = Field(description="Slots to fill (sum of the positions' counts).")
    parameters: JobParameters
    solver_version: str = Field(examples=["offduty 0.1.0; ortools 9.15.6755"])
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested_at: dt.datetime | None
    attempts: int = Field(description="Runs started (a run lost with its worker is retried).")
    max_attempts: int
    worker: str | None = Field(description="The worker process of the latest attempt (kind@host:pid:tag).")
    progress: Progress | None = Field(description="The latest progress of the running attempt.")
    statistics: dict[str, Any] | None = Field(description="objective, bound, gap per tier, timings, metrics.")
    error: str | None = Field(description="Why the job failed or was cut short.")
    has_solution: bool = Field(description="A roster can be fetched (final, or the best so far).")
    comparison_id: str | None = None
    label: str | None = None
    links: JobLinks


class JobPage(BaseModel):
    items: list[SolveJob]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class ComparisonCreate(_In):
    instance: dict[str, Any] = INSTANCE_FIELD
    strategies: list[str] = Field(
        ["seniority"], min_length=1, max_length=10, examples=[["seniority", "hours"]]
    )
    variants: list[str] = Field(
        [],
        max_length=10,
        description="Policy variants, each `NAME: key=value, ...` over the instance's `policy` fields.",
        examples=[["cap14: work_day_cap_hours=14"]],
    )
    include_base_policy: bool = Field(True, description="Also solve under the instance's own policy.")
    candidates: Candidates = Candidates.ALL_ELIGIBLE
    time_limit: float | None = Field(None, gt=0, examples=[30])
    allow_understaffed: bool = False
    seed: int = Field(0, ge=0, le=2**31 - 1)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "instance": EXAMPLE_INSTANCE,
                    "strategies": ["seniority", "hours"],
                    "variants": ["cap14: work_day_cap_hours=14"],
                    "time_limit": 20,
                }
            ]
        },
    )


class ComparisonJob(BaseModel):
    id: str
    label: str | None
    state: JobState
    solve_status: SolveStatus | None


class ComparisonTable(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]


class Comparison(BaseModel):
    id: str
    instance_name: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    request: dict[str, Any]
    jobs: list[ComparisonJob]
    table: ComparisonTable | None = Field(description="One row per job, once every job has ended.")
    links: dict[str, str]


class ValidateRequest(_In):
    instance: dict[str, Any] = INSTANCE_FIELD
    candidates: Candidates = Candidates.ALL_ELIGIBLE


class ProblemItem(BaseModel):
    path: str = Field(
        description="Where: `instance.members[12].tours[3].end`, `time_limit`, ...",
        examples=["instance.members[0].tours[0].start"],
    )
    message: str = Field(examples=["time without a UTC offset (write e.g. 2026-09-13T12:00:00-05:00)"])
    kind: str = Field(examples=["naive_time"])
    file: str | None = Field(None, description="An uploaded file's problem (POST /imports): the file.")
    row: int | None = Field(None, description="Its row as a spreadsheet counts (the header is row 1).")
    column: str | None = Field(None, description="Its column's header.")
    cell: str | None = Field(None, description="The cell, e.g. `C4`.", examples=["C4"])
    rule: str | None = Field(None, description="A roster edit's broken rule: the verifier's code.",
                             examples=["C-CERT"])
    member: str | None = Field(None, description="The member the broken rule concerns.")
    position: str | None = Field(None, description="The position the broken rule concerns.")


class EventEligibility(BaseModel):
    event: str
    slots: int
    eligible: int | None
    excluded_by: dict[str, int]


class ValidationReport(BaseModel):
    valid: bool
    problems: list[ProblemItem] = Field(description="Every problem, with its path (empty when valid).")
    members: int | None = None
    positions: int | None = None
    slots: int | None = None
    events: list[EventEligibility] = Field([], description="Per event: eligible members and why not.")


class ProblemDetails(BaseModel):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str = Field("about:blank", examples=["urn:offduty:problem:invalid-request"])
    title: str = Field(examples=["the instance is invalid"])
    status: int = Field(examples=[422])
    detail: str | None = Field(None, examples=["2 problem(s)"])
    instance: str | None = Field(None, examples=["/api/v1/solve-jobs"])
    errors: list[ProblemItem] = Field([], description="Each problem with its field path.")


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    database: str | None = Field(None, examples=["sqlite"])
    queue: str | None = Field(None, examples=["local pool of 2"])


class KeyCreate(_In):
    role: Role = Field(examples=["coordinator"])
    name: str = Field("", max_length=200, examples=["payroll export"])


class ApiKey(BaseModel):
    id: str
    name: str
    role: Role
    agency: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class ApiKeyCreated(ApiKey):
    token: str = Field(description="The bearer token: shown once, stored only as a hash.")
