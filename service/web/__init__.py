"""The coordinator's web page, served by the API's FastAPI app (docs/web.md).

Server-rendered Jinja2 with a little HTMX and uPlot (static files shipped in the package, no
build step); every page reads without JavaScript. The pages call the use cases only.

    install(app, settings)   # done by create_app: the session middleware, the pages, /static
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from offduty.service.settings import Settings
from offduty.service.web.session import COOKIE, LoginLimiter, session_secret

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    from offduty.service.web.pages import router

    app.state.login_limiter = LoginLimiter(settings.login_attempts_per_minute)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.session_https_only,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(router)


__all__ = ["install"]
