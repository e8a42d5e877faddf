"""The local pool: `offduty serve` on SQLite runs solves in its own spawned children.

The job table is the queue: a dispatcher thread claims queued jobs (compare-and-set, oldest
first) while fewer than `settings.pool_size()` solves run, and supervises each in a thread of
its own. Submitting wakes it (`LocalQueue.notify`); it also looks every second, so jobs queued
by another process (or left by a server that died) are found. Every few seconds it runs
`recover_stalled`, which re-queues or fails jobs whose supervisor went silent.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from offduty.service.usecases.jobs import Services, recover_stalled
from offduty.service.worker.supervisor import Children, supervise, worker_name

log = logging.getLogger(__name__)

LOOK_S = 1.0


class LocalQueue:
    """`JobQueue` of the local pool: the job row is the queue entry; notify wakes the pool."""

    def __init__(self) -> None:
        self.pool: LocalPool | None = None

    def enqueue(self, job_id: str, connection: Any) -> str | None:
        return None

    def notify(self) -> None:
        if self.pool is not None:
            self.pool.wake.set()


class LocalPool:
    def __init__(self, services: Services, size: int | None = None) -> None:
        self.services = services
        self.size = size if size is not None else services.settings.pool_size()
        self.worker = worker_name("serve")
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.running: dict[str, threading.Thread] = {}
        self.children = Children(services, spares=min(self.size, 1))
        self.thread = threading.Thread(target=self._loop, name="offduty-pool", daemon=True)

    def start(self) -> LocalPool:
        log.info(
            "local pool: %d solve(s) at once, %d CP-SAT worker(s) each",
            self.size,
            self.services.settings.cpsat_workers,
        )
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; running ones go back to the queue (their attempt not counted)."""
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout)
        for thread in list(self.running.values()):
            thread.join(timeout)
        self.children.close()

    def _loop(self) -> None:
        last_recovery = 0.0
        self.children.warm()
        while not self.stopping.is_set():
            self.wake.wait(LOOK_S)
            self.wake.clear()
            if self.stopping.is_set():
                break
            try:
                if time.monotonic() - last_recovery >= self.services.settings.heartbeat_s:
                    last_recovery = time.monotonic()
                    recover_stalled(self.services)
                self._dispatch()
            except Exception:
                log.exception("local pool: dispatch failed; trying again")

    def _dispatch(self) -> None:
        for job_id, thread in list(self.running.items()):
            if not thread.is_alive():
                del self.running[job_id]
        free = self.size - len(self.running)
        for job in self.services.store.claim_queued(self.worker, free):
            thread = threading.Thread(
                target=self._supervise, args=(job,), name=f"offduty-job-{job.id[:8]}", daemon=True
            )
            self.running[job.id] = thread
            thread.start()

    def _supervise(self, job: Any) -> None:
        try:
            supervise(self.services, job, self.children, self.worker, self.stopping)
        except Exception:
            log.exception("job %s: supervision failed", job.id)
        finally:
            self.wake.set()  # a slot is free
