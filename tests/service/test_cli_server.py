"""The service's commands as a user runs them: `offduty db upgrade`, `offduty keys ...` on a
database, `offduty jobs ...` against a real server."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from offduty.models.validation import parse_instance
from offduty.solver import verify
from tests.service.conftest import TINY
from tests.service.servers import CLI, Server, server

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env={**ENV, **(env or {})},
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_db_upgrade_and_keys(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'keys.db'}"
    upgraded = run("db", "upgrade", "--db", db)
    assert upgraded.returncode == 0 and "schema is current" in upgraded.stdout
    with ThreadPoolExecutor(4) as pool:  # independent commands side by side (each spends ~1 s importing)
        created, bad_agency, bad_role, worker = pool.map(
            lambda args: run(*args),
            [
                ("keys", "create", "--role", "coordinator", "--agency", "kcpd", "--name", "ops", "--db", db),
                ("keys", "create", "--role", "coordinator", "--agency", "KC PD!", "--db", db),
                ("keys", "create", "--role", "janitor", "--agency", "kcpd", "--db", db),
                ("worker", "--db", db),
            ],
        )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("odk_") and len(token) > 40
    assert bad_agency.returncode == 2 and "agency" in bad_agency.stderr
    assert bad_role.returncode == 2
    assert worker.returncode == 2 and "PostgreSQL" in worker.stderr  # SQLite: `offduty serve` solves
    listed = run("keys", "list", "--db", db)
    assert "coordinator" in listed.stdout and "kcpd" in listed.stdout and token not in listed.stdout
    key_id = next(w for w in listed.stdout.split() if w.startswith("k_"))
    revoked = run("keys", "revoke", key_id, "--db", db)
    assert revoked.returncode == 0 and f"revoked {key_id}" in revoked.stdout
    assert run("keys", "revoke", "k_nope", "--db", db).returncode == 2


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    folder = Path(tmp_path_factory.mktemp("cli"))
    db = f"sqlite:///{folder / 'jobs.db'}"
    token = run(
        "keys", "create", "--role", "coordinator", "--agency", "kcpd", "--db", db
    ).stdout.splitlines()[-1]
    proc = server(db, folder / "serve.log", workers=1).start()
    try:
        yield proc, {"OFFDUTY_SERVER": proc.url, "OFFDUTY_API_KEY": token}
    finally:
        proc.stop()


def test_submit_watch_and_fetch(live: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    _, env = live
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    watched = run("jobs", "submit", str(path), "--time-limit", "10", "--watch", env=env)
    assert watched.returncode == 0, watched.stderr
    assert "running" in watched.stdout and "succeeded (optimal)" in watched.stdout
    job_id = watched.stderr.split("submitted: ")[1].split()[0]
    out, table = tmp_path / "solution.json", tmp_path / "roster.csv"
    fetched = run("jobs", "result", job_id, "--out", str(out), "--csv", str(table), env=env)
    assert fetched.returncode == 0, fetched.stderr
    solution = json.loads(out.read_text())
    assert verify(parse_instance(TINY), solution["assignments"]) == []
    assert len(list(csv.DictReader(table.open()))) == len(solution["assignments"]) == 3
    status = run("jobs", "status", job_id, env=env)
    assert json.loads(status.stdout)["state"] == "succeeded"
    assert job_id in run("jobs", "list", env=env).stdout
    again = run("jobs", "cancel", job_id, env=env)
    assert again.returncode == 2 and "409" in again.stderr


def test_jobs_commands_report_problems_with_paths(
    live: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    _, env = live
    bad = json.loads(json.dumps(TINY))
    bad["events"][0]["shifts"][0]["end"] = "2026-09-13T14:00:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    refused = run("jobs", "submit", str(path), env=env)
    assert refused.returncode == 2 and "instance.events[0].shifts[0].end" in refused.stderr
    wrong_key = run("jobs", "list", env={**env, "OFFDUTY_API_KEY": "odk_nope"})
    assert wrong_key.returncode == 2 and "401" in wrong_key.stderr
