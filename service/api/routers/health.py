"""/healthz (the process answers) and /readyz (the database answers at the current schema).
The only endpoints without a key."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from offduty.service.api.deps import ServicesDep
from offduty.service.api.problems import responses
from offduty.service.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=responses(503), summary="Readiness")
async def readyz(services: ServicesDep) -> Health | JSONResponse:
    store = services.store
    try:
        current = await run_in_threadpool(store.schema_is_current)
    except Exception as exc:
        return JSONResponse(
            {
                "type": "urn:offduty:problem:not-ready",
                "title": "not ready",
                "status": 503,
                "detail": f"database unreachable: {type(exc).__name__}",
            },
            status_code=503,
            media_type="application/problem+json",
        )
    if not current:
        return JSONResponse(
            {
                "type": "urn:offduty:problem:not-ready",
                "title": "not ready",
                "status": 503,
                "detail": "the database schema is not current: run `offduty db upgrade`",
            },
            status_code=503,
            media_type="application/problem+json",
        )
    queue = services.queue
    return Health(status="ok", database=store.backend, queue=type(queue).__name__ if queue else None)
