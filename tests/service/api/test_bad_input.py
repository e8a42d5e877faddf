"""Bad input gets a 4xx problem naming the field, never a 5xx: malformed JSON, an oversized body,
naive timestamps, dangling ids, unknown fields, caps on size and time limit; and the limits on
active jobs and request rate answer 429 with Retry-After."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.api.conftest import ApiWorld, make_world
from tests.service.conftest import TINY

SUBMIT = "/api/v1/solve-jobs"


def paths(response: Any) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert body["status"] == status and body["title"]
    return body


def test_malformed_json_is_a_400(world: ApiWorld) -> None:
    response = world.client.post(
        SUBMIT,
        content=b'{"instance": {"members": [',
        headers={**world.headers(), "Content-Type": "application/json"},
    )
    body = problem(response, 400)
    assert "not valid JSON" in body["detail"]


def test_an_oversized_body_is_a_413(world: ApiWorld) -> None:
    big = copy.deepcopy(TINY)
    big["name"] = "x" * 300_000
    response = world.client.post(SUBMIT, json={"instance": big}, headers=world.headers())
    assert "200,000" in problem(response, 413)["detail"]


def test_an_oversized_chunked_body_is_a_413(world: ApiWorld) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"instance": {"name": "'
        for _ in range(50):
            yield b"y" * 10_000
        yield b'"}}'

    response = world.client.post(
        SUBMIT, content=chunks(), headers={**world.headers(), "Content-Type": "application/json"}
    )
    problem(response, 413)


def test_naive_timestamps_are_named(world: ApiWorld) -> None:
    bad = copy.deepcopy(TINY)
    bad["events"][0]["shifts"][0]["start"] = "2026-09-13T10:00:00"
    body = problem(world.client.post(SUBMIT, json={"instance": bad}, headers=world.headers()), 422)
    assert "instance.events[0].shifts[0].start" in [e["path"] for e in body["errors"]]
    assert any(e["kind"] == "naive_time" for e in body["errors"])


def test_dangling_ids_are_named(world: ApiWorld) -> None:
    bad = copy.deepcopy(TINY)
    bad["applications"] = [{"member": "NOBODY", "shift": "S1", "at": "2026-09-01T08:00:00-05:00"}]
    bad["events"][0]["employer"] = "E404"
    response = world.client.post(SUBMIT, json={"instance": bad}, headers=world.headers())
    problem(response, 422)
    assert {"instance.applications[0].member", "instance.events[0].employer"} <= set(paths(response))


def test_unknown_fields_and_wrong_types_are_named(world: ApiWorld) -> None:
    response = world.client.post(
        SUBMIT, json={"instance": TINY, "stratgy": "hours", "seed": "x"}, headers=world.headers()
    )
    problem(response, 422)
    assert {"stratgy", "seed"} <= set(paths(response))
    bad = copy.deepcopy(TINY)
    bad["members"][1]["rnak"] = "officer"
    response = world.client.post(SUBMIT, json={"instance": bad}, headers=world.headers())
    assert "instance.members[1].rnak" in paths(problem(response, 422) and response)


def test_caps_name_the_field(world: ApiWorld) -> None:
    response = world.client.post(SUBMIT, json={"instance": TINY, "time_limit": 61}, headers=world.headers())
    problem(response, 422)
    assert paths(response) == ["time_limit"]
    big = copy.deepcopy(TINY)
    big["members"] += [{"id": f"X{i}", "seniority_date": "2020-01-01"} for i in range(100)]
    response = world.client.post(SUBMIT, json={"instance": big}, headers=world.headers())
    problem(response, 422)
    assert paths(response) == ["instance.members"]


def test_a_bad_cursor_and_event_id_are_named(world: ApiWorld) -> None:
    response = world.client.get(SUBMIT, params={"cursor": "not-a-cursor"}, headers=world.headers())
    assert paths(problem(response, 422) and response) == ["cursor"]
    job = world.submit(TINY)
    response = world.client.get(
        f"{SUBMIT}/{job['id']}/events", headers={**world.headers(), "Last-Event-ID": "abc"}
    )
    assert paths(problem(response, 422) and response) == ["Last-Event-ID"]


def test_validate_reports_problems_with_paths(world: ApiWorld) -> None:
    bad = copy.deepcopy(TINY)
    bad["members"][0]["seniority_date"] = "yesterday"
    response = world.client.post("/api/v1/validate", json={"instance": bad}, headers=world.headers("viewer"))
    assert response.status_code == 200
    report = response.json()
    assert not report["valid"] and report["problems"][0]["path"] == "instance.members[0].seniority_date"
    good = world.client.post(
        "/api/v1/validate", json={"instance": TINY}, headers=world.headers("viewer")
    ).json()
    assert good["valid"] and good["events"][0]["eligible"] == 3


def test_cancelling_a_finished_job_is_a_conflict(world: ApiWorld) -> None:
    job = world.submit(TINY)
    world.run(job["id"])
    problem(world.client.delete(f"{SUBMIT}/{job['id']}", headers=world.headers()), 409)


def test_a_queued_job_has_no_solution_yet(world: ApiWorld) -> None:
    job = world.submit(TINY)
    problem(world.client.get(f"{SUBMIT}/{job['id']}/solution", headers=world.headers()), 404)


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[ApiWorld]:
    yield from make_world(tmp_path, max_active_jobs_per_key=2, rate_per_minute=60)


def test_active_jobs_per_key_answer_429_with_retry_after(strict: ApiWorld) -> None:
    strict.submit(TINY)
    strict.submit(TINY)
    response = strict.client.post(SUBMIT, json={"instance": TINY}, headers=strict.headers())
    problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1


def test_the_request_rate_answers_429_with_retry_after(strict: ApiWorld) -> None:
    statuses = [strict.client.get(SUBMIT, headers=strict.headers("viewer")).status_code for _ in range(15)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429  # a burst of 10, then 1 a second
    response = strict.client.get(SUBMIT, headers=strict.headers("viewer"))
    assert int(response.headers["Retry-After"]) >= 1
    assert strict.client.get(SUBMIT, headers=strict.headers("admin")).status_code == 200  # per key


def test_idempotent_submission_over_http(world: ApiWorld) -> None:
    headers = {**world.headers(), "Idempotency-Key": "order-17"}
    first = world.client.post(SUBMIT, json={"instance": TINY}, headers=headers)
    again = world.client.post(SUBMIT, json={"instance": TINY}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = world.client.post(SUBMIT, json={"instance": TINY, "seed": 3}, headers=headers)
    assert paths(problem(other, 422) and other) == ["Idempotency-Key"]
