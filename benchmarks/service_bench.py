"""`python -m offduty.benchmarks service`: the solve-job service measured over HTTP.

The service runs as a user runs it (`offduty serve`, `offduty worker` in subprocesses; this
module never imports offduty.service) on SQLite and on PostgreSQL. For each database:

- polling: with two solves running (kc-week, long time limits), `--pollers` concurrent clients
  each GET /solve-jobs/{id} once a second for `--poll-s` seconds: p50 and p99 latency;
- submitting: the Chiefs instance (1.7 MB, 1,300 members) POSTed `--submits` times, one after
  another, while those solves run: p50 and p99 latency (the submitted jobs are cancelled);
- throughput: `--jobs` Chiefs-size jobs (seeds 1..n) submitted at once, with 1 and with 2
  worker processes (SQLite: `serve --workers N`; PostgreSQL: N `offduty worker` processes of
  concurrency 1): jobs per minute from the first submit to the last job ended.

PostgreSQL: a database `offduty_bench_<random>` is created on OFFDUTY_BENCH_POSTGRES (default
the loopback server, user postgres) and dropped after; `--no-postgres` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from offduty.benchmarks.scenarios import generate

CLI = [sys.executable, "-m", "offduty.service.cli"]
#: One key plays every client here: its per-key limits are lifted (they are tested, not measured).
BENCH_ENV = {"OFFDUTY_RATE_PER_MINUTE": "1000000", "OFFDUTY_MAX_ACTIVE_JOBS_PER_KEY": "100000"}
ADMIN_URL = os.environ.get("OFFDUTY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--pollers", type=int, default=100, help="concurrent GET /solve-jobs/{id} clients")
    parser.add_argument("--poll-s", type=float, default=20.0, help="seconds of polling")
    parser.add_argument("--submits", type=int, default=20, help="Chiefs submissions timed one by one")
    parser.add_argument("--jobs", type=int, default=8, help="Chiefs jobs for the throughput runs")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--out", help="write the rows as JSON here")
    return parser


# --- processes ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """`offduty serve` and, on PostgreSQL, `offduty worker` processes, stopped on exit."""

    def __init__(self, url: str, work: Path, workers: int) -> None:
        self.url, self.work, self.workers = url, work, workers
        self.port = _free_port()
        self.procs: list[subprocess.Popen[bytes]] = []
        self.base = f"http://127.0.0.1:{self.port}/api/v1"

    def _start(self, args: list[str], log: str) -> None:
        with (self.work / log).open("ab") as handle:
            self.procs.append(
                subprocess.Popen(
                    [*CLI, *args],
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env={**os.environ, **BENCH_ENV},
                )
            )

    def __enter__(self) -> Cluster:
        serve = ["serve", "--db", self.url, "--port", str(self.port), "--log-level", "warning"]
        if self.url.startswith("sqlite"):
            serve += ["--workers", str(self.workers)]
        self._start(serve, "serve.log")
        if self.url.startswith("postgres"):
            for i in range(self.workers):
                self._start(
                    ["worker", "--db", self.url, "--concurrency", "1", "--log-level", "warning"],
                    f"worker{i}.log",
                )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    time.sleep(3.0)  # let the workers spawn their warm solve processes
                    return self
            time.sleep(0.3)
        raise RuntimeError(f"the server did not start: {(self.work / 'serve.log').read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"offduty_bench_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_key(url: str) -> str:
    out = subprocess.run(
        [*CLI, "keys", "create", "--role", "coordinator", "--agency", "bench", "--db", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


# --- measurements ------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _wait_all(client: httpx.Client, ids: list[str], timeout: float = 900) -> float:
    """Seconds until every job ended."""
    start = time.monotonic()
    pending = set(ids)
    while pending and time.monotonic() - start < timeout:
        for job_id in list(pending):
            if client.get(f"/solve-jobs/{job_id}").json()["state"] in ("succeeded", "failed", "cancelled"):
                pending.discard(job_id)
        time.sleep(0.25)
    if pending:
        raise RuntimeError(f"{len(pending)} jobs did not end")
    return time.monotonic() - start


def _wait_state(client: httpx.Client, job_id: str, state: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(f"/solve-jobs/{job_id}").json()["state"] == state:
            return
        time.sleep(0.2)
    raise RuntimeError(f"job {job_id} never {state}")


async def _poll(base: str, key: str, job_id: str, pollers: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=pollers, max_keepalive_connections=pollers)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30, limits=limits
    ) as client:

        async def poller(offset: float) -> None:
            await asyncio.sleep(offset)  # spread the pollers over the first second
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                t = time.perf_counter()
                response = await client.get(f"/solve-jobs/{job_id}")
                latencies.append(time.perf_counter() - t)
                response.raise_for_status()
                await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - t)))

        await asyncio.gather(*(poller(i / pollers) for i in range(pollers)))
    return latencies


def latency(url: str, work: Path, key: str, args: argparse.Namespace) -> dict[str, Any]:
    week = generate("kc-week", 1)
    chiefs = generate("chiefs-game", 1)
    with (
        Cluster(url, work, workers=2) as cluster,
        httpx.Client(
            base_url=cluster.base, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as client,
    ):
        running = [
            client.post("/solve-jobs", json={"instance": week, "time_limit": 300, "seed": i}).json()["id"]
            for i in range(2)
        ]
        for job_id in running:
            _wait_state(client, job_id, "running")
        polls = asyncio.run(_poll(cluster.base, key, running[0], args.pollers, args.poll_s))
        submits, submitted = [], []
        for i in range(args.submits):
            t = time.perf_counter()
            response = client.post("/solve-jobs", json={"instance": chiefs, "time_limit": 60, "seed": i})
            submits.append(time.perf_counter() - t)
            submitted.append(response.json()["id"])
        for job_id in [*submitted, *running]:
            client.delete(f"/solve-jobs/{job_id}")
    return {
        "get_p50_ms": 1000 * statistics.median(polls),
        "get_p99_ms": 1000 * _percentile(polls, 0.99),
        "gets": len(polls),
        "submit_p50_ms": 1000 * statistics.median(submits),
        "submit_p99_ms": 1000 * _percentile(submits, 0.99),
        "submit_mb": len(json.dumps(chiefs)) / 1e6,
    }


def throughput(url: str, work: Path, key: str, workers: int, jobs: int) -> dict[str, Any]:
    games = [generate("chiefs-game", seed) for seed in range(1, jobs + 1)]
    with (
        Cluster(url, work, workers=workers) as cluster,
        httpx.Client(
            base_url=cluster.base, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as client,
    ):
        start = time.monotonic()
        ids = [client.post("/solve-jobs", json={"instance": g, "time_limit": 60}).json()["id"] for g in games]
        _wait_all(client, ids)
        elapsed = time.monotonic() - start
        states = [client.get(f"/solve-jobs/{i}").json()["solve_status"] for i in ids]
    return {
        "workers": workers,
        "jobs": jobs,
        "seconds": elapsed,
        "jobs_per_min": 60 * jobs / elapsed,
        "statuses": sorted(set(filter(None, states))),
    }


def run_backend(name: str, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix=f"offduty-bench-{name}-") as tmp:
        work = Path(tmp)
        key = create_key(url)
        print(f"{name}: polling and submitting with two solves running ...", file=sys.stderr)
        lat = latency(url, work, key, args)
        rows = []
        for workers in (1, 2):
            print(f"{name}: {args.jobs} Chiefs jobs with {workers} worker process(es) ...", file=sys.stderr)
            rows.append({"database": name, **lat, **throughput(url, work, key, workers, args.jobs)})
        return rows


def markdown(rows: list[dict[str, Any]], load: tuple[float, float, float]) -> str:
    lines = [
        "| database | workers | GET job p50 / p99 (ms) | submit Chiefs p50 / p99 (ms) | Chiefs jobs / min |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['database']} | {r['workers']} | {r['get_p50_ms']:.0f} / {r['get_p99_ms']:.0f} | "
            f"{r['submit_p50_ms']:.0f} / {r['submit_p99_ms']:.0f} | {r['jobs_per_min']:.1f} |"
        )
    lines.append(
        f"\nload average before the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"({os.cpu_count()} cores)"
    )
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    load = os.getloadavg()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="offduty-bench-sqlite-db-") as tmp:
        rows += run_backend("SQLite", f"sqlite:///{Path(tmp) / 'jobs.db'}", args)
    if not args.no_postgres:
        with postgres_database() as url:
            rows += run_backend("PostgreSQL", url, args)
    print(markdown(rows, load))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0
