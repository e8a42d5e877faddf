"""The authorization matrix: every endpoint × role × the resource's agency or another; without a
key, with a wrong or revoked key → 401. Health needs no key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.api.conftest import ApiWorld, make_world
from tests.service.conftest import TINY

ROLES = ("admin", "coordinator", "viewer")
AGENCIES = ("kcpd", "other")  # the resources belong to kcpd


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiWorld, dict[str, str]]]:
    for world in make_world(Path(tmp_path_factory.mktemp("authz"))):
        done = world.submit(TINY, time_limit=10)
        world.run(done["id"])
        comparison = world.client.post(
            "/api/v1/comparisons", json={"instance": TINY, "time_limit": 5}, headers=world.headers()
        )
        assert comparison.status_code == 202, comparison.text
        yield world, {"job": done["id"], "comparison": comparison.json()["id"]}


def fresh_job(world: ApiWorld) -> str:
    return str(world.submit(TINY)["id"])


# (method, path template, body, expected for an own-agency caller by role, expected for another agency)
SUBMIT = {"instance": TINY, "time_limit": 5}
ENDPOINTS: list[tuple[str, str, Any, dict[str, int], dict[str, int]]] = [
    (
        "POST",
        "/solve-jobs",
        SUBMIT,
        {"admin": 202, "coordinator": 202, "viewer": 403},
        {"admin": 202, "coordinator": 202, "viewer": 403},
    ),
    ("GET", "/solve-jobs", None, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 200)),
    ("GET", "/solve-jobs/{job}", None, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 404)),
    ("GET", "/solve-jobs/{job}/solution", None, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 404)),
    ("GET", "/solve-jobs/{job}/events", None, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 404)),
    (
        "DELETE",
        "/solve-jobs/{fresh}",
        None,
        {"admin": 202, "coordinator": 202, "viewer": 403},
        {"admin": 404, "coordinator": 404, "viewer": 403},
    ),
    (
        "POST",
        "/comparisons",
        {"instance": TINY, "time_limit": 5},
        {"admin": 202, "coordinator": 202, "viewer": 403},
        {"admin": 202, "coordinator": 202, "viewer": 403},
    ),
    ("GET", "/comparisons/{comparison}", None, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 404)),
    ("POST", "/validate", {"instance": TINY}, dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 200)),
    (
        "GET",
        "/keys",
        None,
        {"admin": 200, "coordinator": 403, "viewer": 403},
        {"admin": 200, "coordinator": 403, "viewer": 403},
    ),
    (
        "POST",
        "/keys",
        {"role": "viewer"},
        {"admin": 201, "coordinator": 403, "viewer": 403},
        {"admin": 201, "coordinator": 403, "viewer": 403},
    ),
    (
        "DELETE",
        "/keys/{key}",
        None,
        {"admin": 200, "coordinator": 403, "viewer": 403},
        {"admin": 404, "coordinator": 403, "viewer": 403},
    ),
]


def _path(world: ApiWorld, ids: dict[str, str], template: str) -> str:
    values = {"job": ids["job"], "comparison": ids["comparison"]}
    if "{fresh}" in template:
        values["fresh"] = fresh_job(world)
    if "{key}" in template:
        created = world.client.post(
            "/api/v1/keys", json={"role": "viewer", "name": "to revoke"}, headers=world.headers("admin")
        )
        values["key"] = created.json()["id"]
    return "/api/v1" + template.format(**values)


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "body", "own", "other"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
def test_matrix(
    shared: tuple[ApiWorld, dict[str, str]],
    method: str,
    template: str,
    body: Any,
    own: dict[str, int],
    other: dict[str, int],
    role: str,
    agency: str,
) -> None:
    world, ids = shared
    path = _path(world, ids, template)
    response = world.client.request(method, path, json=body, headers=world.headers(role, agency))
    expected = (own if agency == "kcpd" else other)[role]
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == expected
    if method == "GET" and template == "/solve-jobs" and agency == "other":
        assert ids["job"] not in {j["id"] for j in response.json()["items"]}


@pytest.mark.parametrize(
    ("method", "template", "body", "own", "other"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
@pytest.mark.parametrize("credentials", ["none", "wrong", "malformed", "revoked"])
def test_without_a_valid_key_every_endpoint_answers_401(
    shared: tuple[ApiWorld, dict[str, str]],
    method: str,
    template: str,
    body: Any,
    own: Any,
    other: Any,
    credentials: str,
) -> None:
    world, ids = shared
    path = "/api/v1" + template.format(
        job=ids["job"], comparison=ids["comparison"], fresh=ids["job"], key="k_000000000000"
    )
    headers = {
        "none": {},
        "wrong": {"Authorization": "Bearer odk_" + "x" * 43},
        "malformed": {"Authorization": "Basic dXNlcjpwYXNz"},
        "revoked": {"Authorization": f"Bearer {_revoked_token(world)}"},
    }[credentials]
    response = world.client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers.get("www-authenticate", "").startswith("Bearer")


_REVOKED: dict[int, str] = {}


def _revoked_token(world: ApiWorld) -> str:
    if id(world) not in _REVOKED:
        created = world.client.post(
            "/api/v1/keys", json={"role": "coordinator"}, headers=world.headers("admin")
        )
        token = created.json()["token"]
        assert (
            world.client.delete(
                f"/api/v1/keys/{created.json()['id']}", headers=world.headers("admin")
            ).status_code
            == 200
        )
        _REVOKED[id(world)] = token
    return _REVOKED[id(world)]


def test_the_web_page_cookie_carries_the_same_key(shared: tuple[ApiWorld, dict[str, str]]) -> None:
    world, ids = shared
    token = world.tokens["viewer", "kcpd"]
    world.client.cookies.set("offduty_key", token)
    try:
        assert world.client.get(f"/api/v1/solve-jobs/{ids['job']}").status_code == 200
    finally:
        world.client.cookies.clear()


@pytest.mark.parametrize("path", ["/api/v1/healthz", "/api/v1/readyz"])
def test_health_needs_no_key(shared: tuple[ApiWorld, dict[str, str]], path: str) -> None:
    world, _ = shared
    response = world.client.get(path)
    assert response.status_code == 200 and response.json()["status"] == "ok"
