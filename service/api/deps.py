"""The API's dependencies (`Annotated`, as in FastAPI's full-stack template): the services and
the caller.

`Caller` authenticates a request by its bearer key (`Authorization: Bearer odk_...`) or, for
the web page, by the same key in the `offduty_key` cookie; both go through
`usecases.keys.authenticate`. Lookups are cached for `AUTH_CACHE_S` per server process, so a
revoked key stops working within that time. `Submitter` and `Admin` add the role checks.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from offduty.service.api.limits import RateLimiter
from offduty.service.api.problems import ApiProblem, rate_limited, unauthorized
from offduty.service.usecases.jobs import Services
from offduty.service.usecases.keys import Principal, Role, authenticate

COOKIE = "offduty_key"
AUTH_CACHE_S = 5.0

bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="odk_...",
    description="An API key from `offduty keys create` (or an admin's POST /keys).",
)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


class _AuthCache:
    def __init__(self) -> None:
        self.entries: dict[str, tuple[float, Principal | None]] = {}
        self.lock = threading.Lock()

    def lookup(self, services: Services, token: str) -> Principal | None:
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(token)
        if hit is not None and now - hit[0] < AUTH_CACHE_S:
            return hit[1]
        principal = authenticate(services.store, token)
        with self.lock:
            if len(self.entries) > 10_000:
                self.entries.clear()
            self.entries[token] = (now, principal)
        return principal


def caller(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else request.cookies.get(COOKIE)
    if not token:
        raise unauthorized("send an API key: Authorization: Bearer <key>")
    cache: _AuthCache = request.app.state.auth_cache
    principal = cache.lookup(services, token)
    if principal is None:
        raise unauthorized("the API key is unknown or revoked")
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.check(principal.key_id)
    if wait is not None:
        raise rate_limited(wait, f"this key may make {services.settings.rate_per_minute} requests a minute")
    return principal


Caller = Annotated[Principal, Depends(caller)]


def submitter(principal: Caller) -> Principal:
    if not principal.role.can_submit:
        raise ApiProblem(
            403,
            "forbidden",
            f"role {principal.role.value!r} cannot submit or cancel solves",
            slug="forbidden",
        )
    return principal


def admin(principal: Caller) -> Principal:
    if principal.role != Role.ADMIN:
        raise ApiProblem(403, "forbidden", "only an admin key may manage keys", slug="forbidden")
    return principal


Submitter = Annotated[Principal, Depends(submitter)]
Admin = Annotated[Principal, Depends(admin)]
