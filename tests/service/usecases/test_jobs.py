"""The job use cases in process, on SQLite: submitting checks everything before anything is
stored; `run` solves, verifies and commits; cancellation keeps the best roster; lost runs are
retried, then failed; comparisons fill their table."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offduty.models.validation import parse_instance
from offduty.service.settings import Settings
from offduty.service.store import Store
from offduty.service.usecases import jobs
from offduty.service.usecases.keys import Principal, Role
from offduty.solver import verify
from tests.service.conftest import scenario

COORDINATOR = Principal("k_c", Role.COORDINATOR, "kcpd")
VIEWER = Principal("k_v", Role.VIEWER, "kcpd")
STRANGER = Principal("k_s", Role.ADMIN, "other-agency")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[jobs.Services]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'jobs.db'}",
        max_members=50,
        max_time_limit=120,
        max_active_jobs_per_key=5,
        provisional_after_s=60,
        stale_after_s=1,
        max_attempts=2,
    )
    store = Store(settings.database_url)
    store.upgrade()
    yield jobs.Services(store, settings)
    store.close()


def paths(exc: pytest.ExceptionInfo[jobs.RequestProblem]) -> list[str]:
    return [p.path for p in exc.value.problems]


def claim_and_run(services: jobs.Services, job_id: str, stop: threading.Event | None = None) -> Any:
    job = services.store.claim(job_id, "test-worker")
    assert job is not None
    return jobs.run(services, job_id, job.attempts, stop or threading.Event())


def test_a_submitted_job_runs_to_a_verified_roster(services: jobs.Services, tiny: dict[str, Any]) -> None:
    job, created = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny, time_limit=10))
    assert created and job.state == "queued" and job.members == 3 and job.positions == 3
    done = claim_and_run(services, job.id)
    assert done.state == "succeeded" and done.solve_status == "optimal"
    assert done.statistics["metrics"]["filled"] == 3
    _, solution = jobs.solution(services, COORDINATOR, job.id)
    result = jobs.result_of(solution)
    assert solution.final and verify(parse_instance(tiny), result.assignments) == []


def test_the_submitted_input_is_kept_as_sent(services: jobs.Services, tiny: dict[str, Any]) -> None:
    job, _ = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    import json

    assert json.loads(services.store.job_input(job.id) or "") == tiny


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r["members"][0]["tours"].__setitem__(
                slice(None), [{"start": "2026-09-13T06:00:00", "end": "2026-09-13T09:00:00-05:00"}]
            ),
            "instance.members[0].tours[0].start",
        ),
        (lambda r: r["events"][0].__setitem__("employer", "NOPE"), "instance.events[0].employer"),
        (lambda r: r["members"].extend({"id": f"X{i}"} for i in range(60)), "instance.members"),
    ],
)
def test_bad_instances_are_refused_with_their_paths(
    services: jobs.Services, tiny: dict[str, Any], change: Any, expected: str
) -> None:
    tiny["members"][0]["tours"] = []
    change(tiny)
    with pytest.raises(jobs.RequestProblem) as caught:
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    assert expected in paths(caught)
    assert services.store.list_jobs("kcpd") == []


def test_options_are_checked_with_their_names(services: jobs.Services, tiny: dict[str, Any]) -> None:
    with pytest.raises(jobs.RequestProblem) as caught:
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny, time_limit=500))
    assert paths(caught) == ["time_limit"] and "120" in caught.value.problems[0].message
    with pytest.raises(jobs.RequestProblem) as caught:
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny, strategy="lottery"))
    assert paths(caught) == ["strategy"]


def test_idempotency_returns_the_first_job(services: jobs.Services, tiny: dict[str, Any]) -> None:
    request = jobs.SolveRequest(instance=tiny)
    first, created = jobs.submit(services, COORDINATOR, request, idempotency_key="k1")
    again, created_again = jobs.submit(services, COORDINATOR, request, idempotency_key="k1")
    assert created and not created_again and again.id == first.id
    with pytest.raises(jobs.RequestProblem) as caught:
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny, seed=4), idempotency_key="k1")
    assert paths(caught) == ["Idempotency-Key"]


def test_roles_and_agencies(services: jobs.Services, tiny: dict[str, Any]) -> None:
    with pytest.raises(jobs.Forbidden):
        jobs.submit(services, VIEWER, jobs.SolveRequest(instance=tiny))
    job, _ = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    assert jobs.get(services, VIEWER, job.id).id == job.id
    with pytest.raises(jobs.Forbidden):
        jobs.cancel(services, VIEWER, job.id)
    for call in (jobs.get, jobs.cancel, jobs.events, jobs.solution):
        with pytest.raises(jobs.NotFound):
            call(services, STRANGER, job.id)


def test_a_key_has_a_limit_of_active_jobs(services: jobs.Services, tiny: dict[str, Any]) -> None:
    for _ in range(5):
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    with pytest.raises(jobs.TooManyJobs):
        jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))


def test_cancelling(services: jobs.Services, tiny: dict[str, Any]) -> None:
    queued, _ = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    assert jobs.cancel(services, COORDINATOR, queued.id).state == "cancelled"
    with pytest.raises(jobs.Conflict):
        jobs.cancel(services, COORDINATOR, queued.id)
    assert services.store.claim(queued.id, "w") is None


def test_a_stopped_solve_ends_cancelled_with_its_best_roster(services: jobs.Services) -> None:
    week = scenario("kc-week")
    services.settings = services.settings.model_copy(update={"max_members": 5000})
    job, _ = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=week, time_limit=60))
    stop = threading.Event()
    claimed = services.store.claim(job.id, "w")
    assert claimed is not None
    services.store.request_cancel(job.id)
    timer = threading.Timer(3.0, stop.set)
    timer.start()
    done = jobs.run(services, job.id, claimed.attempts, stop)
    timer.cancel()
    assert done is not None and done.state == "cancelled" and done.solve_status == "feasible"
    _, solution = jobs.solution(services, COORDINATOR, job.id)
    result = jobs.result_of(solution)
    assert result.assignments and verify(parse_instance(week), result.assignments) == []


def test_lost_runs_are_retried_then_failed(services: jobs.Services, tiny: dict[str, Any]) -> None:
    import time

    job, _ = jobs.submit(services, COORDINATOR, jobs.SolveRequest(instance=tiny))
    services.store.claim(job.id, "dead-worker")
    time.sleep(1.2)
    assert jobs.recover_stalled(services) == [job.id]
    assert jobs.get(services, COORDINATOR, job.id).state == "queued"
    services.store.claim(job.id, "dead-again")
    time.sleep(1.2)
    jobs.recover_stalled(services)
    failed = jobs.get(services, COORDINATOR, job.id)
    assert failed.state == "failed" and failed.attempts == 2
    assert "failed after 2 of 2 attempts" in (failed.error or "")


def test_a_comparison_fills_its_table_when_every_job_ended(
    services: jobs.Services, tiny: dict[str, Any]
) -> None:
    request = jobs.ComparisonRequest(
        instance=tiny,
        strategies=["seniority", "hours"],
        time_limit=10,
        variants=["short: work_day_cap_hours=3"],
    )
    comparison = jobs.compare(services, COORDINATOR, request)
    assert len(comparison.job_ids) == 4 and comparison.table is None
    for job_id in comparison.job_ids:
        claim_and_run(services, job_id)
    done = jobs.get_comparison(services, COORDINATOR, comparison.id)
    assert done.table is not None and done.completed_at is not None
    rows = {row["label"]: row for row in done.table["rows"]}
    assert set(rows) == {"seniority", "hours", "seniority · short", "hours · short"}
    assert rows["seniority"]["filled"] == 3
    assert rows["seniority · short"]["filled"] == 0  # a 4-hour shift cannot fit a 3-hour work day


def test_bad_variants_name_their_index(services: jobs.Services, tiny: dict[str, Any]) -> None:
    with pytest.raises(jobs.RequestProblem) as caught:
        jobs.compare(
            services,
            COORDINATOR,
            jobs.ComparisonRequest(instance=tiny, variants=["ok: min_rest_hours=8", "bad: no_such_field=1"]),
        )
    assert paths(caught) == ["variants[1]"]
