"""Solve jobs: submit, run, cancel, read; comparisons of strategies and policy variants.

The doors (API, CLI, workers) call these functions with a `Services` (store, queue, settings)
and the caller's `Principal`; they only translate. A job's *state* (queued, running, succeeded,
failed, cancelled) is its life; its *solve status* (optimal, feasible, infeasible, unknown,
invalid_input) is the solver's answer, known once it ran.

    job, created = submit(services, principal, SolveRequest(instance=doc, strategy="hours"))
    # a worker, in its own process:
    run(services, job.id, attempt=1, stop=threading.Event())

`run` loads the stored input, solves with `solve_verified` (progress into the store, `stop`
from the supervisor when the job is cancelled) and commits result, status and statistics in one
transaction. A solve that is still running after `settings.provisional_after_s` first stores
the verified greedy roster, so that "best so far" exists for long solves while short ones never
pay for it; the final roster replaces it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from typing import Any, Protocol

from offduty.distribution.registry import STRATEGIES
from offduty.models.errors import InvalidInstance, Problem, ProblemKind
from offduty.models.instance import Instance
from offduty.models.solution import Candidates, SolveStatus
from offduty.service.settings import Settings
from offduty.service.store import (
    ComparisonRecord,
    DuplicateRequest,
    EventRecord,
    JobRecord,
    NewJob,
    SolutionRecord,
    Store,
    sha256,
)
from offduty.service.usecases.keys import Principal
from offduty.service.usecases.loading import invalid_input_result, load
from offduty.service.usecases.solving import RosterRejected, solve_verified
from offduty.service.usecases.variants import PolicyVariant, VariantError, apply_variant, parse_variant
from offduty.solver import EngineParams, Progress, Result, SolveParams
from offduty.solver.params import Resolve

log = logging.getLogger(__name__)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class JobQueue(Protocol):
    """Where jobs wait for a worker: the local pool (SQLite) or procrastinate (PostgreSQL)."""

    def enqueue(self, job_id: str, connection: Any) -> str | None:
        """Called inside the transaction that creates the job (the raw DB-API connection)."""

    def notify(self) -> None:
        """Called after that transaction committed."""


@dataclass
class Services:
    store: Store
    settings: Settings
    queue: JobQueue | None = None


# --- errors the doors translate ------------------------------------------------------------------


class RequestProblem(ValueError):
    """The request cannot be accepted as given: every problem, with its path (HTTP 422)."""

    def __init__(self, problems: list[Problem], title: str = "the request is invalid") -> None:
        self.problems = problems
        self.title = title
        super().__init__("; ".join(str(p) for p in problems))


class NotFound(LookupError):
    """No such job or comparison for this caller (other agencies' ids are not found either)."""


class Forbidden(PermissionError):
    """The caller's role does not allow this."""


class Conflict(RuntimeError):
    """The job is not in a state that allows this (e.g. cancelling a finished job)."""


class TooManyJobs(RuntimeError):
    """The key already has its maximum of queued and running jobs (HTTP 429)."""

    def __init__(self, active: int, limit: int, retry_after_s: int = 5) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"this key has {active} queued or running jobs; the limit is {limit}")


# --- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolveRequest:
    instance: Any
    strategy: str = "seniority"
    candidates: Candidates = Candidates.ALL_ELIGIBLE
    time_limit: float | None = None
    allow_understaffed: bool = False
    seed: int = 0

    def fingerprint(self, document: str) -> str:
        """What an Idempotency-Key stands for: the instance document and every option."""
        options = json.dumps([self.strategy, str(self.candidates), self.time_limit, self.allow_understaffed,
                              self.seed])
        return sha256(options + document)


@dataclass(frozen=True)
class ComparisonRequest:
    instance: Any
    strategies: Sequence[str] = ("seniority",)
    #: Policy variants: "NAME: key=value, ..." or PolicyVariant.
    variants: Sequence[str | PolicyVariant] = ()
    #: Also solve with the instance's own policy (when variants are given).
    include_base_policy: bool = True
    candidates: Candidates = Candidates.ALL_ELIGIBLE
    time_limit: float | None = None
    allow_understaffed: bool = False
    seed: int = 0


def solver_version() -> str:
    return f"offduty {metadata.version('offduty')}; ortools {metadata.version('ortools')}"


def _problem(path: str, message: str, kind: ProblemKind = ProblemKind.OUT_OF_RANGE) -> Problem:
    return Problem(path, message, kind)


