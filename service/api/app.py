"""The FastAPI app factory.

    app = create_app(Settings(database_url="sqlite:///jobs.db"))   # what `offduty serve` runs

On start the app applies the store's migrations, then (unless `run_workers` is false) starts the
local pool on SQLite, or on PostgreSQL a thread that recovers jobs of dead workers (the solves
run in `offduty worker` processes). Routes live under /api/v1, one router per resource; every
route but /healthz and /readyz needs an API key.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from pydantic.json_schema import models_json_schema

from offduty.models.solution import Solution
from offduty.service import web
from offduty.service.api import problems
from offduty.service.api.deps import _AuthCache
from offduty.service.api.limits import BodySizeLimit, RateLimiter
from offduty.service.api.routers import batches, comparisons, data, health, jobs, keys, rosters, validation
from offduty.service.settings import Settings
from offduty.service.store import Store
from offduty.service.usecases.jobs import Services, recover_stalled
from offduty.service.usecases.published import deliver_due
from offduty.service.worker import LocalPool, LocalQueue, ProcrastinateQueue

log = logging.getLogger(__name__)
PREFIX = "/api/v1"


def build_services(settings: Settings) -> Services:
    store = Store(settings.database_url)
    queue = ProcrastinateQueue(settings.database_url) if settings.is_postgres else LocalQueue()
    return Services(store, settings, queue)


class _Recovery:
    """On PostgreSQL the server also re-queues jobs of dead workers (the workers do too)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="offduty-recovery", daemon=True)

    def _loop(self) -> None:
        while not self.stop.wait(self.services.settings.heartbeat_s):
            try:
                recover_stalled(self.services)
            except Exception:
                log.warning("recovering stalled jobs failed", exc_info=True)


class _Outbox:
    """Delivers the notifications outbox every `notify_interval_s` (any number of servers and
    workers may run one: messages are claimed compare-and-set)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="offduty-outbox", daemon=True)

    def _loop(self) -> None:
        while not self.stop.wait(self.services.settings.notify_interval_s):
            try:
                deliver_due(self.services)
            except Exception:
                log.warning("delivering notifications failed", exc_info=True)


def create_app(
    settings: Settings | None = None, *, run_workers: bool = True, migrate: bool = True
) -> FastAPI:
    settings = settings or Settings()
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await run_in_threadpool(services.store.upgrade)
        pool: LocalPool | None = None
        recovery: _Recovery | None = None
        outbox: _Outbox | None = None
        if run_workers:
            outbox = _Outbox(services)
            outbox.thread.start()
        if run_workers and isinstance(services.queue, LocalQueue):
            pool = services.queue.pool = LocalPool(services).start()
        elif run_workers:
            recovery = _Recovery(services)
            recovery.thread.start()
        try:
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.stop)
            if recovery is not None:
                recovery.stop.set()
            if outbox is not None:
                outbox.stop.set()
            services.store.close()

    app = FastAPI(
        title="offduty solve-job API",
        version=metadata.version("offduty"),
        lifespan=lifespan,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        description="Fill police off-duty details with CP-SAT: submit solves, follow them, fetch "
        "rosters. Errors are RFC 9457 problem details with field paths.",
    )
    app.state.services = services
    app.state.auth_cache = _AuthCache()
    app.state.rate_limiter = RateLimiter(settings.rate_per_minute)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    problems.install(app)
    api = APIRouter(prefix=PREFIX)
    for module in (jobs, comparisons, rosters, batches, data, validation, keys, health):
        api.include_router(module.router)
    app.include_router(api)
    web.install(app, settings)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _problem_422(schema: dict[str, Any]) -> None:
    """FastAPI documents its own 422 body; this API answers every 422 with problem details."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "422" in operation.get("responses", {}):
                operation["responses"]["422"] = {
                    "description": "Unprocessable Content",
                    "content": {
                        problems.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
                    },
                }
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the solution format (served raw by GET .../solution)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _, defs = models_json_schema(
            [(Solution, "serialization")], ref_template="#/components/schemas/{model}"
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(defs.get("$defs", {}))
        _problem_422(schema)
        app.openapi_schema = schema
    return app.openapi_schema
