"""The coordinator's pages: login, jobs, new solve, a job (live and done), downloads, why not?,
comparisons, published rosters and their cancellations.

Every handler reads the session's principal, calls the use cases (`offduty.service.usecases`)
and renders a template; nothing here touches the solver or the store. Errors of the use cases
become pages with the right status (`WebRoute`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.datastructures import UploadFile

from offduty.models.errors import Problem, ProblemKind
from offduty.models.solution import Candidates
from offduty.service.settings import Settings
from offduty.service.usecases import assignments_csv, views
from offduty.service.usecases import jobs as uc
from offduty.service.usecases import published as pub
from offduty.service.usecases.keys import Principal
from offduty.service.usecases.variants import VariantError
from offduty.service.usecases.why_not import why_not
from offduty.service.web import charts
from offduty.service.web.session import (
    CSRF_FIELD,
    LoginRequired,
    TooManyLogins,
    WebForbidden,
    check_csrf,
    client_of,
    csrf_token,
    current,
    log_in,
    log_out,
    require,
    require_submitter,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(charts=charts, CSRF_FIELD=CSRF_FIELD)
STATES = [s.value for s in uc.JobState]
EVENT_POLL_S = 0.25
PAGE_SIZE = 20


def _age(at: dt.datetime | None) -> str:
    if at is None:
        return ""
    seconds = int((dt.datetime.now(dt.UTC) - at).total_seconds())
    if seconds < 90:
        return f"{max(0, seconds)} s"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def _gap(value: Any) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.2f} %"


def _number(value: float) -> str:
    """A whole number with separators (598 h, 43,194), else three significant decimals (0.447)."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.1f}"


templates.env.filters.update(age=_age, gap=_gap, number=_number)