def check_size(settings: Settings, raw: Any, path: str = "instance") -> list[Problem]:
    """Instance size caps, checked on the raw document before it is parsed."""
    if not isinstance(raw, dict):
        return [_problem(path, "must be a JSON object (an instance)", ProblemKind.SCHEMA)]
    problems = []
    members, events = raw.get("members"), raw.get("events")
    if isinstance(members, list) and len(members) > settings.max_members:
        problems.append(
            _problem(
                f"{path}.members", f"{len(members):,} members exceed the limit of {settings.max_members:,}"
            )
        )
    if isinstance(events, list):
        if len(events) > settings.max_events:
            problems.append(
                _problem(
                    f"{path}.events", f"{len(events):,} events exceed the limit of {settings.max_events:,}"
                )
            )
        positions = sum(
            len(s.get("positions") or [])
            for e in events
            if isinstance(e, dict)
            for s in (e.get("shifts") or [])
            if isinstance(s, dict) and isinstance(s.get("positions") or [], list)
        )
        if positions > settings.max_positions:
            problems.append(
                _problem(
                    f"{path}.events",
                    f"{positions:,} positions exceed the limit of {settings.max_positions:,}",
                )
            )
    return problems


def _prefixed(problems: Sequence[Problem], prefix: str) -> list[Problem]:
    return [Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message, p.kind) for p in problems]


def parse_request_instance(settings: Settings, raw: Any, path: str = "instance") -> Instance:
    """The validated instance, or RequestProblem naming every problem under `path`."""
    problems = check_size(settings, raw, path)
    if problems:
        raise RequestProblem(problems, "the instance is too large")
    try:
        return load(raw)
    except InvalidInstance as exc:
        raise RequestProblem(_prefixed(exc.problems, path), "the instance is invalid") from None


def _check_options(
    settings: Settings, strategies: Sequence[str], time_limit: float | None, strategy_path: str
) -> float:
    problems = []
    for i, name in enumerate(strategies):
        if name not in STRATEGIES:
            path = strategy_path if strategy_path == "strategy" else f"{strategy_path}[{i}]"
            problems.append(
                _problem(
                    path, f"unknown strategy {name!r} (known: {', '.join(STRATEGIES)})", ProblemKind.SCHEMA
                )
            )
    limit = settings.default_time_limit if time_limit is None else time_limit
    if not limit > 0:
        problems.append(_problem("time_limit", "must be a positive number of seconds"))
    elif limit > settings.max_time_limit:
        problems.append(
            _problem("time_limit", f"{limit:g} s exceeds the limit of {settings.max_time_limit:g} s")
        )
    if problems:
        raise RequestProblem(problems)
    return float(min(limit, settings.max_time_limit))


def _check_active(services: Services, principal: Principal, adding: int) -> None:
    active = services.store.count_active(principal.key_id)
    limit = services.settings.max_active_jobs_per_key
    if active + adding > limit:
        raise TooManyJobs(active, limit)


def _require_submitter(principal: Principal) -> None:
    if not principal.role.can_submit:
        raise Forbidden(f"role {principal.role.value!r} cannot submit or cancel solves")


def _new_job(
    services: Services,
    principal: Principal,
    instance: Instance,
    document: str,
    parameters: dict[str, Any],
    **extra: Any,
) -> NewJob:
    slots = sum(p.count for e in instance.events for s in e.shifts for p in s.positions)
    return NewJob(
        id=str(uuid.uuid4()),
        agency=principal.agency,
        key_id=principal.key_id,
        instance_name=instance.name or "",
        members=len(instance.members),
        positions=slots,
        parameters=parameters,
        solver_version=solver_version(),
        document=document,
        max_attempts=services.settings.max_attempts,
        **extra,
    )


def _parameters(
    services: Services,
    strategy: str,
    candidates: Candidates,
    time_limit: float,
    allow_understaffed: bool,
    seed: int,
    variant: PolicyVariant | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "strategy": strategy,
        "candidates": Candidates(candidates).value,
        "time_limit": time_limit,
        "allow_understaffed": allow_understaffed,
        "seed": seed,
        "cpsat_workers": services.settings.cpsat_workers,
    }
    if variant is not None:
        out["variant"] = {"name": variant.name, "policy": variant.overrides}
    return out


