"""Data in and out through the service: CSV/XLSX uploads to an instance, reports, payroll and
invoices over a solve job's roster or a published roster's version.

The rules are `service.io`'s and `service.reports`' (the CLI's `import`, `payroll`, `invoice` and
`report` call the same functions on files); this module reads what the store holds, checks access
(another agency's job or roster is NotFound), checks the limits, and hands back plain data.

    instance = import_upload(settings, {"members": Upload("members.csv", data), ...}, tz="America/Chicago")
    source = roster_data(services, principal, job=job_id)          # or roster=..., version=...
    report = make_report(source, "hours", period=Period(first, last))
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from offduty.models.errors import Problem, ProblemKind
from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.errors import RowError
from offduty.service.io.roster import Period
from offduty.service.settings import Settings
from offduty.service.usecases.jobs import (
    Conflict,
    RequestProblem,
    Services,
    check_size,
)
from offduty.service.usecases.keys import Principal

if TYPE_CHECKING:
    import pandas as pd

    from offduty.service.io.invoices import Invoice
    from offduty.service.reports.base import Report

#: The report kinds of `offduty report KIND`, in its order.
REPORT_KINDS = ("hours", "supervisors", "schedule", "fairness", "unfilled", "employers")
ReportKind = Literal["hours", "supervisors", "schedule", "fairness", "unfilled", "employers"]


# --- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name it had on the client (shown in row errors) and its bytes."""

    name: str
    data: bytes


class ImportRejected(ValueError):
    """The files do not make an instance: every row error of every file (nothing is kept)."""

    def __init__(self, errors: list[RowError], title: str = "the files do not make a valid instance") -> None:
        self.errors, self.title = errors, title
        super().__init__(f"{title}: {len(errors)} problem(s)")


class UploadTooLarge(ValueError):
    """One file over `Settings.max_upload_file_bytes` (the whole body is capped by
    `max_body_bytes` before it is read)."""

    def __init__(self, field_name: str, file_name: str, size: int, limit: int) -> None:
        self.field, self.file_name, self.size, self.limit = field_name, file_name, size, limit
        super().__init__(
            f"{field_name} ({file_name}) is {size:,} bytes; the limit per file is {limit:,} bytes"
        )


def check_upload_size(settings: Settings, field_name: str, upload: Upload) -> None:
    if len(upload.data) > settings.max_upload_file_bytes:
        raise UploadTooLarge(field_name, upload.name, len(upload.data), settings.max_upload_file_bytes)


def import_upload(
    settings: Settings,
    files: Mapping[str, Upload],
    *,
    policy: Upload | None = None,
    tz: str | None = None,
    name: str = "",
    ignore_extra_columns: bool = False,
) -> Instance:
    """The validated instance the files make (what `offduty import` writes), or ImportRejected
    with every problem of every file; UploadTooLarge for a file over the limit; RequestProblem
    when the instance exceeds the service's size caps. Nothing is stored."""
    from offduty.service.io.importer import import_instance
    from offduty.service.io.readers import Source
    from offduty.service.io.schema import REQUIRED_TABLES, TABLES

    for key, upload in files.items():
        if key not in TABLES:
            raise RequestProblem(
                [Problem(key, f"not an input file (one of {', '.join(TABLES)})", ProblemKind.SCHEMA)]
            )
        check_upload_size(settings, key, upload)
    if policy is not None:
        check_upload_size(settings, "policy", policy)
    missing = [k for k in REQUIRED_TABLES if k not in files]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    k,
                    None,
                    None,
                    f"missing file: upload {k}.csv (or .xlsx) as the form field {k!r}",
                    ProblemKind.UNREADABLE,
                )
                for k in missing
            ],
            "input files are missing",
        )
    result = import_instance(
        {k: Source(u.name or f"{k}.csv", u.data) for k, u in files.items()},
        policy=Source(policy.name or "policy.json", policy.data) if policy is not None else None,
        tz=tz,
        name=name,
        ignore_extra_columns=ignore_extra_columns,
    )
    if result.instance is None:
        raise ImportRejected([_api_names(e) for e in result.errors])
    problems = check_size(settings, result.instance.model_dump(mode="json"), "instance")
    if problems:
        raise RequestProblem(problems, "the instance is too large")
    return result.instance


def _api_names(error: RowError) -> RowError:
    """The importer names the CLI's option for a bad time zone; the API's field is `tz`."""
    if error.file == "--tz":
        return RowError("tz", error.row, error.column, error.message, error.kind, error.letter)
    return error


def row_error_item(error: RowError) -> dict[str, Any]:
    """A row error as an item of the problem details' `errors`: `path` (file, row, column, as the
    other routes' field paths) and the parts apart."""
    path = error.file
    if error.row is not None:
        path += f"[{error.row}]"
    if error.column is not None:
        path += f".{error.column}"
    return {"path": path, **error.to_dict()}


