from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offduty.service.api import create_app
from offduty.service.settings import Settings
from offduty.service.usecases import jobs, keys


@dataclass
class ApiWorld:
    """An app on SQLite without workers (jobs stay queued unless a test runs them) and keys."""

    client: TestClient
    services: jobs.Services
    tokens: dict[tuple[str, str], str]  # (role, agency) -> token

    def headers(self, role: str = "coordinator", agency: str = "kcpd") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(role, agency)]}"}

    def submit(self, instance: dict[str, Any], **options: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/v1/solve-jobs", json={"instance": instance, **options}, headers=self.headers()
        )
        assert response.status_code == 202, response.text
        return dict(response.json())

    def run(self, job_id: str) -> None:
        job = self.services.store.claim(job_id, "test")
        assert job is not None
        jobs.run(self.services, job_id, job.attempts, threading.Event())


def make_world(tmp_path: Path, **settings: Any) -> Iterator[ApiWorld]:
    config = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}", **settings)
    app = create_app(config, run_workers=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        services: jobs.Services = app.state.services
        tokens = {
            (role.value, agency): keys.create_key(services.store, role, agency).token
            for role in keys.Role
            for agency in ("kcpd", "other")
        }
        yield ApiWorld(client, services, tokens)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ApiWorld]:
    yield from make_world(tmp_path, max_body_bytes=200_000, max_members=100, max_time_limit=60)