class WebRoute(APIRoute):
    """Turns the use cases' errors into pages: login, 403, 404, 409, 422, 429."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
            except (WebForbidden, uc.Forbidden) as exc:
                return _error(request, 403, "Not allowed", str(exc))
            except uc.NotFound as exc:
                return _error(request, 404, "Not found", str(exc))
            except uc.Conflict as exc:
                return _error(request, 409, "Not possible now", str(exc))
            except uc.TooManyJobs as exc:
                return _error(request, 429, "Too many jobs", str(exc))
            except TooManyLogins as exc:
                response = _error(request, 429, "Too many failed logins", str(exc))
                response.headers["Retry-After"] = str(exc.retry_after)
                return response
            except uc.RequestProblem as exc:
                return _error(request, 422, exc.title, "", problems=exc.problems)

        return route


router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _services(request: Request) -> uc.Services:
    services: uc.Services = request.app.state.services
    return services


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    services = _services(request)
    principal = context.get("principal")
    if principal is None and "principal" not in context:
        principal = current(services, request)
    base = {"request": request, "principal": principal, "csrf": csrf_token(request)}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(
    request: Request, status: int, title: str, detail: str, problems: list[Problem] | None = None
) -> HTMLResponse:
    return _render(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail, "problems": problems or []},
        status,
    )


async def _principal(request: Request) -> Principal:
    return await run_in_threadpool(require, _services(request), request)


async def _form(request: Request) -> Any:
    await check_csrf(request)
    return await request.form()


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- login ---------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    await _principal(request)
    return _see("/jobs")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/jobs") -> Response:
    return _render(request, "login.html", {"next": _safe_next(next), "error": None, "principal": None})


def _safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no host, no //evil)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/jobs"
    return target


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    services = _services(request)
    limiter = request.app.state.login_limiter
    client = client_of(request)
    limiter.check(client)
    form = await _form(request)
    key = str(form.get("api_key") or "")
    target = _safe_next(str(form.get("next") or "/jobs"))
    principal = await run_in_threadpool(log_in, services, request, key) if key.strip() else None
    if principal is None:
        limiter.failed(client)
        return _render(
            request,
            "login.html",
            {"next": target, "error": "That API key is unknown or revoked.", "principal": None},
            401,
        )
    log.info("web login: key %s of %s", principal.key_id, principal.agency)
    return _see(target)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    log_out(request)
    return _see("/login")


# --- jobs ----------------------------------------------------------------------------------------


@router.get("/jobs", response_class=HTMLResponse)
async def jobs_page(request: Request, state: str = "", strategy: str = "", cursor: str = "") -> Response:
    principal = await _principal(request)
    services = _services(request)
    states = [uc.JobState(state)] if state in STATES else []
    wanted = strategy if strategy in _strategies() else ""
    items, next_cursor = await run_in_threadpool(
        views.job_page, services, principal, states, wanted or None, PAGE_SIZE, cursor or None
    )
    return _render(
        request,
        "jobs.html",
        {
            "principal": principal,
            "jobs": items,
            "next_cursor": next_cursor,
            "state": state if state in STATES else "",
            "strategy": wanted,
            "states": STATES,
            "strategies": _strategies(),
            "paged": bool(cursor),
        },
    )


def _strategies() -> list[str]:
    from offduty.service import usecases

    return list(usecases.STRATEGY_NAMES)


# --- new solve -----------------------------------------------------------------------------------

DEFAULTS = {
    "source": "demo",
    "seed": "1",
    "strategy": "seniority",
    "candidates": "all_eligible",
    "time_limit": "20",
    "allow_understaffed": "",
}


@router.get("/jobs/new", response_class=HTMLResponse)
async def new_job_page(request: Request) -> Response:
    principal = await _principal(request)
    return _new_form(request, principal, DEFAULTS, {})


def _new_form(
    request: Request,
    principal: Principal,
    values: dict[str, str],
    problems: dict[str, list[str]],
    status: int = 200,
    title: str = "",
) -> HTMLResponse:
    return _render(
        request,
        "new.html",
        {
            "principal": principal,
            "values": values,
            "problems": problems,
            "problem_title": title,
            "strategies": _strategies(),
            "candidates": [c.value for c in Candidates],
            "tables": views.importer_tables(),
        },
        status,
    )


async def _read_upload(value: Any) -> bytes | None:
    if isinstance(value, UploadFile) and value.filename:
        data = await value.read()
        return data if data else None
    return None


async def _instance_from_form(form: Any, settings: Settings) -> tuple[Any, list[Problem]]:
    """The instance document the form names (demo, JSON upload or the importer's CSV files)."""
    source = str(form.get("source") or "demo")
    if source == "demo":
        try:
            seed = int(str(form.get("seed") or "1"))
            if not 0 <= seed < 2**31:
                raise ValueError
        except ValueError:
            return None, [Problem("seed", "a whole number from 0 to 2147483647", ProblemKind.SCHEMA)]
        return await run_in_threadpool(views.demo_instance, seed), []
    if source == "json":
        data = await _read_upload(form.get("instance_file"))
        if data is None:
            return None, [Problem("instance_file", "choose an instance JSON file", ProblemKind.SCHEMA)]
        try:
            return json.loads(data), []
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, [Problem("instance_file", f"not a JSON document: {exc}", ProblemKind.UNREADABLE)]
    if source == "csv":
        files = {}
        for key, _ in views.importer_tables():
            data = await _read_upload(form.get(f"csv_{key}"))
            if data is not None:
                files[key] = data
        policy = await _read_upload(form.get("csv_policy"))
        try:
            return await run_in_threadpool(
                views.import_files, settings, files, str(form.get("name") or ""), policy
            ), []
        except uc.RequestProblem as exc:
            return None, [
                Problem(f"files.{p.path}" if not p.path.startswith("files") else p.path, p.message, p.kind)
                for p in exc.problems
            ]
        except ValueError as exc:
            return None, [Problem("files.policy", f"not a policy JSON: {exc}", ProblemKind.UNREADABLE)]
    return None, [Problem("source", "choose the demo, a JSON file or CSV files", ProblemKind.SCHEMA)]


def _options(form: Any) -> tuple[dict[str, Any], list[Problem]]:
    problems = []
    strategy = str(form.get("strategy") or "seniority")
    candidates = str(form.get("candidates") or "all_eligible")
    if candidates not in [c.value for c in Candidates]:
        problems.append(Problem("candidates", "all_eligible or applicants", ProblemKind.SCHEMA))
        candidates = "all_eligible"
    raw_limit = str(form.get("time_limit") or "").strip()
    limit: float | None = None
    if raw_limit:
        try:
            limit = float(raw_limit)
        except ValueError:
            problems.append(Problem("time_limit", "a number of seconds", ProblemKind.SCHEMA))
    return {
        "strategy": strategy,
        "candidates": Candidates(candidates),
        "time_limit": limit,
        "allow_understaffed": form.get("allow_understaffed") in ("on", "true", "1"),
    }, problems


def _values(form: Any) -> dict[str, str]:
    return {k: str(form.get(k) or "") for k in DEFAULTS} | {"name": str(form.get("name") or "")}


@router.post("/jobs/new", response_class=HTMLResponse)
async def submit_job(request: Request) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    values = _values(form)
    instance, problems = await _instance_from_form(form, _services(request).settings)
    options, more = _options(form)
    problems += more
    if problems:
        return _new_form(
            request, principal, values, views.problems_by_field(problems), 422, "the request is invalid"
        )
    request_ = uc.SolveRequest(instance=instance, **options)
    try:
        job, _ = await run_in_threadpool(uc.submit, _services(request), principal, request_)
    except uc.RequestProblem as exc:
        return _new_form(request, principal, values, views.problems_by_field(exc.problems), 422, exc.title)
    return _see(f"/jobs/{job.id}")


# --- one job -------------------------------------------------------------------------------------


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str) -> Response:
    principal = await _principal(request)
    services = _services(request)
    view = await run_in_threadpool(views.job_view, services, principal, job_id)
    context: dict[str, Any] = {"principal": principal, "job": view.job, "view": view}
    if view.result is not None and view.instance is not None and view.result.has_solution:
        context.update(await run_in_threadpool(_done_context, view))
    return _render(request, "job.html", context)


