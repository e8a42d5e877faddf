"""What the repository hands out: frozen copies of rows, never live ORM objects (no session leaks
out of the store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: The job states in which a job will not change any more.
FINISHED_STATES = frozenset({"succeeded", "failed", "cancelled"})
ACTIVE_STATES = frozenset({"queued", "running"})


@dataclass(frozen=True)
class KeyRecord:
    id: str
    name: str
    role: str
    agency: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


@dataclass(frozen=True)
class NewJob:
    """A job to create: its row's fields and its input document."""

    id: str
    agency: str
    key_id: str
    instance_name: str
    members: int
    positions: int
    parameters: dict[str, Any]
    solver_version: str
    document: str
    max_attempts: int
    idempotency_key: str | None = None
    request_hash: str | None = None
    comparison_id: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class JobRecord:
    id: str
    agency: str
    key_id: str
    state: str
    solve_status: str | None
    instance_name: str
    members: int
    positions: int
    parameters: dict[str, Any]
    solver_version: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested_at: dt.datetime | None
    attempts: int
    max_attempts: int
    worker: str | None
    heartbeat_at: dt.datetime | None
    progress: dict[str, Any] | None
    statistics: dict[str, Any] | None
    error: str | None
    comparison_id: str | None
    label: str | None
    idempotency_key: str | None
    request_hash: str | None
    queue_ref: str | None
    has_solution: bool = False

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


@dataclass(frozen=True)
class EventRecord:
    id: int
    job_id: str
    kind: str
    data: dict[str, Any]
    created_at: dt.datetime


@dataclass(frozen=True)
class SolutionRecord:
    job_id: str
    final: bool
    document: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class ComparisonRecord:
    id: str
    agency: str
    key_id: str
    instance_name: str
    request: dict[str, Any]
    table: dict[str, Any] | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    job_ids: list[str] = field(default_factory=list)
