"""Data in and out: /imports (CSV/XLSX uploads to a validated instance), /reports/{kind}, and
payroll and invoice downloads of a published roster or a solve job's roster.

The same rules as the CLI's `offduty import`, `report`, `payroll` and `invoice`
(`usecases.exchange`); this module reads the request and renders the answer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from offduty.models.instance import Instance
from offduty.service.api.deps import Caller, ServicesDep
from offduty.service.api.problems import ApiProblem, responses
from offduty.service.usecases import exchange as uc
from offduty.service.usecases.keys import Principal

router = APIRouter(tags=["data"], responses=responses(401, 429))

CSV = "text/csv; charset=utf-8"
_CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV (UTF-8)"}
}


# --- imports ---------------------------------------------------------------------------------------


def _file(what: str) -> Any:
    return File(description=f"{what}: a CSV (UTF-8) or XLSX file; columns in docs/csv-format.md")


@router.post(
    "/imports",
    response_model=Instance,
    responses=responses(400, 413, 422),
    summary="Import CSV/XLSX files into a validated instance",
)
async def import_files(
    services: ServicesDep,
    principal: Caller,
    members: Annotated[UploadFile | None, _file("members, one row per member")] = None,
    tours: Annotated[UploadFile | None, _file("on-duty tours")] = None,
    leaves: Annotated[UploadFile | None, _file("leaves")] = None,
    employers: Annotated[UploadFile | None, _file("employers")] = None,
    events: Annotated[UploadFile | None, _file("events")] = None,
    shifts: Annotated[UploadFile | None, _file("shifts of the events")] = None,
    positions: Annotated[UploadFile | None, _file("positions of the shifts")] = None,
    applications: Annotated[UploadFile | None, _file("sign-ups")] = None,
    assignments: Annotated[UploadFile | None, _file("optional: the current roster")] = None,
    cancellations: Annotated[UploadFile | None, _file("optional: cancellations")] = None,
    policy: Annotated[UploadFile | None, File(description="optional policy settings (JSON)")] = None,
    tz: Annotated[
        str | None,
        Form(
            max_length=64,
            description="zone of times without an offset (default: the policy's, else America/Chicago)",
        ),
    ] = None,
    name: Annotated[str, Form(max_length=200, description="the instance's name")] = "",
    ignore_extra_columns: Annotated[bool, Form(description="skip unknown columns, do not fail")] = False,
) -> Instance:
    """Every file is checked and every problem of every file comes back at once (422, `errors[]`
    with file, row, column and cell), or the instance, exactly as `offduty import` writes it.
    Nothing is stored, so any role may import. Files over `max_upload_file_bytes` get 413."""
    given = {
        "members": members,
        "tours": tours,
        "leaves": leaves,
        "employers": employers,
        "events": events,
        "shifts": shifts,
        "positions": positions,
        "applications": applications,
        "assignments": assignments,
        "cancellations": cancellations,
    }
    files = {k: await _read(services.settings, k, f) for k, f in given.items() if f is not None}
    policy_upload = await _read(services.settings, "policy", policy) if policy is not None else None
    try:
        return await run_in_threadpool(
            lambda: uc.import_upload(
                services.settings,
                files,
                policy=policy_upload,
                tz=tz or None,
                name=name,
                ignore_extra_columns=ignore_extra_columns,
            )
        )
    except uc.ImportRejected as exc:
        raise ApiProblem(
            422,
            exc.title,
            f"{len(exc.errors)} problem(s); nothing was kept",
            slug="invalid-import",
            errors=[uc.row_error_item(e) for e in exc.errors],
        ) from None
    except uc.UploadTooLarge as exc:
        raise _too_large(exc) from None


async def _read(settings: Any, key: str, upload: UploadFile) -> uc.Upload:
    limit = settings.max_upload_file_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        size = upload.size if upload.size is not None else len(data)
        raise _too_large(uc.UploadTooLarge(key, upload.filename or key, size, limit))
    return uc.Upload(upload.filename or f"{key}.csv", data)


def _too_large(exc: uc.UploadTooLarge) -> ApiProblem:
    size = f"{exc.size:,} bytes" if exc.size <= exc.limit + 1 else f"over {exc.limit:,} bytes"
    return ApiProblem(
        413,
        "uploaded file too large",
        str(exc),
        slug="file-too-large",
        errors=[
            {
                "path": exc.field,
                "file": exc.file_name,
                "kind": "out_of_range",
                "message": f"{size}; the limit per file is {exc.limit:,} bytes",
            }
        ],
    )


# --- reports ---------------------------------------------------------------------------------------


class ReportKind(StrEnum):
    hours = "hours"
    supervisors = "supervisors"
    schedule = "schedule"
    fairness = "fairness"
    unfilled = "unfilled"
    employers = "employers"


class TableOut(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]


class ReportOut(BaseModel):
    kind: str
    title: str
    summary: list[str]
    totals: dict[str, Any] = Field(description="machine-readable totals (hours, pay, counts)")
    columns: list[str] = Field(description="the main table's columns (the CLI's <kind>.csv)")
    rows: list[dict[str, Any]]
    tables: dict[str, TableOut] = Field(description="the report's other tables (<kind>-<name>.csv)")


Format = Literal["json", "csv"]
JobQ = Annotated[str | None, Query(max_length=36, description="a finished solve job: its final roster")]
RosterQ = Annotated[str | None, Query(max_length=36, description="a published roster")]
VersionQ = Annotated[int | None, Query(ge=1, description="the roster's version (default: current)")]
FromQ = Annotated[dt.date | None, Query(alias="from", description="first day (local), e.g. 2026-09-14")]
ToQ = Annotated[dt.date | None, Query(alias="to", description="last day, included")]


def _wants_csv(request: Request, fmt: Format | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


@router.get(
    "/reports/{kind}",
    response_model=ReportOut,
    responses={**responses(404, 409, 422), **_CSV_DOC},
    summary="A report over a solve job's roster or a published roster",
)
def report(
    kind: ReportKind,
    request: Request,
    services: ServicesDep,
    principal: Caller,
    job: JobQ = None,
    roster: RosterQ = None,
    version: VersionQ = None,
    first: FromQ = None,
    last: ToQ = None,
    member: Annotated[str | None, Query(max_length=64, description="schedule: the member")] = None,
    month: Annotated[
        str | None, Query(max_length=7, description="supervisors: the month, e.g. 2026-09")
    ] = None,
    top: Annotated[int, Query(ge=1, le=1000, description="employers: how many")] = 20,
    table: Annotated[
        str | None, Query(max_length=64, description="CSV: one of the report's other tables")
    ] = None,
    format: Annotated[
        Format | None, Query(description="json (default) or csv; or send Accept: text/csv")
    ] = None,
) -> Any:
    """The kinds of `offduty report`: hours (16-hour-day and weekly-cap margins), supervisors
    (§III.K monthly verification, `month` required), schedule (§III.L, `member` required),
    fairness, unfilled, employers. Over `job=` (a finished solve job's roster) or `roster=` (a
    published roster, `version=` or its current one); `from`/`to` limit the days. JSON by default,
    the main table (or `table=`) as CSV with `format=csv` or `Accept: text/csv`."""
    data = uc.roster_data(services, principal, job=job, roster=roster, version=version)
    made = uc.make_report(
        data, kind.value, period=uc.period_of(first, last), member=member, month=uc.month_of(month), top=top
    )
    if _wants_csv(request, format):
        return Response(
            uc.report_csv(made, table),
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="{made.kind}.csv"'},
        )
    return ReportOut.model_validate(uc.report_document(made))


# --- payroll and invoices --------------------------------------------------------------------------


def _payroll(data: uc.RosterData, first: dt.date | None, last: dt.date | None, stem: str) -> Response:
    body = uc.payroll_csv(data, uc.period_of(first, last))
    return Response(
        body, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'}
    )


def _invoices(
    data: uc.RosterData,
    first: dt.date | None,
    last: dt.date | None,
    by: Literal["employer", "event"],
    employer: str | None,
    event: str | None,
    fmt: Literal["csv", "pdf"],
    issuer: str,
) -> Response:
    items = uc.invoices_of(data, uc.period_of(first, last), by=by, employer=employer, event=event)
    if fmt == "pdf":
        return Response(
            uc.invoice_pdf(items, issuer),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="invoice-{items[0].number}.pdf"'},
        )
    return Response(
        uc.invoices_csv(items),
        media_type=CSV,
        headers={"Content-Disposition": 'attachment; filename="invoices.csv"'},
    )


ByQ = Annotated[Literal["employer", "event"], Query(description="one invoice per employer or per event")]
EmployerQ = Annotated[str | None, Query(max_length=64, description="only this employer's invoice(s)")]
EventQ = Annotated[str | None, Query(max_length=128, description="only this event's invoice (by=event)")]
InvoiceFormatQ = Annotated[Literal["csv", "pdf"], Query(description="pdf: exactly one invoice")]
IssuerQ = Annotated[str, Query(max_length=200, description="the agency named on a PDF")]
_INVOICE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "every chosen invoice as CSV (invoice, employer, employer_name, then each invoice's "
        "lines, subtotal, fees and total), or one as PDF",
    }
}


def _version_data(services: Any, principal: Principal, roster_id: str, version: int | None) -> uc.RosterData:
    return uc.roster_data(services, principal, roster=roster_id, version=version)


@router.get(
    "/rosters/{roster_id}/payroll",
    response_class=Response,
    responses={**responses(404, 422), **_CSV_DOC},
    summary="The payroll CSV of a published roster",
)
def roster_payroll(
    roster_id: str,
    services: ServicesDep,
    principal: Caller,
    version: VersionQ = None,
    first: FromQ = None,
    last: ToQ = None,
) -> Response:
    """`offduty payroll`'s CSV: member, serial, name, event, employer, start, end, hours, rate, pay,
    position, event_name, employer_name; every cell quoted, formula-like cells escaped with `'`."""
    return _payroll(_version_data(services, principal, roster_id, version), first, last, "payroll")


@router.get(
    "/rosters/{roster_id}/invoice",
    response_class=Response,
    responses={**responses(404, 422), **_INVOICE_DOC},
    summary="Employer invoices of a published roster",
)
def roster_invoice(
    roster_id: str,
    services: ServicesDep,
    principal: Caller,
    version: VersionQ = None,
    first: FromQ = None,
    last: ToQ = None,
    by: ByQ = "employer",
    employer: EmployerQ = None,
    event: EventQ = None,
    format: InvoiceFormatQ = "csv",
    issuer: IssuerQ = "",
) -> Response:
    """Hours × rate per position plus the policy's fees, per employer (or per event)."""
    data = _version_data(services, principal, roster_id, version)
    return _invoices(data, first, last, by, employer, event, format, issuer)


@router.get(
    "/solve-jobs/{job_id}/payroll",
    response_class=Response,
    responses={**responses(404, 409, 422), **_CSV_DOC},
    summary="The payroll CSV of a finished solve job's roster",
)
def job_payroll(
    job_id: str, services: ServicesDep, principal: Caller, first: FromQ = None, last: ToQ = None
) -> Response:
    return _payroll(uc.roster_data(services, principal, job=job_id), first, last, "payroll")


@router.get(
    "/solve-jobs/{job_id}/invoice",
    response_class=Response,
    responses={**responses(404, 409, 422), **_INVOICE_DOC},
    summary="Employer invoices of a finished solve job's roster",
)
def job_invoice(
    job_id: str,
    services: ServicesDep,
    principal: Caller,
    first: FromQ = None,
    last: ToQ = None,
    by: ByQ = "employer",
    employer: EmployerQ = None,
    event: EventQ = None,
    format: InvoiceFormatQ = "csv",
    issuer: IssuerQ = "",
) -> Response:
    data = uc.roster_data(services, principal, job=job_id)
    return _invoices(data, first, last, by, employer, event, format, issuer)