def _done_context(view: views.JobView) -> dict[str, Any]:
    assert view.result is not None and view.instance is not None
    fair = views.fairness(view.instance, view.result)
    return {
        "events": views.roster_by_event(view.instance, view.result),
        "timelines": views.timelines(view.instance, view.result),
        "fairness": fair,
        "members": views.instance_members(view.instance),
        "positions": views.instance_positions(view.instance),
    }


@router.get("/jobs/{job_id}/events")
async def job_events(request: Request, job_id: str) -> Response:
    """The job's events (state, progress, solution) as server-sent events, for the live chart."""
    principal = await _principal(request)
    services = _services(request)
    await run_in_threadpool(uc.get, services, principal, job_id)
    raw = request.headers.get("last-event-id") or "0"
    after = int(raw) if raw.isdigit() else 0
    return EventSourceResponse(_events(services, principal, job_id, after), ping=10)


async def _events(
    services: uc.Services, principal: Principal, job_id: str, after: int
) -> AsyncIterator[ServerSentEvent]:
    deadline = time.monotonic() + services.settings.sse_max_s
    finished = {s.value for s in uc.JobState if s.finished}
    while time.monotonic() < deadline:
        batch = await run_in_threadpool(uc.events, services, principal, job_id, after)
        if not batch:
            job = await run_in_threadpool(uc.get, services, principal, job_id)
            if job.state in finished:
                batch = await run_in_threadpool(uc.events, services, principal, job_id, after)
                if not batch:
                    return
        for event in batch:
            after = event.id
            yield ServerSentEvent(json.dumps(event.data), event=event.kind, id=str(event.id))
            if event.kind == "state" and event.data.get("state") in finished:
                return
        await asyncio.sleep(EVENT_POLL_S)


@router.post("/jobs/{job_id}/cancel")
async def cancel_job(request: Request, job_id: str) -> Response:
    principal = await _principal(request)
    await _form(request)
    require_submitter(principal)
    await run_in_threadpool(uc.cancel, _services(request), principal, job_id)
    return _see(f"/jobs/{job_id}")


async def _result(request: Request, job_id: str) -> tuple[Principal, views.JobView]:
    principal = await _principal(request)
    view = await run_in_threadpool(views.job_view, _services(request), principal, job_id)
    if view.result is None:
        raise uc.NotFound(f"job {job_id} has no roster yet ({view.job.state})")
    return principal, view