# --- the roster a report or an export is made of ---------------------------------------------------


@dataclass(frozen=True)
class RosterData:
    """An instance and a roster of it: a solve job's final solution, or a roster version."""

    instance: Instance
    solution: Solution
    label: str
    strategy: str


def roster_data(
    services: Services,
    principal: Principal,
    *,
    job: str | None = None,
    roster: str | None = None,
    version: int | None = None,
) -> RosterData:
    """The roster of a finished solve job (`job`), or of a published roster (`roster`, its
    current version unless `version`). Exactly one of the two; any role of the agency may read."""
    if (job is None) == (roster is None):
        raise RequestProblem(
            [
                Problem(
                    "job" if job is None else "roster",
                    "give exactly one of job (a solve job's id) and roster (a published roster's id)",
                    ProblemKind.SCHEMA,
                )
            ],
            "which roster?",
        )
    if job is not None:
        if version is not None:
            raise RequestProblem(
                [Problem("version", "a version is a published roster's; give roster=...", ProblemKind.SCHEMA)]
            )
        return _job_data(services, principal, job)
    assert roster is not None
    return _roster_data(services, principal, roster, version)


def _job_data(services: Services, principal: Principal, job_id: str) -> RosterData:
    from offduty.service.usecases.jobs import get as get_job
    from offduty.service.usecases.loading import load
    from offduty.solver import Result

    record = get_job(services, principal, job_id)
    found = services.store.solution(job_id)
    document = services.store.job_input(job_id)
    if found is None or not found.final or document is None:
        raise Conflict(f"job {job_id} has no final roster ({record.state})")
    result = Result.model_validate_json(found.document)
    if not result.has_solution:
        raise Conflict(f"job {job_id} ended {result.status.value}: no roster")
    instance = load(json.loads(document))
    solution = Solution.model_validate(result.model_dump(mode="json"))
    return RosterData(instance, solution, f"solve job {job_id}", result.strategy)


def _roster_data(services: Services, principal: Principal, roster_id: str, number: int | None) -> RosterData:
    from offduty.service.usecases import published
    from offduty.service.usecases.roster_files import roster_document

    record = published.get(services, principal, roster_id)
    chosen = published.version(services, principal, roster_id, number or record.current_version)
    instance = published.instance_of(record)
    solution = roster_document(instance, chosen.assignments, strategy=record.strategy)
    return RosterData(instance, solution, f"roster {record.name} version {chosen.number}", record.strategy)


# --- reports ---------------------------------------------------------------------------------------


def make_report(
    data: RosterData,
    kind: str,
    *,
    period: Period | None = None,
    member: str | None = None,
    month: str | None = None,
    top: int = 20,
) -> Report:
    """The report `kind` (REPORT_KINDS) over the roster. RequestProblem naming the parameter for a
    missing or bad one (`member` for schedule, `month` for supervisors)."""
    from offduty.service.reports.base import ReportError

    period = period or Period()
    instance, solution = data.instance, data.solution
    try:
        if kind == "hours":
            from offduty.service.reports.hours import hours_report

            return hours_report(instance, solution, period)
        if kind == "supervisors":
            from offduty.service.reports.supervisors import supervisor_report

            if month is None:
                raise _param(
                    "month", "required for the supervisors report: the month to verify, e.g. 2026-09"
                )
            return supervisor_report(instance, solution, Period.month(month))
        if kind == "schedule":
            from offduty.service.reports.schedule import schedule_report

            if member is None:
                raise _param("member", "required for the schedule report: a member id")
            if member not in {m.id for m in instance.members}:
                raise _param("member", f"no member with id {member!r} in {data.label}")
            return schedule_report(instance, solution, member, period)
        if kind == "fairness":
            from offduty.service.reports.fairness import fairness_report

            return fairness_report(instance, [(data.strategy, solution)], period)
        if kind == "unfilled":
            from offduty.service.reports.unfilled import unfilled_report

            return unfilled_report(instance, solution, period)
        if kind == "employers":
            from offduty.service.reports.employers import employers_report

            return employers_report(instance, solution, period, top)
    except ReportError as exc:
        raise _param({"schedule": "member", "supervisors": "month"}.get(kind, "kind"), str(exc)) from None
    raise _param("kind", f"no report {kind!r} (one of {', '.join(REPORT_KINDS)})")


def _param(name: str, message: str) -> RequestProblem:
    return RequestProblem([Problem(name, message, ProblemKind.SCHEMA)], "the report cannot be made as asked")


