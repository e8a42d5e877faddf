"""/solve-jobs: submit, list, read, cancel; the solution resource; the event stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from offduty.models.solution import Solution
from offduty.service.api.deps import Caller, ServicesDep, Submitter
from offduty.service.api.problems import ApiProblem, responses
from offduty.service.api.schemas import JobPage, SolveJob, SolveJobCreate
from offduty.service.store import FINISHED_STATES, JobRecord
from offduty.service.usecases import assignments_csv
from offduty.service.usecases import jobs as uc
from offduty.service.usecases.keys import Principal

router = APIRouter(prefix="/solve-jobs", tags=["solve jobs"], responses=responses(401, 429))

#: How often an event stream looks for new events, and how long one stream lasts at most (a
#: client reconnects with Last-Event-ID and loses nothing).
EVENT_POLL_S = 0.25


def job_out(request: Request, job: JobRecord) -> SolveJob:
    base = str(request.app.url_path_for("get_solve_job", job_id=job.id))
    return SolveJob.model_validate(
        {
            **{
                k: getattr(job, k)
                for k in (
                    "id",
                    "state",
                    "solve_status",
                    "instance_name",
                    "members",
                    "positions",
                    "parameters",
                    "solver_version",
                    "created_at",
                    "started_at",
                    "finished_at",
                    "cancel_requested_at",
                    "attempts",
                    "max_attempts",
                    "worker",
                    "progress",
                    "statistics",
                    "error",
                    "has_solution",
                    "comparison_id",
                    "label",
                )
            },
            "links": {"self": base, "solution": f"{base}/solution", "events": f"{base}/events"},
        }
    )


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Retrying with the same key returns the same job.",
    ),
]


@router.post(
    "",
    status_code=202,
    response_model=SolveJob,
    responses=responses(400, 403, 413, 422),
    summary="Submit a solve",
)
def submit_solve_job(
    body: SolveJobCreate,
    request: Request,
    response: Response,
    services: ServicesDep,
    principal: Submitter,
    idempotency_key: IdempotencyKey = None,
) -> SolveJob:
    """Validate the instance and queue a solve; returns at once (202) with the job and its links.
    The job row, its immutable input and its queue entry are committed before the answer."""
    req = uc.SolveRequest(
        instance=body.instance,
        strategy=body.strategy,
        candidates=body.candidates,
        time_limit=body.time_limit,
        allow_understaffed=body.allow_understaffed,
        seed=body.seed,
    )
    job, created = uc.submit(services, principal, req, idempotency_key)
    out = job_out(request, job)
    response.headers["Location"] = out.links.self
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("", response_model=JobPage, responses=responses(422), summary="List the agency's solve jobs")
def list_solve_jobs(
    request: Request,
    services: ServicesDep,
    principal: Caller,
    state: Annotated[list[uc.JobState] | None, Query(description="Only these states.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> JobPage:
    items, next_cursor = uc.list_jobs(services, principal, state or [], limit, cursor)
    return JobPage(items=[job_out(request, j) for j in items], next_cursor=next_cursor)


@router.get("/{job_id}", response_model=SolveJob, responses=responses(404), summary="A solve job")
def get_solve_job(job_id: str, request: Request, services: ServicesDep, principal: Caller) -> SolveJob:
    """State, solve status, lifecycle timestamps, progress (tier, objective, bound, gap, elapsed),
    statistics, solver version and parameters."""
    return job_out(request, uc.get(services, principal, job_id))


@router.delete(
    "/{job_id}",
    status_code=202,
    response_model=SolveJob,
    responses=responses(403, 404, 409),
    summary="Cancel a solve job",
)
def cancel_solve_job(job_id: str, request: Request, services: ServicesDep, principal: Submitter) -> SolveJob:
    """A queued job is cancelled at once (it never starts); a running one is asked to stop and
    ends `cancelled` with its best roster. 409 when the job already ended."""
    return job_out(request, uc.cancel(services, principal, job_id))


SOLUTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The roster: the solution format as JSON, or the assignments as CSV "
        "(`Accept: text/csv`). Header `Offduty-Solution`: `final` or `best-so-far`.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Solution"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **responses(404),
}


@router.get(
    "/{job_id}/solution",
    response_class=Response,
    responses=SOLUTION_RESPONSES,
    summary="The job's roster (final, or best so far while running)",
)
def get_solution(job_id: str, request: Request, services: ServicesDep, principal: Caller) -> Response:
    job, found = uc.solution(services, principal, job_id)
    headers = {"Offduty-Solution": "final" if found.final else "best-so-far", "Offduty-Job-State": job.state}
    if _wants_csv(request.headers.get("accept", "")):
        csv = assignments_csv(uc.result_of(found))
        return Response(
            csv,
            media_type="text/csv; charset=utf-8",
            headers={**headers, "Content-Disposition": f'attachment; filename="{job.id}.csv"'},
        )
    return Response(found.document, media_type="application/json", headers=headers)


def _wants_csv(accept: str) -> bool:
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "text/csv" in types and types.index("text/csv") < _first_json(types)


def _first_json(types: list[str]) -> int:
    for i, t in enumerate(types):
        if t in ("application/json", "*/*", "application/*"):
            return i
    return len(types)


EVENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events: `state` (queued, running, ..., the last one final), "
        "`progress` (tier, objective, bound, gap, elapsed_s) and `solution` (a roster "
        "was stored). Each has an `id`; reconnect with `Last-Event-ID` to resume.",
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "example": 'id: 7\nevent: progress\ndata: {"tier": "seniority", "tier_index": 1, '
                '"objective": 1834.0, "bound": 1834.0, "gap": 0.0, "elapsed_s": 0.61, '
                '"solutions": 2}\n\n',
            }
        },
    },
    **responses(404, 422),
}


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses=EVENT_RESPONSES,
    summary="Follow a job (server-sent events)",
)
async def follow_solve_job(
    job_id: str,
    services: ServicesDep,
    principal: Caller,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> EventSourceResponse:
    after = _event_id(last_event_id)
    await run_in_threadpool(uc.get, services, principal, job_id)  # 404 before the stream starts
    return EventSourceResponse(_events(services, principal, job_id, after), ping=10)


def _event_id(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit():
        raise ApiProblem(
            422,
            "the request is invalid",
            "Last-Event-ID must be an event id",
            slug="invalid-request",
            errors=[{"path": "Last-Event-ID", "message": "not an event id", "kind": "schema"}],
        )
    return int(raw)


async def _events(
    services: uc.Services, principal: Principal, job_id: str, after: int
) -> AsyncIterator[ServerSentEvent]:
    deadline = time.monotonic() + services.settings.sse_max_s
    while time.monotonic() < deadline:
        batch = await run_in_threadpool(uc.events, services, principal, job_id, after)
        if not batch:
            job = await run_in_threadpool(uc.get, services, principal, job_id)
            if job.state in FINISHED_STATES:  # its final event was committed with the state
                batch = await run_in_threadpool(uc.events, services, principal, job_id, after)
                if not batch:
                    return
        for event in batch:
            after = event.id
            yield ServerSentEvent(json.dumps(event.data), event=event.kind, id=str(event.id))
            if event.kind == "state" and event.data.get("state") in FINISHED_STATES:
                return
        if not batch:
            await asyncio.sleep(EVENT_POLL_S)


__all__ = ["Solution", "router"]