def _download(body: bytes | str, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/jobs/{job_id}/roster.csv")
async def download_csv(request: Request, job_id: str) -> Response:
    _, view = await _result(request, job_id)
    assert view.result is not None
    text = await run_in_threadpool(assignments_csv, view.result)
    return _download(text, "text/csv; charset=utf-8", f"{job_id}.csv")


@router.get("/jobs/{job_id}/solution.json")
async def download_json(request: Request, job_id: str) -> Response:
    _, view = await _result(request, job_id)
    assert view.result is not None
    return _download(view.result.model_dump_json(indent=1), "application/json", f"{job_id}.json")


@router.get("/jobs/{job_id}/payroll.csv")
async def download_payroll(request: Request, job_id: str) -> Response:
    _, view = await _result(request, job_id)
    assert view.result is not None
    if view.instance is None:
        raise uc.NotFound(f"job {job_id} has no input")
    data = await run_in_threadpool(views.payroll_csv, view.instance, view.result)
    return _download(data, "text/csv; charset=utf-8", f"{job_id}-payroll.csv")


@router.get("/jobs/{job_id}/why-not", response_class=HTMLResponse)
async def why_not_page(request: Request, job_id: str, member: str = "", position: str = "") -> Response:
    principal, view = await _result(request, job_id)
    assert view.result is not None
    if view.instance is None:
        raise uc.NotFound(f"job {job_id} has no input")
    answer, problems = None, []
    if member or position:
        try:
            answer = await run_in_threadpool(
                why_not, view.instance, view.result, member.strip(), position.strip()
            )
        except uc.RequestProblem as exc:
            problems = exc.problems
    return _render(
        request,
        "why_not.html",
        {
            "principal": principal,
            "job": view.job,
            "member": member,
            "position": position,
            "answer": answer,
            "problems": views.problems_by_field(problems),
            "members": views.instance_members(view.instance),
            "positions": views.instance_positions(view.instance),
        },
        422 if problems else 200,
    )


@router.post("/jobs/{job_id}/publish")
async def publish_job(request: Request, job_id: str) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    name = str(form.get("name") or "").strip()[:200] or None
    roster, _ = await run_in_threadpool(lambda: pub.publish(_services(request), principal, job_id, name=name))
    return _see(f"/rosters/{roster.id}")


# --- comparisons ----------------------------------------------------------------------------------


@router.get("/compare", response_class=HTMLResponse)
async def compare_page(request: Request) -> Response:
    principal = await _principal(request)
    recent = await run_in_threadpool(views.agency_comparisons, _services(request), principal)
    return _compare_form(
        request, principal, {**DEFAULTS, "strategies": ["seniority", "hours"], "variants": ""}, {}, recent
    )


def _compare_form(
    request: Request,
    principal: Principal,
    values: dict[str, Any],
    problems: dict[str, list[str]],
    recent: list[Any],
    status: int = 200,
) -> HTMLResponse:
    return _render(
        request,
        "compare.html",
        {
            "principal": principal,
            "values": values,
            "problems": problems,
            "recent": recent,
            "strategies": _strategies(),
            "candidates": [c.value for c in Candidates],
            "tables": views.importer_tables(),
        },
        status,
    )


@router.post("/compare", response_class=HTMLResponse)
async def start_comparison(request: Request) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    values: dict[str, Any] = _values(form)
    values["strategies"] = [str(s) for s in form.getlist("strategies")]
    values["variants"] = str(form.get("variants") or "")
    instance, problems = await _instance_from_form(form, _services(request).settings)
    options, more = _options(form)
    problems += more
    variants = [line.strip() for line in values["variants"].splitlines() if line.strip()]
    services = _services(request)
    if not problems:
        req = uc.ComparisonRequest(
            instance=instance,
            strategies=values["strategies"],
            variants=variants,
            candidates=options["candidates"],
            time_limit=options["time_limit"],
            allow_understaffed=options["allow_understaffed"],
        )
        try:
            comparison = await run_in_threadpool(uc.compare, services, principal, req)
            return _see(f"/compare/{comparison.id}")
        except uc.RequestProblem as exc:
            problems = exc.problems
        except VariantError as exc:
            problems = [Problem("variants", str(exc), ProblemKind.POLICY)]
    recent = await run_in_threadpool(views.agency_comparisons, services, principal)
    return _compare_form(request, principal, values, views.problems_by_field(problems), recent, 422)


@router.get("/compare/{comparison_id}", response_class=HTMLResponse)
async def comparison_page(request: Request, comparison_id: str) -> Response:
    principal = await _principal(request)
    services = _services(request)
    comparison = await run_in_threadpool(uc.get_comparison, services, principal, comparison_id)
    jobs = [await run_in_threadpool(uc.get, services, principal, j) for j in comparison.job_ids]
    labels, changes, sorted_hours = await run_in_threadpool(
        views.comparison_members, services, principal, comparison
    )
    curves = []
    for label in labels:
        hours = sorted_hours[label]
        n, total = len(hours), sum(hours) or 1.0
        running, points = 0.0, [(0.0, 0.0)]
        step = max(1, n // 60)
        for i, h in enumerate(hours):
            running += h
            if i % step == 0 or i == n - 1:
                points.append(((i + 1) / n, running / total))
        curves.append((label, points))
    worked = [
        (label, [(float(i), h) for i, h in enumerate(x for x in reversed(sorted_hours[label]) if x > 0)])
        for label in labels
    ]
    return _render(
        request,
        "comparison.html",
        {
            "principal": principal,
            "comparison": comparison,
            "jobs": jobs,
            "labels": labels,
            "changes": changes,
            "lorenz": curves,
            "worked": worked,
            "running": comparison.table is None,
        },
    )


# --- published rosters and cancellations -----------------------------------------------------------------


@router.get("/rosters", response_class=HTMLResponse)
async def rosters_page(request: Request) -> Response:
    principal = await _principal(request)
    rosters = await run_in_threadpool(pub.list_rosters, _services(request), principal)
    return _render(request, "rosters.html", {"principal": principal, "rosters": rosters})


@router.get("/rosters/{roster_id}", response_class=HTMLResponse)
async def roster_page(request: Request, roster_id: str, message: str = "") -> Response:
    principal = await _principal(request)
    services = _services(request)

    def read() -> dict[str, Any]:
        roster, version = pub.current(services, principal, roster_id)
        history = pub.versions(services, principal, roster_id)
        cancellations = pub.cancellations(services, principal, roster_id)
        return {
            "roster": roster,
            "version": version,
            "history": list(reversed(history)),
            "cancellations": cancellations,
            "pending": [c for c in cancellations if c.pending],
            "vacated": views.vacated_positions(roster.instance, version.assignments),
            "assignments": version.assignments,
            "report": views.report_lines(version.report),
        }

    context = await run_in_threadpool(read)
    return _render(request, "roster.html", {"principal": principal, "message": message[:200], **context})


@router.post("/rosters/{roster_id}/cancellations")
async def request_cancellation(request: Request, roster_id: str) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    member, position = (str(form.get(k) or "").strip() for k in ("member", "position"))
    at_raw = str(form.get("at") or "").strip()
    at = None
    if at_raw:
        try:
            at = dt.datetime.fromisoformat(at_raw)
            if at.tzinfo is None:
                raise ValueError
        except ValueError:
            raise uc.RequestProblem(
                [
                    Problem(
                        "at",
                        "a time with its UTC offset, e.g. 2026-09-11T09:00-05:00",
                        ProblemKind.NAIVE_TIME,
                    )
                ]
            ) from None
    reason = str(form.get("reason") or "").strip() or None
    comment = str(form.get("comment") or "").strip() or None
    record, _ = await run_in_threadpool(
        lambda: pub.request_cancellation(
            _services(request),
            principal,
            roster_id,
            member=member,
            position=position,
            at=at,
            reason=reason,
            comment=comment,
        )
    )
    return _see(
        f"/rosters/{roster_id}?{urlencode({'message': f'cancellation {record.id}: {record.status}'})}"
    )


@router.post("/rosters/{roster_id}/cancellations/{cancellation_id}/{decision}")
async def decide(request: Request, roster_id: str, cancellation_id: str, decision: str) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    if decision not in ("approve", "deny"):
        raise uc.NotFound(f"no decision {decision!r}")
    note = str(form.get("note") or "").strip()[:2000] or None
    record, _ = await run_in_threadpool(
        lambda: pub.decide(
            _services(request),
            principal,
            roster_id,
            cancellation_id,
            approve=decision == "approve",
            note=note,
        )
    )
    return _see(
        f"/rosters/{roster_id}?{urlencode({'message': f'cancellation {record.id}: {record.status}'})}"
    )


@router.post("/rosters/{roster_id}/refill")
async def refill(request: Request, roster_id: str) -> Response:
    principal = await _principal(request)
    form = await _form(request)
    require_submitter(principal)
    freeze = form.get("freeze") in ("on", "true", "1")
    made = await run_in_threadpool(
        lambda: pub.refill(
            _services(request), principal, roster_id, freeze=freeze, max_changes=None, time_limit=None
        )
    )
    return _see(f"/rosters/{roster_id}?{urlencode({'message': f'refilled: version {made.number}'})}")
