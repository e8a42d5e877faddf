"""The web page's fixtures: an app on SQLite (no workers: tests run jobs inline), a logged-in
client per role and agency, and the CSRF token of a page."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from offduty.service.api import create_app
from offduty.service.settings import Settings
from offduty.service.usecases import jobs, keys

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE = "https://testserver"  # the session cookie is Secure


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html[:2000]
    return found.group(1)


@dataclass
class WebWorld:
    app: object
    services: jobs.Services
    tokens: dict[tuple[str, str], str]

    def client(self) -> TestClient:
        return TestClient(self.app, base_url=BASE, raise_server_exceptions=True)  # type: ignore[arg-type]

    def login(self, role: str = "coordinator", agency: str = "kcpd") -> TestClient:
        client = self.client()
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"csrf_token": csrf_of(page.text), "api_key": self.tokens[(role, agency)], "next": "/jobs"},
        )
        assert response.status_code == 200 and str(response.url).endswith("/jobs"), response.text[:500]
        return client

    def run(self, job_id: str) -> None:
        job = self.services.store.claim(job_id, "test")
        assert job is not None
        jobs.run(self.services, job_id, job.attempts, threading.Event())


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    path: Path = tmp_path_factory.mktemp("web")
    settings = Settings(
        database_url=f"sqlite:///{path / 'web.db'}",
        session_secret="test-secret-" + "x" * 32,
        login_attempts_per_minute=5,
        max_active_jobs_per_key=50,
    )
    app = create_app(settings, run_workers=False)
    with TestClient(app, base_url=BASE):
        services: jobs.Services = app.state.services
        tokens = {
            (role.value, agency): keys.create_key(services.store, role, agency).token
            for role in keys.Role
            for agency in ("kcpd", "other")
        }
        yield WebWorld(app, services, tokens)
