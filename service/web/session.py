"""The web page's session: login with an API key, a signed cookie, CSRF tokens, login limits.

The session cookie (`offduty_session`, Starlette's SessionMiddleware: signed with itsdangerous,
HTTP-only, SameSite=Lax, Secure unless `session_https_only` is off) holds the key's id, agency
and role and a CSRF token; never the key itself. Every request checks that the key is still
live (`keys.principal_of_key`), so a revoked key ends its sessions.

Every POST carries the session's CSRF token in the form field `csrf_token` (or the header
`X-CSRF-Token`); without it, or with another, the answer is 403.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

import platformdirs
from fastapi import Request

from offduty.service.settings import Settings
from offduty.service.usecases.jobs import Services
from offduty.service.usecases.keys import Principal, authenticate, principal_of_key

log = logging.getLogger(__name__)

COOKIE = "offduty_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_FILE = "session-secret"


class WebForbidden(Exception):
    """403: a forged or unauthorized POST (no CSRF token, or a role that may not do it)."""


class LoginRequired(Exception):
    """No live session: to the login page."""


class TooManyLogins(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} s")


def session_secret(settings: Settings) -> str:
    """The secret that signs session cookies: the setting, else one made once per install."""
    if settings.session_secret:
        return settings.session_secret
    folder = Path(platformdirs.user_data_dir("offduty", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):  # another process may be writing it this instant
            secret = path.read_text(encoding="utf-8").strip()
            if len(secret) >= 32:
                return secret
            time.sleep(0.02)
        log.warning("%s holds no usable secret; making a new one", path)
        path.unlink(missing_ok=True)
        return session_secret(settings)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        secret = secrets.token_urlsafe(48)
        handle.write(secret)
    log.info("made a session secret for the web page in %s", path)
    return secret


class LoginLimiter:
    """Failed logins per client address in a sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self.failures.setdefault(client, deque())
        while seen and now - seen[0] > 60:
            seen.popleft()
        return seen

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            seen = self._recent(client, now)
            if len(seen) >= self.per_minute:
                raise TooManyLogins(max(1, int(60 - (now - seen[0])) + 1))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            if len(self.failures) > 10_000:
                self.failures.clear()
            self._recent(client, now).append(now)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """403 unless the POST carries the session's CSRF token."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise WebForbidden("the form is stale or forged (no valid CSRF token): reload the page and try again")


def log_in(services: Services, request: Request, token: str) -> Principal | None:
    """Start a session for a live key; None for an unknown or revoked one."""
    principal = authenticate(services.store, token.strip())
    if principal is None:
        return None
    request.session.clear()
    request.session.update({"key": principal.key_id, "agency": principal.agency, "at": int(time.time())})
    csrf_token(request)
    return principal


def log_out(request: Request) -> None:
    request.session.clear()


def current(services: Services, request: Request) -> Principal | None:
    """The session's principal while its key is live and the session young enough."""
    key_id, agency, at = (request.session.get(k) for k in ("key", "agency", "at"))
    if not isinstance(key_id, str) or not isinstance(agency, str) or not isinstance(at, int):
        return None
    if time.time() - at > services.settings.session_max_age_s:
        request.session.clear()
        return None
    principal = principal_of_key(services.store, key_id, agency)
    if principal is None:
        request.session.clear()
    return principal


def require(services: Services, request: Request) -> Principal:
    principal = current(services, request)
    if principal is None:
        raise LoginRequired
    return principal


def require_submitter(principal: Principal) -> None:
    if not principal.role.can_submit:
        raise WebForbidden(f"a {principal.role.value} key may look but not submit, cancel or decide")
