"""/validate: the validation report, synchronously."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from offduty.service.api.deps import Caller, ServicesDep
from offduty.service.api.problems import responses
from offduty.service.api.schemas import EventEligibility, ProblemItem, ValidateRequest, ValidationReport
from offduty.service.usecases import eligibility_report
from offduty.service.usecases import jobs as uc

router = APIRouter(tags=["validation"], responses=responses(401, 429))


@router.post(
    "/validate",
    response_model=ValidationReport,
    responses=responses(400, 413, 422),
    summary="Validate an instance",
)
async def validate_instance(
    body: ValidateRequest, services: ServicesDep, principal: Caller
) -> ValidationReport:
    """Every input problem with its path (`valid: false`), or per event how many members are
    eligible and why the others are not. Nothing is stored."""
    outcome = await run_in_threadpool(uc.validate, services, body.instance)
    if not outcome.valid or outcome.instance is None:
        return ValidationReport(valid=False, problems=[ProblemItem(**p.to_dict()) for p in outcome.problems])
    report = await run_in_threadpool(eligibility_report, outcome.instance, body.candidates)
    return ValidationReport(
        valid=True,
        problems=[],
        members=report.members,
        positions=report.positions,
        slots=report.slots,
        events=[
            EventEligibility(event=e.event, slots=e.slots, eligible=e.eligible, excluded_by=e.excluded_by)
            for e in report.events
        ],
    )
