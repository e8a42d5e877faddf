"""Published rosters end to end: `offduty rosters ...` against a real server (SQLite), and a batch
re-solve spread over two `offduty worker` processes on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.api.test_rosters import game
from tests.service.servers import CLI, Api, Server, make_key, postgres_database, server, worker
from tests.service.usecases.test_batches import three_events


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    folder = Path(tmp_path_factory.mktemp("rosters-live"))
    url = f"sqlite:///{folder / 'jobs.db'}"
    key = make_key(url)
    proc = server(url, folder / "serve.log", workers=1).start()
    try:
        yield proc, key
    finally:
        proc.stop()
    assert "Traceback" not in proc.text(), proc.text()[-4000:]


def cli(live: tuple[Server, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OFFDUTY_SERVER": live[0].url,
        "OFFDUTY_API_KEY": live[1],
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_coordinator_through_the_cli_client(live: tuple[Server, str]) -> None:
    api = Api(live[0].url, live[1])
    try:
        job = api.submit(game(), time_limit=10)
        assert api.wait(job["id"])["state"] == "succeeded"
    finally:
        api.close()
    published = cli(live, "rosters", "publish", job["id"], "--name", "move case")
    assert published.returncode == 0, published.stderr
    roster = re.search(r"roster (\S+) \(move case\)", published.stdout)
    assert roster is not None and "+ X on V1" in published.stdout
    rid = roster.group(1)
    beyond = cli(
        live,
        "rosters",
        "cancel",
        rid,
        "--member",
        "X",
        "--position",
        "V1",
        "--comment",
        "Family wedding.",
        "--at",
        "2026-08-20T09:00:00-05:00",
    )
    assert beyond.returncode == 0 and ": cancelled" in beyond.stdout and "- X from V1" in beyond.stdout
    refused = cli(
        live,
        "rosters",
        "cancel",
        rid,
        "--member",
        "Y",
        "--position",
        "V2",
        "--comment",
        "Court.",
        "--at",
        "2026-09-11T09:00:00-05:00",
    )
    assert refused.returncode == 2 and "reason:" in refused.stderr
    pending = cli(
        live,
        "rosters",
        "cancel",
        rid,
        "--member",
        "Y",
        "--position",
        "V2",
        "--reason",
        "court",
        "--comment",
        "Subpoenaed.",
        "--at",
        "2026-09-11T09:00:00-05:00",
    )
    found = re.search(r"(C\w+): cancel_pending", pending.stdout)
    assert found is not None, pending.stdout + pending.stderr
    approved = cli(live, "rosters", "approve", rid, found.group(1))
    assert approved.returncode == 0 and "approved" in approved.stdout
    refill = cli(live, "rosters", "refill", rid)
    assert refill.returncode == 0, refill.stderr
    assert "4 change(s), changes tier optimal" in refill.stdout and "~ A: P → V1" in refill.stdout
    versions = cli(live, "rosters", "versions", rid)
    assert [line.split(" · ")[1] for line in versions.stdout.splitlines() if line.startswith("version ")] == [
        "publish",
        "cancellation",
        "approval",
        "refill",
    ]
    diff = cli(live, "rosters", "diff", rid, "--from", "3", "--to", "4")
    assert "4 change(s) from version 3" in diff.stdout
    # the server's outbox delivers (to the log: no sender is configured)
    api = Api(live[0].url, live[1])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = {n["state"] for n in api.client.get(f"/rosters/{rid}/notifications").json()}
            if states == {"delivered"}:
                break
            time.sleep(0.5)
    finally:
        api.close()
    assert states == {"delivered"}
    listing = cli(live, "rosters", "notifications", rid)
    assert listing.returncode == 0 and "cancellation_cancel_pending" in listing.stdout


def test_a_manual_edit_through_the_cli_client(live: tuple[Server, str]) -> None:
    api = Api(live[0].url, live[1])
    try:
        job = api.submit(game(), time_limit=10)
        assert api.wait(job["id"])["state"] == "succeeded"
    finally:
        api.close()
    published = cli(live, "rosters", "publish", job["id"], "--name", "edited")
    roster = re.search(r"roster (\S+) \(edited\)", published.stdout)
    assert roster is not None, published.stdout + published.stderr
    rid = roster.group(1)
    # C has no k9 certification: refused, with the rule, the member and the position
    refused = cli(
        live, "rosters", "edit", rid, "--remove", "X:V1", "--assign", "C:V1", "--comment", "X at court."
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "edits[1]: E-CERT: C on V1" in refused.stderr
    no_comment = cli(live, "rosters", "edit", rid, "--remove", "X:V1")
    assert no_comment.returncode == 2 and "--comment" in no_comment.stderr
    swapped = cli(
        live,
        "rosters",
        "edit",
        rid,
        "--swap",
        "A:P=X:V1",
        "--comment",
        "Handlers trade posts.",
        "--expected-version",
        "1",
    )
    assert swapped.returncode == 0, swapped.stderr
    assert "version 2 · edit" in swapped.stdout and "~ A: P → V1" in swapped.stdout
    assert "Handlers trade posts." in swapped.stdout


def test_a_batch_spreads_over_the_workers_on_postgres(tmp_path: Path) -> None:
    """Four independent groups (events a week apart), two worker processes."""
    raw = three_events()
    for k, day in enumerate(("2026-09-27", "2026-10-11")):  # two more events, two weeks apart
        event = json.loads(
            json.dumps(raw["events"][2])
            .replace("2026-09-20", day)
            .replace("EV3", f"EV{4 + k}")
            .replace("S3", f"S{4 + k}")
            .replace("P3", f"P{4 + k}")
        )
        raw["events"].append(event)
    with postgres_database() as url:
        key = make_key(url)
        web = server(url, tmp_path / "serve.log").start()
        workers = [worker(url, tmp_path / f"worker{i}.log").start() for i in (1, 2)]
        api = Api(web.url, key)
        try:
            response = api.client.post("/batches", json={"instance": raw, "time_limit": 10})
            assert response.status_code == 202, response.text
            batch_id = response.json()["id"]
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                batch = api.client.get(f"/batches/{batch_id}").json()
                if batch["finished"]:
                    break
                time.sleep(0.3)
        finally:
            api.close()
            for proc in [*workers, web]:
                proc.stop()
    assert [g["events"] for g in batch["groups"]] == [["EV1", "EV2"], ["EV3"], ["EV4"], ["EV5"]]
    # one refill in each of the first two groups; EV4 and EV5 had no published roster: one addition each
    assert batch["total"]["proven"] and batch["total"]["changes"] == 4
    pids = {g["worker"].split(":")[1] for g in batch["groups"]}
    assert pids <= {str(w.pid) for w in workers} and len(pids) >= 1
