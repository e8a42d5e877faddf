"""/batches: re-solve many events with their cancellations, one job per independent group."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from offduty.service.api.deps import Caller, ServicesDep, Submitter
from offduty.service.api.problems import responses
from offduty.service.usecases import batch_jobs as uc

router = APIRouter(prefix="/batches", tags=["batches"], responses=responses(401, 429))


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instance: dict[str, Any] = Field(
        description="the events, their published `assignments` and their `cancellations` (instance format)"
    )
    strategy: str = "seniority"
    time_limit: float | None = Field(default=None, gt=0, description="seconds per group")
    freeze: bool = False
    max_changes: int | None = Field(default=None, ge=0, description="per group")
    name: str = Field(default="", max_length=200)


@router.post(
    "", status_code=202, responses=responses(400, 403, 413, 422), summary="Re-solve a batch of events"
)
def submit_batch(
    body: BatchCreate, request: Request, response: Response, services: ServicesDep, principal: Submitter
) -> dict[str, Any]:
    """Events that share no member are solved apart: one solve job per group, on the workers."""
    batch = uc.submit_batch(
        services,
        principal,
        uc.BatchRequest(
            body.instance, body.strategy, body.time_limit, body.freeze, body.max_changes, body.name
        ),
    )
    response.headers["Location"] = str(request.app.url_path_for("get_batch", batch_id=batch.id))
    return uc.batch_status(services, principal, batch.id)


@router.get("/{batch_id}", responses=responses(404, 422), summary="A batch: per group, per event, in total")
def get_batch(batch_id: str, services: ServicesDep, principal: Caller) -> dict[str, Any]:
    return uc.batch_status(services, principal, batch_id)
