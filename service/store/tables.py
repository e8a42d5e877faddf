"""The job store's tables (SQLAlchemy 2 declarative). Schema changes go through a new Alembic
revision in `migrations/versions/` (the server applies them on start; `offduty db upgrade`).

A job's input (`job_inputs`) is written once, with the job row, and never updated. Its solution
(`job_solutions`) is the best roster so far while it runs and the final one after. Every change
of a job a client may want to follow is also an event (`job_events`, ids increasing), so a
server-sent-event stream can resume from any id, served by any server process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset: it is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str] = mapped_column(String(64), index=True)
    #: SHA-256 of the token (hex); the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class Comparison(Base):
    __tablename__ = "comparisons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    instance_name: Mapped[str] = mapped_column(String(200), default="")
    #: What was asked: strategies, variants (name and policy overrides), options.
    request: Mapped[dict[str, Any]]
    #: One row per job, filled when every job has ended.
    table: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]


class SolveJob(Base):
    __tablename__ = "solve_jobs"
    __table_args__ = (
        UniqueConstraint("key_id", "idempotency_key", name="uq_solve_jobs_idempotency"),
        Index("ix_solve_jobs_agency_created", "agency", "created_at", "id"),
        Index("ix_solve_jobs_state_heartbeat", "state", "heartbeat_at"),
        Index("ix_solve_jobs_key_state", "key_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    comparison_id: Mapped[str | None] = mapped_column(ForeignKey("comparisons.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    #: queued, running, succeeded, failed, cancelled (the job's life; see usecases.jobs.JobState)
    state: Mapped[str] = mapped_column(String(16))
    #: the solver's answer: optimal, feasible, infeasible, unknown, invalid_input
    solve_status: Mapped[str | None] = mapped_column(String(16))
    instance_name: Mapped[str] = mapped_column(String(200), default="")
    members: Mapped[int] = mapped_column(Integer, default=0)
    positions: Mapped[int] = mapped_column(Integer, default=0)
    #: strategy, candidates, time_limit, allow_understaffed, seed, cpsat_workers, variant
    parameters: Mapped[dict[str, Any]]
    solver_version: Mapped[str] = mapped_column(String(64), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    cancel_requested_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    worker: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[dt.datetime | None]
    #: the queue's handle on the job (procrastinate's job id), for tidying after a lost worker
    queue_ref: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[dict[str, Any] | None]
    statistics: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)


class JobInput(Base):
    __tablename__ = "job_inputs"

    job_id: Mapped[str] = mapped_column(ForeignKey("solve_jobs.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class JobSolution(Base):
    __tablename__ = "job_solutions"

    job_id: Mapped[str] = mapped_column(ForeignKey("solve_jobs.id", ondelete="CASCADE"), primary_key=True)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]


class JobEvent(Base):
    __tablename__ = "job_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("solve_jobs.id", ondelete="CASCADE"), index=True)
    #: state, progress or solution
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


__all__ = ["ApiKey", "Base", "Comparison", "JobEvent", "JobInput", "JobSolution", "SolveJob"]
