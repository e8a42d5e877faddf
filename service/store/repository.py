"""The repository: the only code that opens database sessions.

Every method is one transaction. Writes are compare-and-set: a job changes state only from the
state the caller saw (`UPDATE ... WHERE state = ...`: one row or none), and a worker's writes
name the attempt they belong to, so a worker presumed dead cannot overwrite the run that
replaced it. Each change a client may follow is written as an event in the same transaction.

Extending: add a table in `tables.py` (or a module of its own), an Alembic revision in
`migrations/versions/`, and methods here (or in a subclass) that open sessions with `_read` and
`_write`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from offduty.service.store.engine import WRITE_OPTION, make_engine
from offduty.service.store.records import (
    ACTIVE_STATES,
    ComparisonRecord,
    EventRecord,
    JobRecord,
    KeyRecord,
    NewJob,
    SolutionRecord,
)
from offduty.service.store.tables import ApiKey, Comparison, JobEvent, JobInput, JobSolution, SolveJob

#: Called inside the transaction that creates (or re-queues) a job, with the job id and the raw
#: DB-API connection of that transaction; returns the queue's handle on the job, if any.
Enqueue = Callable[[str, Any], "str | None"]


class DuplicateRequest(Exception):
    """An Idempotency-Key that was used before; `existing` is the job created then."""

    def __init__(self, existing: JobRecord) -> None:
        super().__init__(f"idempotency key already used for job {existing.id}")
        self.existing = existing


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    def upgrade(self) -> None:
        """Apply every Alembic revision not yet applied."""
        from offduty.service.store.schema import upgrade

        upgrade(self.engine)

    def ping(self) -> None:
        with self._read() as s:
            s.execute(text("SELECT 1"))

    def schema_is_current(self) -> bool:
        from offduty.service.store.schema import is_current

        return is_current(self.engine)

    # --- API keys -------------------------------------------------------------------------------

    def add_key(self, record: KeyRecord, token_hash: str) -> None:
        with self._write() as s:
            s.add(
                ApiKey(
                    id=record.id,
                    name=record.name,
                    role=record.role,
                    agency=record.agency,
                    token_hash=token_hash,
                    created_at=record.created_at,
                )
            )

    def key_for_hash(self, token_hash: str) -> KeyRecord | None:
        """The live (not revoked) key with this token hash."""
        with self._read() as s:
            row = s.scalars(
                select(ApiKey).where(ApiKey.token_hash == token_hash, ApiKey.revoked_at.is_(None))
            ).first()
            return _key(row) if row else None

    def list_keys(self, agency: str | None = None) -> list[KeyRecord]:
        with self._read() as s:
            q = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
            if agency is not None:
                q = q.where(ApiKey.agency == agency)
            return [_key(r) for r in s.scalars(q)]

    def revoke_key(self, key_id: str, agency: str | None = None) -> KeyRecord | None:
        with self._write() as s:
            row = s.get(ApiKey, key_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            if row.revoked_at is None:
                row.revoked_at = now()
            return _key(row)

    # --- jobs: creation and reading -------------------------------------------------------------

    def add_jobs(
        self, jobs: Sequence[NewJob], enqueue: Enqueue | None, comparison: ComparisonRecord | None = None
    ) -> list[JobRecord]:
        """Create the jobs (rows, immutable inputs, first events) and enqueue them, all in one
        transaction. Raises DuplicateRequest when the first job's idempotency key was used."""
        created = now()
        try:
            with self._write() as s:
                if comparison is not None:
                    s.add(
                        Comparison(
                            id=comparison.id,
                            agency=comparison.agency,
                            key_id=comparison.key_id,
                            instance_name=comparison.instance_name,
                            request=comparison.request,
                            table=None,
                            created_at=created,
                        )
                    )
                    s.flush()
                rows = []
                for job in jobs:
                    row = SolveJob(
                        id=job.id,
                        agency=job.agency,
                        key_id=job.key_id,
                        state="queued",
                        instance_name=job.instance_name[:200],
                        members=job.members,
                        positions=job.positions,
                        parameters=job.parameters,
                        solver_version=job.solver_version,
                        idempotency_key=job.idempotency_key,
                        request_hash=job.request_hash,
                        created_at=created,
                        attempts=0,
                        max_attempts=job.max_attempts,
                        comparison_id=job.comparison_id,
                        label=job.label,
                    )
                    s.add(row)
                    s.flush()
                    s.add(JobInput(job_id=job.id, document=job.document, sha256=sha256(job.document)))
                    _event(s, job.id, "state", {"state": "queued"})
                    rows.append(row)
                s.flush()
                if enqueue is not None:
                    raw = s.connection().connection.driver_connection
                    for row in rows:
                        row.queue_ref = enqueue(row.id, raw)
                return [_job(r) for r in rows]
        except IntegrityError:
            first = jobs[0] if jobs else None
            if first is None or first.idempotency_key is None:
                raise
            existing = self.job_by_idempotency(first.key_id, first.idempotency_key)
            if existing is None:
                raise
            raise DuplicateRequest(existing) from None

    def job_by_idempotency(self, key_id: str, idempotency_key: str) -> JobRecord | None:
        with self._read() as s:
            row = s.scalars(
                select(SolveJob).where(SolveJob.key_id == key_id, SolveJob.idempotency_key == idempotency_key)
            ).first()
            return _job(row, _has_solution(s, row.id)) if row else None

    def get_job(self, job_id: str, agency: str | None = None) -> JobRecord | None:
        """The job, or None when there is none (or it belongs to another agency)."""
        with self._read() as s:
            row = s.get(SolveJob, job_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            return _job(row, _has_solution(s, job_id))

    def list_jobs(
        self,
        agency: str,
        states: Sequence[str] = (),
        limit: int = 20,
        before: tuple[dt.datetime, str] | None = None,
    ) -> list[JobRecord]:
        """The agency's jobs, newest first; `before` (created_at, id) continues a listing."""
        with self._read() as s:
            q = select(SolveJob).where(SolveJob.agency == agency)
            if states:
                q = q.where(SolveJob.state.in_(list(states)))
            if before is not None:
                at, job_id = before
                q = q.where(
                    (SolveJob.created_at < at) | ((SolveJob.created_at == at) & (SolveJob.id < job_id))
                )
            q = q.order_by(SolveJob.created_at.desc(), SolveJob.id.desc()).limit(limit)
            return [_job(r) for r in s.scalars(q)]

    def count_active(self, key_id: str) -> int:
        with self._read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(SolveJob)
                    .where(SolveJob.key_id == key_id, SolveJob.state.in_(list(ACTIVE_STATES)))
                )
                or 0
            )

    def job_input(self, job_id: str) -> str | None:
        with self._read() as s:
            row = s.get(JobInput, job_id)
            return row.document if row else None

    def solution(self, job_id: str) -> SolutionRecord | None:
        with self._read() as s:
            row = s.get(JobSolution, job_id)
            return SolutionRecord(row.job_id, row.final, row.document, row.updated_at) if row else None

    def events_after(self, job_id: str, after: int = 0, limit: int = 500) -> list[EventRecord]:
        with self._read() as s:
            q = (
                select(JobEvent)
                .where(JobEvent.job_id == job_id, JobEvent.id > after)
                .order_by(JobEvent.id)
                .limit(limit)
            )
            return [EventRecord(e.id, e.job_id, e.kind, e.data, e.created_at) for e in s.scalars(q)]

    # --- jobs: the worker's side ----------------------------------------------------------------

    def claim(self, job_id: str, worker: str) -> JobRecord | None:
        """queued → running for this worker (a new attempt); None if the job is not queued."""
        with self._write() as s:
            return self._claim(s, job_id, worker)

    def claim_queued(self, worker: str, limit: int) -> list[JobRecord]:
        """Claim up to `limit` queued jobs, oldest first (the local pool's dispatcher)."""
        if limit <= 0:
            return []
        with self._write() as s:
            ids = s.scalars(
                select(SolveJob.id)
                .where(SolveJob.state == "queued")
                .order_by(SolveJob.created_at, SolveJob.id)
                .limit(limit)
            ).all()
            claimed = [self._claim(s, job_id, worker) for job_id in ids]
            return [c for c in claimed if c is not None]

    def _claim(self, s: Session, job_id: str, worker: str) -> JobRecord | None:
        at = now()
        done = s.execute(
            update(SolveJob)
            .where(SolveJob.id == job_id, SolveJob.state == "queued")
            .values(
                state="running",
                attempts=SolveJob.attempts + 1,
                worker=worker,
                heartbeat_at=at,
                started_at=at,
                progress=None,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = s.get(SolveJob, job_id, populate_existing=True)
        assert row is not None
        _event(s, job_id, "state", {"state": "running", "attempt": row.attempts, "worker": worker})
        return _job(row)

    def heartbeat(self, worker: str, job_ids: Sequence[str]) -> None:
        if not job_ids:
            return
        with self._write() as s:
            s.execute(
                update(SolveJob)
                .where(SolveJob.id.in_(list(job_ids)), SolveJob.worker == worker, SolveJob.state == "running")
                .values(heartbeat_at=now())
            )

    def cancel_requested(self, job_id: str) -> bool:
        with self._read() as s:
            return s.scalar(select(SolveJob.cancel_requested_at).where(SolveJob.id == job_id)) is not None

    def cancel_requests(self, job_ids: Sequence[str]) -> set[str]:
        """Of these jobs, those whose cancellation was asked for."""
        if not job_ids:
            return set()
        with self._read() as s:
            return set(
                s.scalars(
                    select(SolveJob.id).where(
                        SolveJob.id.in_(list(job_ids)), SolveJob.cancel_requested_at.is_not(None)
                    )
                )
            )

    def record_progress(self, job_id: str, attempt: int, progress: dict[str, Any]) -> bool:
        with self._write() as s:
            done = s.execute(
                update(SolveJob)
                .where(*_running(job_id, attempt))
                .values(progress=progress, heartbeat_at=now())
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return False
            _event(s, job_id, "progress", progress)
            return True

    def save_best(self, job_id: str, attempt: int, document: str, summary: dict[str, Any]) -> bool:
        """Store a roster better than none while the job runs (not final)."""
        with self._write() as s:
            if s.scalar(select(func.count()).select_from(SolveJob).where(*_running(job_id, attempt))) != 1:
                return False
            _put_solution(s, job_id, document, final=False)
            _event(s, job_id, "solution", {"final": False, **summary})
            return True

    def finish(
        self,
        job_id: str,
        attempt: int | None,
        state: str,
        *,
        solve_status: str | None = None,
        statistics: dict[str, Any] | None = None,
        solution: str | None = None,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
        from_states: Sequence[str] = ("running",),
    ) -> JobRecord | None:
        """End the job: state, solve status, statistics and solution in one transaction. A
        solution already stored (the best so far) becomes final when none is given."""
        with self._write() as s:
            conditions: list[ColumnElement[bool]] = [
                SolveJob.id == job_id,
                SolveJob.state.in_(list(from_states)),
            ]
            if attempt is not None:
                conditions.append(SolveJob.attempts == attempt)
            done = s.execute(
                update(SolveJob)
                .where(*conditions)
                .values(
                    state=state,
                    solve_status=solve_status,
                    statistics=statistics,
                    error=error,
                    finished_at=now(),
                    heartbeat_at=None,
                )
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return None
            if solution is not None:
                _put_solution(s, job_id, solution, final=True)
                _event(s, job_id, "solution", {"final": True, **(summary or {})})
            else:
                s.execute(update(JobSolution).where(JobSolution.job_id == job_id).values(final=True))
            data: dict[str, Any] = {"state": state, "solve_status": solve_status}
            if error:
                data["error"] = error
            _event(s, job_id, "state", data)
            row = s.get(SolveJob, job_id, populate_existing=True)
            assert row is not None
            return _job(row, _has_solution(s, job_id))

    def request_cancel(self, job_id: str) -> JobRecord | None:
        """A queued job is cancelled at once; a running one is asked to stop (its supervisor sees
        `cancel_requested_at`). Returns the job after the change, or None if it does not exist."""
        with self._write() as s:
            at = now()
            cancelled = s.execute(
                update(SolveJob)
                .where(SolveJob.id == job_id, SolveJob.state == "queued")
                .values(state="cancelled", cancel_requested_at=at, finished_at=at)
            )
            if cancelled.rowcount == 1:  # type: ignore[attr-defined]
                _event(s, job_id, "state", {"state": "cancelled", "solve_status": None})
            else:
                s.execute(
                    update(SolveJob)
                    .where(
                        SolveJob.id == job_id,
                        SolveJob.state == "running",
                        SolveJob.cancel_requested_at.is_(None),
                    )
                    .values(cancel_requested_at=at)
                )
            row = s.get(SolveJob, job_id, populate_existing=True)
            return _job(row, _has_solution(s, job_id)) if row else None

    def stalled_jobs(self, older_than: dt.datetime) -> list[JobRecord]:
        """Running jobs whose supervisor has not been heard of since `older_than`."""
        with self._read() as s:
            q = select(SolveJob).where(SolveJob.state == "running", SolveJob.heartbeat_at < older_than)
            return [_job(r) for r in s.scalars(q)]

    def requeue(
        self, job_id: str, attempt: int, reason: str, enqueue: Enqueue | None, count_attempt: bool = True
    ) -> bool:
        """running (this attempt) → queued again, and enqueued in the same transaction. With
        `count_attempt` False (a graceful shutdown) the attempt is given back."""
        with self._write() as s:
            values: dict[str, Any] = {
                "state": "queued",
                "worker": None,
                "heartbeat_at": None,
                "progress": None,
            }
            if not count_attempt:
                values["attempts"] = SolveJob.attempts - 1
            done = s.execute(update(SolveJob).where(*_running(job_id, attempt)).values(**values))
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return False
            _event(s, job_id, "state", {"state": "queued", "reason": reason})
            if enqueue is not None:
                ref = enqueue(job_id, s.connection().connection.driver_connection)
                s.execute(update(SolveJob).where(SolveJob.id == job_id).values(queue_ref=ref))
            return True

    # --- comparisons ----------------------------------------------------------------------------

    def get_comparison(self, comparison_id: str, agency: str | None = None) -> ComparisonRecord | None:
        with self._read() as s:
            row = s.get(Comparison, comparison_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            return _comparison(s, row)

    def comparison_jobs(self, comparison_id: str) -> list[JobRecord]:
        with self._read() as s:
            q = (
                select(SolveJob)
                .where(SolveJob.comparison_id == comparison_id)
                .order_by(SolveJob.label, SolveJob.id)
            )
            return [_job(r) for r in s.scalars(q)]

    def complete_comparison(
        self, comparison_id: str, build: Callable[[list[JobRecord]], dict[str, Any]]
    ) -> ComparisonRecord | None:
        """Fill the comparison's table once every job has ended (the row is locked, so two jobs
        ending together cannot both miss it)."""
        with self._write() as s:
            row = s.scalars(
                select(Comparison).where(Comparison.id == comparison_id).with_for_update()
            ).first()
            if row is None:
                return None
            if row.table is None:
                jobs = [
                    _job(r)
                    for r in s.scalars(
                        select(SolveJob)
                        .where(SolveJob.comparison_id == comparison_id)
                        .order_by(SolveJob.label, SolveJob.id)
                    )
                ]
                if jobs and all(j.finished for j in jobs):
                    row.table = build(jobs)
                    row.completed_at = now()
            return _comparison(s, row)


# --- helpers -----------------------------------------------------------------------------------


def _running(job_id: str, attempt: int) -> list[ColumnElement[bool]]:
    return [SolveJob.id == job_id, SolveJob.state == "running", SolveJob.attempts == attempt]


def _event(s: Session, job_id: str, kind: str, data: dict[str, Any]) -> None:
    s.add(JobEvent(job_id=job_id, kind=kind, data=data, created_at=now()))


def _put_solution(s: Session, job_id: str, document: str, final: bool) -> None:
    row = s.get(JobSolution, job_id)
    if row is None:
        s.add(JobSolution(job_id=job_id, final=final, document=document, updated_at=now()))
    else:
        row.final, row.document, row.updated_at = final, document, now()


def _has_solution(s: Session, job_id: str) -> bool:
    return s.scalar(select(func.count()).select_from(JobSolution).where(JobSolution.job_id == job_id)) == 1


def _key(r: ApiKey) -> KeyRecord:
    return KeyRecord(r.id, r.name, r.role, r.agency, r.created_at, r.revoked_at)


def _job(r: SolveJob, has_solution: bool = False) -> JobRecord:
    return JobRecord(
        id=r.id,
        agency=r.agency,
        key_id=r.key_id,
        state=r.state,
        solve_status=r.solve_status,
        instance_name=r.instance_name,
        members=r.members,
        positions=r.positions,
        parameters=r.parameters,
        solver_version=r.solver_version,
        created_at=r.created_at,
        started_at=r.started_at,
        finished_at=r.finished_at,
        cancel_requested_at=r.cancel_requested_at,
        attempts=r.attempts,
        max_attempts=r.max_attempts,
        worker=r.worker,
        heartbeat_at=r.heartbeat_at,
        progress=r.progress,
        statistics=r.statistics,
        error=r.error,
        comparison_id=r.comparison_id,
        label=r.label,
        idempotency_key=r.idempotency_key,
        request_hash=r.request_hash,
        queue_ref=r.queue_ref,
        has_solution=has_solution,
    )


def _comparison(s: Session, r: Comparison) -> ComparisonRecord:
    ids = list(
        s.scalars(
            select(SolveJob.id).where(SolveJob.comparison_id == r.id).order_by(SolveJob.label, SolveJob.id)
        )
    )
    return ComparisonRecord(
        r.id, r.agency, r.key_id, r.instance_name, r.request, r.table, r.created_at, r.completed_at, ids
    )
