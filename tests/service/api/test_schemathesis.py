"""Schemathesis against the OpenAPI schema: generated requests (valid and invalid) never get a
5xx, and every answer matches the schema (status codes, content types, bodies, headers).

Bounded: a few examples per operation (HYPOTHESIS settings below), the app in process on SQLite
without workers, an event stream capped at a second."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from offduty.service.api import create_app
from offduty.service.settings import Settings
from offduty.service.usecases import keys

TOKEN: dict[str, str] = {}
SEEN: list[tuple[str, int]] = []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = Path(tmp_path_factory.mktemp("schemathesis")) / "api.db"
    app = create_app(
        Settings(
            database_url=f"sqlite:///{db}",
            sse_max_s=1.0,
            rate_per_minute=100_000,
            max_active_jobs_per_key=10_000,
        ),
        run_workers=False,
    )
    with TestClient(app):  # runs the lifespan: migrations
        TOKEN["admin"] = keys.create_key(app.state.services.store, "admin", "kcpd").token
        yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
#: Valid requests, then requests the schema forbids (those must be refused with a 4xx, not a 5xx).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
SETTINGS = settings(
    max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _checker(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> Any:
    @given(case=operation.as_strategy(generation_mode=mode))
    @SETTINGS
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        SEEN.append((operation.label, response.status_code))

    return check


def test_the_api_keeps_its_schema(api_schema: Any) -> None:
    """Each operation in turn (schemathesis's pytest plugin needs the schema at collection time;
    here the app lives in a fixture)."""
    headers = {"Authorization": f"Bearer {TOKEN['admin']}"}
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation, mode in itertools.product(operations, MODES):
        check = _checker(operation, mode, headers)
        try:
            check()
        except Unsatisfiable:  # an operation without parameters has no invalid request
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label} ({mode.value} data): {exc}")
    assert not failures, "\n\n".join(failures)
    assert {status for _, status in SEEN} >= {200, 202, 404, 422}