def _dump(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


# --- submit, read, cancel --------------------------------------------------------------------


def submit(
    services: Services, principal: Principal, request: SolveRequest, idempotency_key: str | None = None
) -> tuple[JobRecord, bool]:
    """Create a queued job (row, immutable input and queue entry in one transaction).

    Returns (job, created): with an Idempotency-Key already used for the same request, the job
    created then and False. The same key with a different request is a RequestProblem."""
    _require_submitter(principal)
    document = _dump(request.instance)
    # only an Idempotency-Key needs the fingerprint (hashing 2 MB is not free)
    fingerprint = request.fingerprint(document) if idempotency_key is not None else None
    if idempotency_key is not None and fingerprint is not None:
        existing = services.store.job_by_idempotency(principal.key_id, idempotency_key)
        if existing is not None:
            return _replayed(existing, fingerprint)
    time_limit = _check_options(services.settings, [request.strategy], request.time_limit, "strategy")
    instance = parse_request_instance(services.settings, request.instance)
    _check_active(services, principal, 1)
    params = _parameters(
        services, request.strategy, request.candidates, time_limit, request.allow_understaffed, request.seed
    )
    job = _new_job(
        services,
        principal,
        instance,
        document,
        params,
        idempotency_key=idempotency_key,
        request_hash=fingerprint,
    )
    try:
        [record] = services.store.add_jobs([job], _enqueue(services))
    except DuplicateRequest as dup:  # the same key raced in from another request
        return _replayed(dup.existing, fingerprint or "")
    _notify(services)
    return record, True


def _replayed(existing: JobRecord, fingerprint: str) -> tuple[JobRecord, bool]:
    if existing.request_hash != fingerprint:
        raise RequestProblem(
            [_problem("Idempotency-Key", "this key was used for a different request", ProblemKind.SCHEMA)],
            "Idempotency-Key reused",
        )
    return existing, False


def _enqueue(services: Services) -> Any:
    return services.queue.enqueue if services.queue is not None else None


def _notify(services: Services) -> None:
    if services.queue is not None:
        services.queue.notify()


def get(services: Services, principal: Principal, job_id: str) -> JobRecord:
    job = services.store.get_job(job_id, principal.agency)
    if job is None:
        raise NotFound(f"no solve job {job_id!r}")
    return job


def list_jobs(
    services: Services,
    principal: Principal,
    states: Sequence[JobState] = (),
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[JobRecord], str | None]:
    """A page of the agency's jobs, newest first, and the cursor of the next page (None: last)."""
    before = _decode_cursor(cursor) if cursor else None
    jobs = services.store.list_jobs(principal.agency, [s.value for s in states], limit + 1, before)
    if len(jobs) <= limit:
        return jobs, None
    last = jobs[limit - 1]
    return jobs[:limit], _encode_cursor(last.created_at, last.id)


def encode_cursor(job: JobRecord) -> str:
    """The cursor of the page after `job` (newest first)."""
    return _encode_cursor(job.created_at, job.id)


def _encode_cursor(at: dt.datetime, job_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{job_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, job_id = raw.partition("|")
        parsed = dt.datetime.fromisoformat(at)
        if parsed.tzinfo is None or not job_id:
            raise ValueError(raw)
        return parsed, job_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise RequestProblem(
            [_problem("cursor", "not a cursor this server handed out", ProblemKind.SCHEMA)]
        ) from None


def cancel(services: Services, principal: Principal, job_id: str) -> JobRecord:
    """Cancel a job: a queued one never starts; a running one is stopped (its best roster kept).
    Conflict when it already ended."""
    _require_submitter(principal)
    job = get(services, principal, job_id)
    if job.finished:
        raise Conflict(f"job {job_id} already ended ({job.state})")
    after = services.store.request_cancel(job_id)
    if after is None:
        raise NotFound(f"no solve job {job_id!r}")
    if after.finished and after.state != JobState.CANCELLED:
        raise Conflict(f"job {job_id} already ended ({after.state})")
    return after


def events(
    services: Services, principal: Principal, job_id: str, after: int = 0, limit: int = 500
) -> list[EventRecord]:
    get(services, principal, job_id)
    return services.store.events_after(job_id, after, limit)


def solution(services: Services, principal: Principal, job_id: str) -> tuple[JobRecord, SolutionRecord]:
    """The job's roster: the final one, or the best so far while it runs. NotFound if none yet."""
    job = get(services, principal, job_id)
    found = services.store.solution(job_id)
    if found is None:
        raise NotFound(f"job {job_id} has no roster yet ({job.state})")
    return job, found


def result_of(record: SolutionRecord) -> Result:
    return Result.model_validate_json(record.document)


# --- running (in a worker's child process) ------------------------------------------------------


def run(services: Services, job_id: str, attempt: int, stop: threading.Event) -> JobRecord | None:
    """Solve a claimed job (state running, this attempt) and commit its outcome.

    Returns the finished job, or None when the job was no longer this attempt's to finish."""
    store, settings = services.store, services.settings
    job = store.get_job(job_id)
    document = store.job_input(job_id)
    if job is None or document is None or job.state != JobState.RUNNING or job.attempts != attempt:
        log.warning("job %s is not running as attempt %d; not solving it", job_id, attempt)
        return None
    p = job.parameters
    params = SolveParams(
        strategy=p["strategy"],
        candidates=Candidates(p["candidates"]),
        time_limit=float(p["time_limit"]),
        allow_understaffed=bool(p["allow_understaffed"]),
        # a batch re-solve's group (usecases.batches_api): its published roster kept first
        resolve=Resolve(**p["resolve"]) if p.get("resolve") is not None else None,
        engine=EngineParams(workers=int(p.get("cpsat_workers", 1)), seed=int(p.get("seed", 0))),
    )
    try:
        instance = load(json.loads(document))
    except InvalidInstance as exc:  # validated at submit; only a changed validator gets here
        result = invalid_input_result(exc, params.strategy, params.candidates)
        return _finish(services, job, attempt, JobState.SUCCEEDED, result)
    writer = _ProgressWriter(store, job_id, attempt, settings.progress_interval_s)
    provisional = _Provisional(services, job_id, attempt, instance, params)
    provisional.start_after(settings.provisional_after_s)
    try:
        result = solve_verified(instance, params, progress=writer, stop=stop)
    except RosterRejected as exc:
        log.error("job %s: %s", job_id, exc)
        return store.finish(job_id, attempt, JobState.FAILED, error=str(exc)[:4000])
    except Exception as exc:
        log.exception("job %s failed", job_id)
        return store.finish(
            job_id, attempt, JobState.FAILED, error=f"internal error: {type(exc).__name__}: {exc}"
        )
    finally:
        provisional.cancel()
    state = JobState.CANCELLED if stop.is_set() else JobState.SUCCEEDED
    return _finish(services, job, attempt, state, result)


def _finish(
    services: Services, job: JobRecord, attempt: int, state: JobState, result: Result
) -> JobRecord | None:
    done = services.store.finish(
        job.id,
        attempt,
        state,
        solve_status=result.status.value,
        statistics=statistics(result),
        solution=result.model_dump_json(),
        summary=_summary(result),
    )
    if done is not None and job.comparison_id is not None:
        complete_comparison(services, job.comparison_id)
    return done


def statistics(result: Result) -> dict[str, Any]:
    return {
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "timings": result.timings,
        "metrics": result.metrics,
        "tiers": [t.model_dump() for t in result.tiers],
        "unfilled_positions": len(result.unfilled),
        "explanation": result.explanation[:20],
    }


def _summary(result: Result) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "assignments": len(result.assignments),
        "filled": result.metrics.get("filled"),
        "required": result.metrics.get("required"),
    }


def progress_dict(progress: Progress) -> dict[str, Any]:
    return {
        "tier": progress.tier,
        "tier_index": progress.tier_index,
        "objective": progress.objective,
        "bound": progress.bound,
        "gap": progress.gap,
        "elapsed_s": round(progress.elapsed_s, 3),
        "solutions": progress.solutions,
    }


class _ProgressWriter:
    """Writes progress to the store, at most once per `interval` except on a new tier."""

    def __init__(self, store: Store, job_id: str, attempt: int, interval: float) -> None:
        self.store, self.job_id, self.attempt, self.interval = store, job_id, attempt, interval
        self.last_at = 0.0
        self.last_tier = -1

    def __call__(self, progress: Progress) -> None:
        t = time.monotonic()
        proven = progress.gap is not None and progress.gap <= 0
        if progress.tier_index == self.last_tier and t - self.last_at < self.interval and not proven:
            return
        self.last_at, self.last_tier = t, progress.tier_index
        try:
            self.store.record_progress(self.job_id, self.attempt, progress_dict(progress))
        except Exception:  # progress is a courtesy: never let it end the solve
            log.warning("job %s: progress not stored", self.job_id, exc_info=True)


class _Provisional:
    """After a delay, the verified greedy roster as the job's best so far (long solves only)."""

    def __init__(
        self, services: Services, job_id: str, attempt: int, instance: Instance, params: SolveParams
    ) -> None:
        self.services, self.job_id, self.attempt = services, job_id, attempt
        self.instance, self.params = instance, params
        self.timer: threading.Timer | None = None
        self.done = threading.Event()

    def start_after(self, delay: float) -> None:
        self.timer = threading.Timer(delay, self._store_greedy)
        self.timer.daemon = True
        self.timer.start()

    def cancel(self) -> None:
        self.done.set()
        if self.timer is not None:
            self.timer.cancel()

    def _store_greedy(self) -> None:
        if self.done.is_set():
            return
        try:
            greedy = solve_verified(self.instance, self.params, greedy=True)
            if greedy.has_solution and not self.done.is_set():
                self.services.store.save_best(
                    self.job_id,
                    self.attempt,
                    greedy.model_dump_json(),
                    {**_summary(greedy), "method": "greedy"},
                )
        except Exception:
            log.warning("job %s: no provisional roster", self.job_id, exc_info=True)


# --- recovering jobs of dead workers ---------------------------------------------------------------


def recover_stalled(services: Services) -> list[str]:
    """Running jobs whose supervisor went silent: queued again while attempts remain, else failed
    with the reason. Safe to run in every server and worker at once (compare-and-set)."""
    settings, store = services.settings, services.store
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=settings.stale_after_s)
    touched = []
    for job in store.stalled_jobs(cutoff):
        reason = (
            f"the worker running attempt {job.attempts} ({job.worker}) stopped answering "
            f"for {settings.stale_after_s:g} s"
        )
        if job.cancel_requested_at is not None:
            done = store.finish(job.id, job.attempts, JobState.CANCELLED, error=reason) is not None
        elif job.attempts < job.max_attempts:
            done = store.requeue(job.id, job.attempts, reason, _enqueue(services))
        else:
            error = f"{reason}; failed after {job.attempts} of {job.max_attempts} attempts"
            done = store.finish(job.id, job.attempts, JobState.FAILED, error=error) is not None
        if done:
            log.warning("job %s: %s", job.id, reason)
            touched.append(job.id)
            if job.comparison_id is not None:
                complete_comparison(services, job.comparison_id)
    if touched:
        _notify(services)
    return touched


# --- comparisons -----------------------------------------------------------------------------


def compare(services: Services, principal: Principal, request: ComparisonRequest) -> ComparisonRecord:
    """One job per (strategy, policy) and a comparison whose table fills when all have ended."""
    _require_submitter(principal)
    strategies = list(dict.fromkeys(request.strategies))
    if not strategies:
        raise RequestProblem([_problem("strategies", "name at least one strategy", ProblemKind.SCHEMA)])
    time_limit = _check_options(services.settings, strategies, request.time_limit, "strategies")
    variants = _variants(request.variants)
    instance = parse_request_instance(services.settings, request.instance)
    policies: list[tuple[PolicyVariant | None, Instance]] = []
    if request.include_base_policy or not variants:
        policies.append((None, instance))
    problems = []
    for i, variant in enumerate(variants):
        try:
            policies.append((variant, apply_variant(instance, variant)))
        except VariantError as exc:
            problems.append(_problem(f"variants[{i}]", str(exc), ProblemKind.POLICY))
    if problems:
        raise RequestProblem(problems, "a policy variant cannot be applied")
    count = len(strategies) * len(policies)
    if count > services.settings.max_comparison_jobs:
        raise RequestProblem(
            [
                _problem(
                    "strategies",
                    f"{count} jobs (strategies × policies) exceed the "
                    f"limit of {services.settings.max_comparison_jobs}",
                )
            ]
        )
    _check_active(services, principal, count)
    comparison = ComparisonRecord(
        id=str(uuid.uuid4()),
        agency=principal.agency,
        key_id=principal.key_id,
        instance_name=instance.name or "",
        request=_comparison_request(request, strategies, variants, time_limit),
        table=None,
        created_at=dt.datetime.now(dt.UTC),
        completed_at=None,
    )
    jobs = []
    for policy, policy_instance in policies:
        document = _dump(request.instance if policy is None else policy_instance.model_dump(mode="json"))
        for strategy in strategies:
            label = strategy if policy is None else f"{strategy} · {policy.name}"
            params = _parameters(
                services,
                strategy,
                request.candidates,
                time_limit,
                request.allow_understaffed,
                request.seed,
                policy,
            )
            jobs.append(
                _new_job(
                    services,
                    principal,
                    policy_instance,
                    document,
                    params,
                    comparison_id=comparison.id,
                    label=label,
                )
            )
    services.store.add_jobs(jobs, _enqueue(services), comparison)
    _notify(services)
    return get_comparison(services, principal, comparison.id)


def _variants(raw: Sequence[str | PolicyVariant]) -> list[PolicyVariant]:
    out, problems = [], []
    for i, item in enumerate(raw):
        try:
            out.append(item if isinstance(item, PolicyVariant) else parse_variant(item))
        except VariantError as exc:
            problems.append(_problem(f"variants[{i}]", str(exc), ProblemKind.SCHEMA))
    names = [v.name for v in out]
    problems += [
        _problem("variants", f"variant name {n!r} used twice", ProblemKind.DUPLICATE_ID)
        for n in sorted({n for n in names if names.count(n) > 1})
    ]
    if problems:
        raise RequestProblem(problems)
    return out


def _comparison_request(
    request: ComparisonRequest, strategies: list[str], variants: list[PolicyVariant], time_limit: float
) -> dict[str, Any]:
    return {
        "strategies": strategies,
        "variants": [{"name": v.name, "policy": v.overrides} for v in variants],
        "include_base_policy": request.include_base_policy or not variants,
        "candidates": Candidates(request.candidates).value,
        "time_limit": time_limit,
        "allow_understaffed": request.allow_understaffed,
        "seed": request.seed,
    }


#: Columns of a comparison's table (the metrics of `distribution.metrics`, as in `compare`).
COMPARISON_COLUMNS = (
    "label",
    "strategy",
    "variant",
    "job",
    "state",
    "status",
    "gap",
    "filled",
    "required",
    "hours_gini",
    "hours_max_min",
    "seniority_inversions",
    "fcfs_inversions",
    "rotation_inversions",
    "pay_cost",
    "changes",
    "solve_s",
    "total_s",
)


def comparison_table(jobs: list[JobRecord]) -> dict[str, Any]:
    rows = []
    for job in jobs:
        stats = job.statistics or {}
        metrics, timings = stats.get("metrics") or {}, stats.get("timings") or {}
        variant = (job.parameters.get("variant") or {}).get("name")
        rows.append(
            {
                "label": job.label,
                "strategy": job.parameters.get("strategy"),
                "variant": variant,
                "job": job.id,
                "state": job.state,
                "status": job.solve_status,
                "gap": stats.get("gap"),
                **{k: metrics.get(k) for k in COMPARISON_COLUMNS[7:16]},
                "solve_s": timings.get("solve_s"),
                "total_s": timings.get("total_s"),
            }
        )
    return {"columns": list(COMPARISON_COLUMNS), "rows": rows}


def complete_comparison(services: Services, comparison_id: str) -> ComparisonRecord | None:
    return services.store.complete_comparison(comparison_id, comparison_table)


def get_comparison(services: Services, principal: Principal, comparison_id: str) -> ComparisonRecord:
    found = services.store.get_comparison(comparison_id, principal.agency)
    if found is None:
        raise NotFound(f"no comparison {comparison_id!r}")
    if found.table is None:  # every job ended while no one was looking (e.g. all cancelled)
        found = complete_comparison(services, comparison_id) or found
    return found


# --- synchronous validation ------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationOutcome:
    valid: bool
    problems: list[Problem] = field(default_factory=list)
    instance: Instance | None = None


def validate(services: Services, raw: Any) -> ValidationOutcome:
    """Validate an instance document: the instance, or every problem with its path."""
    try:
        return ValidationOutcome(True, instance=parse_request_instance(services.settings, raw))
    except RequestProblem as exc:
        return ValidationOutcome(False, problems=exc.problems)


__all__ = [
    "COMPARISON_COLUMNS",
    "ComparisonRequest",
    "Conflict",
    "Forbidden",
    "JobQueue",
    "JobState",
    "NotFound",
    "RequestProblem",
    "Services",
    "SolveRequest",
    "SolveStatus",
    "TooManyJobs",
    "ValidationOutcome",
    "cancel",
    "compare",
    "comparison_table",
    "complete_comparison",
    "events",
    "get",
    "get_comparison",
    "list_jobs",
    "recover_stalled",
    "result_of",
    "run",
    "solution",
    "statistics",
    "submit",
    "validate",
]
