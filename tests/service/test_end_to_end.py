"""End to end against a real server process (`offduty serve`, uvicorn on loopback, SQLite): the
demo instance submitted, its events followed to the end, its roster fetched as JSON and CSV and
checked by the independent verifier; 20 jobs at once; cancelling queued and running jobs."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from offduty.models.validation import parse_instance
from offduty.solver import verify
from tests.service.conftest import TINY, scenario
from tests.service.servers import Api, Server, make_key, server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Api]]:
    folder = Path(tmp_path_factory.mktemp("live"))
    url = f"sqlite:///{folder / 'jobs.db'}"
    key = make_key(url)
    # a solve notices a stop between the engine's steps: the grace covers building kc-week's model
    # on a loaded machine
    proc = server(url, folder / "serve.log", workers=2, OFFDUTY_CANCEL_GRACE_S="15").start()
    api = Api(proc.url, key)
    try:
        yield proc, api
    finally:
        api.close()
        proc.stop()
    assert "database is locked" not in proc.text()
    assert "Traceback" not in proc.text(), proc.text()[-4000:]


def verified(instance: dict[str, Any], solution: dict[str, Any]) -> None:
    assert (
        verify(
            parse_instance(instance),
            [(a["member"], a["position"]) for a in solution["assignments"]],
            candidates=solution["candidates"],
        )
        == []
    )


def test_the_demo_instance_end_to_end(live: tuple[Server, Api]) -> None:
    _, api = live
    game = scenario("chiefs-game")
    job = api.submit(game, time_limit=60)
    assert job["state"] == "queued" and job["links"]["events"].endswith("/events")
    events = api.events(job["id"])
    kinds = [kind for _, kind, _ in events]
    assert events[0][2] == {"state": "queued"} and events[1][2]["state"] == "running"
    assert "progress" in kinds and events[-1][1] == "state" and events[-1][2]["state"] == "succeeded"
    assert [int(i) for i, _, _ in events] == sorted(int(i) for i, _, _ in events)
    finished = api.job(job["id"])
    assert finished["solve_status"] == events[-1][2]["solve_status"] in ("optimal", "feasible")
    assert finished["started_at"] and finished["finished_at"] and finished["statistics"]["timings"]
    solution = api.client.get(f"/solve-jobs/{job['id']}/solution")
    assert solution.status_code == 200 and solution.headers["Offduty-Solution"] == "final"
    body = solution.json()
    assert len(body["assignments"]) == body["metrics"]["filled"] > 250
    verified(game, body)
    as_csv = api.client.get(f"/solve-jobs/{job['id']}/solution", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {(r["member"], r["position"]) for r in rows} == {
        (a["member"], a["position"]) for a in body["assignments"]
    }
    assert verify(parse_instance(game), [(r["member"], r["position"]) for r in rows]) == []


def test_an_event_stream_resumes_after_the_last_event_id(live: tuple[Server, Api]) -> None:
    _, api = live
    job = api.submit(TINY, time_limit=10)
    everything = api.events(job["id"])
    resumed = api.events(job["id"], last_event_id=everything[1][0])
    assert resumed == everything[2:]
    assert api.events(job["id"], last_event_id=everything[-1][0]) == []  # nothing after the end


def test_twenty_jobs_at_once_all_complete(live: tuple[Server, Api]) -> None:
    proc, api = live
    strategies = ["seniority", "first_come", "hours", "rotation", "balanced"]
    ids: list[str] = []
    errors: list[str] = []
    barrier = threading.Barrier(20)

    def submit(i: int) -> None:
        barrier.wait()
        with httpx.Client(base_url=api.client.base_url, headers=api.client.headers, timeout=120) as client:
            response = client.post(
                "/solve-jobs", json={"instance": TINY, "strategy": strategies[i % 5], "time_limit": 10}
            )
        if response.status_code == 202:
            ids.append(response.json()["id"])
        else:
            errors.append(response.text)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(ids) == 20
    for job_id in ids:
        done = api.wait(job_id, timeout=300)
        assert done["state"] == "succeeded" and done["solve_status"] == "optimal", done
        verified(TINY, api.client.get(f"/solve-jobs/{job_id}/solution").json())
    assert "database is locked" not in proc.text()


def test_cancelling_a_queued_and_a_running_job(live: tuple[Server, Api]) -> None:
    _, api = live
    week = scenario("kc-week")
    running = [api.submit(week, time_limit=40)["id"] for _ in range(2)]  # both solve slots busy
    queued = api.submit(TINY)["id"]
    for job_id in running:
        api.wait(job_id, until=("running",), timeout=120)
    cancelled = api.client.delete(f"/solve-jobs/{queued}")
    assert cancelled.status_code == 202 and cancelled.json()["state"] == "cancelled"
    assert api.client.delete(f"/solve-jobs/{queued}").status_code == 409
    _wait_for_progress(api, running[0])
    asked = time.monotonic()
    assert api.client.delete(f"/solve-jobs/{running[0]}").status_code == 202
    api.client.delete(f"/solve-jobs/{running[1]}")
    stopped = api.wait(running[0], timeout=60)
    took = time.monotonic() - asked
    assert stopped["state"] == "cancelled" and stopped["has_solution"], stopped
    roster = api.client.get(f"/solve-jobs/{running[0]}/solution")
    assert roster.headers["Offduty-Solution"] == "final" and roster.json()["assignments"]
    verified(week, roster.json())
    assert took < 15, f"a cancelled solve took {took:.1f} s to stop"
    never = api.job(queued)
    assert never["attempts"] == 0 and never["started_at"] is None
    assert [kind for _, kind, data in api.events(queued)] == ["state", "state"]  # queued, cancelled
    api.wait(running[1], timeout=60)


def _wait_for_progress(api: Api, job_id: str, timeout: float = 120) -> None:
    """Until CP-SAT searches the strategy's tier (the model is built)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress = api.job(job_id)["progress"]
        if progress and progress["tier_index"] >= 1:
            return
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} reported no progress")