def period_of(first: dt.date | None, last: dt.date | None) -> Period:
    if first is not None and last is not None and last < first:
        raise RequestProblem([Problem("to", f"{last} is before from ({first})", ProblemKind.TIME_ORDER)])
    return Period(first, last)


def month_of(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise _param("month", f"{text!r} is not a month (write 2026-09)") from None
    return text


@dataclass
class TableData:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _value(value: Any) -> Any:
    """A table cell as JSON: money as a number of cents precision, times as ISO text."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def table_data(frame: pd.DataFrame) -> TableData:
    columns = [str(c) for c in frame.columns]
    rows = [
        {c: _value(v) for c, v in zip(columns, row, strict=True)} for row in frame.itertuples(index=False)
    ]
    return TableData(columns, rows)


def report_document(report: Report) -> dict[str, Any]:
    """The report as JSON: title, summary lines, totals, the main table and the extra ones."""
    main = table_data(report.table)
    return {
        "kind": report.kind,
        "title": report.title,
        "summary": list(report.summary),
        "totals": {k: _value(v) for k, v in report.totals.items()},
        "columns": main.columns,
        "rows": main.rows,
        "tables": {
            name: {"columns": t.columns, "rows": t.rows}
            for name, t in ((n, table_data(f)) for n, f in report.extra.items())
        },
    }


def report_csv(report: Report, table: str | None = None) -> bytes:
    """The main table (or the extra table `table`) as CSV, cells escaped against formulas."""
    from offduty.service.reports.base import frame_csv

    if table is None:
        return frame_csv(report.table)
    if table not in report.extra:
        names = ", ".join(report.extra) or "none"
        raise _param("table", f"the {report.kind} report has no table {table!r} (its tables: {names})")
    return frame_csv(report.extra[table])


# --- payroll and invoices --------------------------------------------------------------------------


def payroll_csv(data: RosterData, period: Period | None = None) -> bytes:
    """The payroll CSV of `offduty payroll` (every cell quoted and escaped against formulas)."""
    from offduty.service.io.payroll import payroll_csv as render
    from offduty.service.io.payroll import payroll_frame

    return render(payroll_frame(data.instance, data.solution, period))


def invoices_of(
    data: RosterData,
    period: Period | None = None,
    *,
    by: Literal["employer", "event"] = "employer",
    employer: str | None = None,
    event: str | None = None,
) -> list[Invoice]:
    """The invoices of `offduty invoice`, optionally those of one employer or one event."""
    from offduty.service.io.invoices import invoices

    if employer is not None and employer not in {e.id for e in data.instance.employers}:
        raise RequestProblem(
            [
                Problem(
                    "employer",
                    f"no employer with id {employer!r} in {data.label}",
                    ProblemKind.DANGLING_REFERENCE,
                )
            ]
        )
    if event is not None and event not in {e.id for e in data.instance.events}:
        raise RequestProblem(
            [Problem("event", f"no event with id {event!r} in {data.label}", ProblemKind.DANGLING_REFERENCE)]
        )
    items = invoices(data.instance, data.solution, period, by=by)
    if employer is not None:
        items = [i for i in items if i.employer == employer]
    if event is not None:
        if by != "event":
            raise RequestProblem([Problem("event", "an event's invoice needs by=event", ProblemKind.SCHEMA)])
        items = [i for i in items if i.event == event]
    return items


#: The invoices CSV: each invoice's rows (lines, subtotal, fees, total) after its number and employer.
INVOICES_COLUMNS = ["invoice", "employer", "employer_name"]


def invoices_csv(items: list[Invoice]) -> bytes:
    """Every invoice in one CSV: `invoice`, `employer`, `employer_name`, then the columns of one
    invoice's CSV (`section` line/subtotal/fee/total ... `amount`); cells escaped."""
    from offduty.service.io.cells import escape_formula
    from offduty.service.io.exporter import csv_bytes
    from offduty.service.io.invoices import CSV_COLUMNS, invoice_rows

    rows = [[i.number, i.employer, i.employer_name, *row] for i in items for row in invoice_rows(i)]
    return csv_bytes([*INVOICES_COLUMNS, *CSV_COLUMNS], rows, quote_all=True, escape=escape_formula)


def invoice_pdf(items: list[Invoice], issuer: str = "") -> bytes:
    """One invoice as PDF; RequestProblem unless exactly one invoice was chosen."""
    from offduty.service.io.invoices import invoice_pdf as render

    if len(items) != 1:
        raise RequestProblem(
            [
                Problem(
                    "format",
                    f"a PDF holds one invoice and {len(items)} were chosen: give employer= "
                    "(or by=event and event=)",
                    ProblemKind.SCHEMA,
                )
            ]
        )
    return render(items[0], issuer)
