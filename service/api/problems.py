"""One error format for every answer that is not a success: RFC 9457 problem details
(`application/problem+json`) with `errors[]`, each naming a field path.

The use cases' errors map to statuses here: RequestProblem 422 (400 for a body that is not JSON),
NotFound 404, Forbidden 403, Conflict 409, TooManyJobs and RateLimited 429 with Retry-After,
Unauthorized 401, BodyTooLarge 413. Anything else is a bug: 500, logged, never the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from offduty.models.errors import Problem, format_path
from offduty.service.api.schemas import ProblemDetails
from offduty.service.usecases.jobs import Conflict, Forbidden, NotFound, RequestProblem, TooManyJobs

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A problem raised by the API layer itself (auth, limits)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        slug: str | None = None,
        errors: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.slug = status, title, detail, slug
        self.errors, self.headers = list(errors), headers or {}


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401,
        "authentication required",
        detail,
        slug="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="offduty"'},
    )


def rate_limited(retry_after: int, detail: str) -> ApiProblem:
    return ApiProblem(
        429, "too many requests", detail, slug="rate-limited", headers={"Retry-After": str(retry_after)}
    )


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ProblemDetails(
        type=f"urn:offduty:problem:{slug}" if slug else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def _items(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [p.to_dict() for p in problems]


def _validation_items(exc: RequestValidationError) -> tuple[bool, list[dict[str, str]]]:
    """(body is not JSON, items): FastAPI's locations as field paths (`body` and `query` dropped)."""
    malformed = False
    items = []
    for err in exc.errors():
        loc: tuple[Any, ...] = tuple(err.get("loc", ()))
        if err.get("type") == "json_invalid":
            malformed = True
            ctx = err.get("ctx") or {}
            items.append(
                {
                    "path": "",
                    "message": f"not valid JSON: {ctx.get('error', err.get('msg'))}",
                    "kind": "unreadable",
                }
            )
            continue
        where = loc[0] if loc else ""
        rest = loc[1:] if where in ("body", "query", "path", "header", "cookie") else loc
        path = format_path(tuple(p for p in rest if isinstance(p, str | int)))
        if where == "header":
            path = "-".join(w.capitalize() for w in str(path).split("-"))
        kind = "schema" if err.get("type") != "missing" else "missing"
        items.append({"path": path, "message": str(err.get("msg", "invalid")), "kind": kind})
    return malformed, items


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed, items = _validation_items(exc)
        if malformed:
            return problem_response(
                request,
                400,
                "the body is not valid JSON",
                items[0]["message"],
                slug="malformed-json",
                errors=items,
            )
        return problem_response(
            request,
            422,
            "the request is invalid",
            f"{len(items)} problem(s)",
            slug="invalid-request",
            errors=items,
        )

    @app.exception_handler(RequestProblem)
    async def _request_problem(request: Request, exc: RequestProblem) -> JSONResponse:
        return problem_response(
            request,
            422,
            exc.title,
            f"{len(exc.problems)} problem(s)",
            slug="invalid-request",
            errors=_items(exc.problems),
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem_response(request, 404, "not found", str(exc), slug="not-found")

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem_response(request, 403, "forbidden", str(exc), slug="forbidden")

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem_response(request, 409, "conflict", str(exc), slug="conflict")

    @app.exception_handler(TooManyJobs)
    async def _too_many(request: Request, exc: TooManyJobs) -> JSONResponse:
        return problem_response(
            request,
            429,
            "too many active jobs",
            str(exc),
            slug="too-many-jobs",
            headers={"Retry-After": str(exc.retry_after_s)},
        )

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = (
            HTTPStatus(exc.status_code).phrase.lower()
            if exc.status_code in HTTPStatus._value2member_map_
            else "error"
        )
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(
            request, exc.status_code, title, detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "internal error", "the error was logged", slug="internal")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem answers a route can give."""
    return {
        s: {
            "model": ProblemDetails,
            "description": HTTPStatus(s).phrase,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
        }
        for s in statuses
    }
