"""/comparisons: one instance under several strategies and/or policy variants."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from offduty.service.api.deps import Caller, ServicesDep, Submitter
from offduty.service.api.problems import responses
from offduty.service.api.schemas import Comparison, ComparisonCreate
from offduty.service.store import ComparisonRecord
from offduty.service.usecases import jobs as uc
from offduty.service.usecases.keys import Principal

router = APIRouter(prefix="/comparisons", tags=["comparisons"], responses=responses(401, 429))


def comparison_out(
    request: Request, services: uc.Services, principal: Principal, found: ComparisonRecord
) -> Comparison:
    jobs = services.store.comparison_jobs(found.id)
    return Comparison.model_validate(
        {
            "id": found.id,
            "instance_name": found.instance_name,
            "created_at": found.created_at,
            "completed_at": found.completed_at,
            "request": found.request,
            "table": found.table,
            "jobs": [
                {"id": j.id, "label": j.label, "state": j.state, "solve_status": j.solve_status} for j in jobs
            ],
            "links": {
                "self": str(request.app.url_path_for("get_comparison", comparison_id=found.id)),
                **{
                    j.label or j.id: str(request.app.url_path_for("get_solve_job", job_id=j.id)) for j in jobs
                },
            },
        }
    )


@router.post(
    "",
    status_code=202,
    response_model=Comparison,
    responses=responses(400, 403, 413, 422),
    summary="Compare strategies and policy variants",
)
def create_comparison(
    body: ComparisonCreate, request: Request, response: Response, services: ServicesDep, principal: Submitter
) -> Comparison:
    """One solve job per strategy × policy (the instance's own, unless `include_base_policy` is
    false, and each variant); the comparison's `table` fills when every job has ended."""
    req = uc.ComparisonRequest(
        instance=body.instance,
        strategies=body.strategies,
        variants=body.variants,
        include_base_policy=body.include_base_policy,
        candidates=body.candidates,
        time_limit=body.time_limit,
        allow_understaffed=body.allow_understaffed,
        seed=body.seed,
    )
    out = comparison_out(request, services, principal, uc.compare(services, principal, req))
    response.headers["Location"] = out.links["self"]
    return out


@router.get("/{comparison_id}", response_model=Comparison, responses=responses(404), summary="A comparison")
def get_comparison(
    comparison_id: str, request: Request, services: ServicesDep, principal: Caller
) -> Comparison:
    return comparison_out(request, services, principal, uc.get_comparison(services, principal, comparison_id))
