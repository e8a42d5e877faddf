"""Faults on the SQLite default: the server killed (-9) right after a 202, and in the middle of a
solve. Jobs are never lost or stuck: after a restart they complete and can be fetched, or, out of
attempts, they fail with the reason."""

from __future__ import annotations

import time
from pathlib import Path

from tests.service.conftest import TINY, scenario
from tests.service.servers import Api, make_key, server


def test_a_job_survives_the_server_killed_right_after_202(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    key = make_key(url)
    first = server(url, tmp_path / "first.log", workers=1).start()
    api = Api(first.url, key)
    job = api.submit(TINY, time_limit=10)
    first.kill()
    second = server(url, tmp_path / "second.log", port=first.port, workers=1).start()
    try:
        done = api.wait(job["id"], timeout=120)
        assert done["state"] == "succeeded" and done["solve_status"] == "optimal", done
        solution = api.client.get(f"/solve-jobs/{job['id']}/solution")
        assert solution.status_code == 200 and len(solution.json()["assignments"]) == 3
    finally:
        api.close()
        second.stop()


def test_a_solve_lost_with_its_server_fails_after_the_last_attempt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    key = make_key(url)
    first = server(url, tmp_path / "first.log", workers=1, OFFDUTY_MAX_ATTEMPTS="1").start()
    api = Api(first.url, key)
    job = api.submit(scenario("kc-week"), time_limit=30)
    api.wait(job["id"], until=("running",), timeout=120)
    time.sleep(1.0)
    first.kill()
    second = server(
        url, tmp_path / "second.log", port=first.port, workers=1, OFFDUTY_MAX_ATTEMPTS="1"
    ).start()
    try:
        done = api.wait(job["id"], timeout=60)
        assert done["state"] == "failed" and done["attempts"] == 1, done
        assert "stopped answering" in done["error"] and "failed after 1 of 1 attempts" in done["error"]
        events = api.events(job["id"])
        assert events[-1][2]["state"] == "failed" and "attempts" in events[-1][2]["error"]
    finally:
        api.close()
        second.stop()
