"""PostgreSQL + procrastinate with real `offduty worker` processes: the end-to-end path again,
jobs spread over two workers, a worker killed (-9) mid-solve (its job retried on the other one),
and enqueueing inside the job's own transaction."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from offduty.models.validation import parse_instance
from offduty.service.store import libpq_url
from offduty.solver import verify
from tests.service.conftest import TINY, scenario
from tests.service.servers import Api, Process, Server, make_key, postgres_database, server, worker


@dataclass
class Cluster:
    url: str
    server: Server
    workers: list[Process]
    api: Api


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = Path(tmp_path_factory.mktemp("pg"))
    with postgres_database() as url:
        key = make_key(url)
        web = server(url, folder / "serve.log").start()
        workers = [
            worker(url, folder / f"worker{i}.log", OFFDUTY_CANCEL_GRACE_S="15").start() for i in (1, 2)
        ]
        api = Api(web.url, key)
        try:
            yield Cluster(url, web, workers, api)
        finally:
            api.close()
            for proc in [*workers, web]:
                proc.stop()
        for proc in workers:
            assert "Traceback" not in proc.text(), proc.text()[-4000:]


def test_the_demo_instance_end_to_end_on_postgres(cluster: Cluster) -> None:
    game = scenario("chiefs-game")
    job = cluster.api.submit(game, time_limit=60)
    events = cluster.api.events(job["id"])
    assert events[-1][2]["state"] == "succeeded" and any(kind == "progress" for _, kind, _ in events)
    body = cluster.api.client.get(f"/solve-jobs/{job['id']}/solution").json()
    instance = parse_instance(game)
    assert (
        body["assignments"]
        and verify(instance, [(a["member"], a["position"]) for a in body["assignments"]]) == []
    )
    text = cluster.api.client.get(f"/solve-jobs/{job['id']}/solution", headers={"Accept": "text/csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(body["assignments"])
    assert verify(instance, [(r["member"], r["position"]) for r in rows]) == []


def test_jobs_spread_over_both_workers(cluster: Cluster) -> None:
    ids = [cluster.api.submit(TINY, time_limit=10, seed=i)["id"] for i in range(8)]
    ran_on = set()
    for job_id in ids:
        done = cluster.api.wait(job_id, timeout=180)
        assert done["state"] == "succeeded", done
        ran_on.update(
            data["worker"]
            for _, kind, data in cluster.api.events(job_id)
            if kind == "state" and data["state"] == "running"
        )
    pids = {name.split(":")[1] for name in ran_on}
    assert pids == {str(w.pid) for w in cluster.workers}, ran_on


def test_the_queue_entry_commits_with_the_job(cluster: Cluster) -> None:
    job = cluster.api.submit(TINY, time_limit=10)
    with psycopg.connect(libpq_url(cluster.url)) as conn:
        row = conn.execute(
            "SELECT args ->> 'job_id', queue_name FROM procrastinate_jobs WHERE args ->> 'job_id' = %s",
            (job["id"],),
        ).fetchone()
    assert row == (job["id"], "offduty_solves")
    cluster.api.wait(job["id"])


def test_a_worker_killed_mid_solve_hands_its_job_to_the_other(cluster: Cluster) -> None:
    job = cluster.api.submit(scenario("kc-week"), time_limit=8)
    running = cluster.api.wait(job["id"], until=("running",), timeout=120)
    victim = next(w for w in cluster.workers if f":{w.pid}:" in running["worker"])
    time.sleep(1.0)
    victim.kill()
    done = cluster.api.wait(job["id"], timeout=180)
    assert done["state"] == "succeeded" and done["attempts"] == 2, done
    assert f":{victim.pid}:" not in done["worker"]
    states = [data for _, kind, data in cluster.api.events(job["id"]) if kind == "state"]
    assert [s["state"] for s in states] == ["queued", "running", "queued", "running", "succeeded"]
    assert "stopped answering" in states[2]["reason"]
    body = cluster.api.client.get(f"/solve-jobs/{job['id']}/solution").json()
    assert (
        verify(
            parse_instance(scenario("kc-week")), [(a["member"], a["position"]) for a in body["assignments"]]
        )
        == []
    )
    with psycopg.connect(libpq_url(cluster.url)) as conn:  # the dead worker's queue entry does not linger
        statuses = conn.execute(
            "SELECT status FROM procrastinate_jobs WHERE args ->> 'job_id' = %s ORDER BY id", (job["id"],)
        ).fetchall()
    assert statuses[0] == ("failed",)  # the second, successful one is deleted once its task returns
    cluster.workers.remove(victim)
