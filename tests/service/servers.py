"""Real processes for the service tests: `offduty serve` (uvicorn on loopback), `offduty worker`,
PostgreSQL databases of their own, API keys, and a client that follows server-sent events.

PostgreSQL: the tests use the server at OFFDUTY_TEST_POSTGRES (default: loopback, user
postgres, trust auth) and create a database per test (`offduty_test_<random>`), dropped after.
Without a server they skip, unless OFFDUTY_REQUIRE_POSTGRES=1 (set by .ci/run): then a missing
PostgreSQL fails them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from offduty.service.store import Store
from offduty.service.usecases import keys

CLI = [sys.executable, "-m", "offduty.service.cli"]
ADMIN_URL = os.environ.get("OFFDUTY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: Fast failure detection for the fault tests; the defaults are for production.
FAST = {
    "OFFDUTY_HEARTBEAT_S": "0.5",
    "OFFDUTY_STALE_AFTER_S": "3",
    "OFFDUTY_CANCEL_GRACE_S": "3",
    "OFFDUTY_PROVISIONAL_AFTER_S": "0.5",
    "OFFDUTY_LOG_LEVEL": "INFO",
}
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database for one test, dropped afterwards."""
    import psycopg

    if not postgres_reachable():
        if os.environ.get("OFFDUTY_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (OFFDUTY_REQUIRE_POSTGRES=1) but {ADMIN_URL} is unreachable")
        pytest.skip(f"no PostgreSQL at {ADMIN_URL} (set OFFDUTY_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"offduty_test_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_key(url: str, role: str = "coordinator", agency: str = "kcpd") -> str:
    store = Store(url)
    try:
        store.upgrade()
        return keys.create_key(store, role, agency, f"test {role}").token
    finally:
        store.close()


@dataclass
class Process:
    """A CLI process with its log file; stopped (and reaped) by `stop` or `kill`."""

    args: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*CLI, *self.args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
            start_new_session=True,
        )
        handle.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """kill -9 (the process only: its solve children notice and exit by themselves)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Server(Process):
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        super().start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"offduty serve exited with {self.proc.returncode}:\n{self.text()[-3000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v1/readyz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise AssertionError(f"offduty serve did not get ready:\n{self.text()[-3000:]}")


def server(url: str, log: Path, port: int | None = None, workers: int | None = None, **env: str) -> Server:
    port = port or free_port()
    args = ["serve", "--db", url, "--port", str(port), "--log-level", "info"]
    if workers is not None:
        args += ["--workers", str(workers)]
    return Server(args, log, {**FAST, **env}, port=port)


def worker(url: str, log: Path, concurrency: int = 1, **env: str) -> Process:
    return Process(
        ["worker", "--db", url, "--concurrency", str(concurrency), "--log-level", "info"],
        log,
        {**FAST, **env},
    )


class Api:
    """A small client of the API for the tests."""

    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.client = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=60
        )

    def submit(self, instance: dict[str, Any], **options: Any) -> dict[str, Any]:
        response = self.client.post("/solve-jobs", json={"instance": instance, **options})
        assert response.status_code == 202, response.text
        return dict(response.json())

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.client.get(f"/solve-jobs/{job_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def wait(
        self,
        job_id: str,
        timeout: float = 120,
        until: tuple[str, ...] = ("succeeded", "failed", "cancelled"),
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job["state"] in until:
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job['state']} after {timeout} s: {job}")

    def events(
        self, job_id: str, last_event_id: str | None = None, timeout: float = 120
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, kind, data) of every event until the stream ends."""
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        out = []
        with connect_sse(
            self.client,
            "GET",
            f"/solve-jobs/{job_id}/events",
            headers=headers,
            timeout=httpx.Timeout(timeout),
        ) as source:
            assert source.response.status_code == 200
            for event in source.iter_sse():
                if event.data:  # keep-alive pings carry none
                    out.append((event.id, event.event, json.loads(event.data)))
        return out

    def close(self) -> None:
        self.client.close()
