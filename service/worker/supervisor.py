"""Supervising solves: one spawned child per job, heartbeats, cancellation, hard kills.

`supervise(services, job, children, worker)` runs a claimed job in a child and returns when the
job has ended. While it waits it touches the job's heartbeat (so `recover_stalled` elsewhere
knows this worker lives), forwards a cancellation to the child's stop event, and kills the child
when it has not stopped within `cancel_grace_s`; the job then ends `cancelled` with the best
roster stored so far. A child that dies without finishing its job (a native crash, the OOM
killer) fails that job with its exit code: retrying a crash would most likely crash again.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.context
import os
import secrets
import signal
import socket
import threading
import time

from offduty.service.store import JobRecord
from offduty.service.usecases.jobs import JobState, Services, complete_comparison
from offduty.service.worker import child

log = logging.getLogger(__name__)

CANCEL_POLL_S = 0.5
JOIN_S = 0.2


def worker_name(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


class Child:
    """A spawned, warm child process waiting for one job."""

    def __init__(self, ctx: multiprocessing.context.SpawnContext, settings_json: str) -> None:
        self.stop = ctx.Event()
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(
            target=child.main, args=(child_conn, settings_json, self.stop), daemon=True, name="offduty-solve"
        )
        self.process.start()
        child_conn.close()

    def assign(self, job_id: str, attempt: int) -> None:
        self.conn.send((job_id, attempt))

    def dismiss(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)


class Children:
    """Hands out warm children and spawns a replacement for each one taken."""

    def __init__(self, services: Services, spares: int = 1) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.settings_json = services.settings.model_dump_json()
        self.spares_wanted = spares
        self.spares: list[Child] = []
        self.lock = threading.Lock()
        self.closed = False

    def take(self) -> Child:
        with self.lock:
            taken = None
            while self.spares and taken is None:
                candidate = self.spares.pop(0)
                if candidate.process.is_alive():
                    taken = candidate
            if taken is None:
                taken = Child(self.ctx, self.settings_json)
            self._refill()
            return taken

    def warm(self) -> None:
        with self.lock:
            self._refill()

    def _refill(self) -> None:
        while not self.closed and len(self.spares) < self.spares_wanted:
            self.spares.append(Child(self.ctx, self.settings_json))

    def close(self) -> None:
        with self.lock:
            self.closed = True
            spares, self.spares = self.spares, []
        for spare in spares:
            spare.dismiss()


def supervise(
    services: Services,
    job: JobRecord,
    children: Children,
    worker: str,
    shutting_down: threading.Event | None = None,
) -> str:
    """Run a claimed job to its end in a child; returns how it ended."""
    settings, store = services.settings, services.store
    proc = children.take()
    proc.assign(job.id, job.attempts)
    log.info("job %s (attempt %d) running in process %s", job.id, job.attempts, proc.process.pid)
    cancel_at: float | None = None
    last_beat = last_poll = time.monotonic()
    while True:
        proc.process.join(JOIN_S)
        if not proc.process.is_alive():
            break
        t = time.monotonic()
        try:
            if t - last_beat >= settings.heartbeat_s:
                store.heartbeat(worker, [job.id])
                last_beat = t
            if cancel_at is None and t - last_poll >= CANCEL_POLL_S:
                last_poll = t
                if store.cancel_requested(job.id):
                    proc.stop.set()
                    cancel_at = t
        except Exception:  # the database may blink; the child goes on, and so do we
            log.warning("job %s: store unreachable while supervising", job.id, exc_info=True)
        if shutting_down is not None and shutting_down.is_set():
            return _give_back(services, job, proc)
        if cancel_at is not None and t - cancel_at > settings.cancel_grace_s:
            return _kill_cancelled(services, job, proc)
    return _after_exit(services, job, proc.process.exitcode)


def _kill_cancelled(services: Services, job: JobRecord, proc: Child) -> str:
    proc.process.kill()
    proc.process.join(5)
    grace = services.settings.cancel_grace_s
    done = services.store.finish(
        job.id,
        job.attempts,
        JobState.CANCELLED,
        error=f"cancelled; the solve did not stop within {grace:g} s and was killed",
    )
    if done is not None and job.comparison_id is not None:
        complete_comparison(services, job.comparison_id)
    log.warning("job %s: killed after the cancellation grace period", job.id)
    return JobState.CANCELLED


def _give_back(services: Services, job: JobRecord, proc: Child) -> str:
    """A graceful shutdown: the job goes back to the queue, this attempt not counted."""
    proc.process.kill()
    proc.process.join(5)
    services.store.requeue(job.id, job.attempts, "the worker shut down", None, count_attempt=False)
    return JobState.QUEUED


def _after_exit(services: Services, job: JobRecord, exitcode: int | None) -> str:
    store = services.store
    after = store.get_job(job.id)
    if after is None or after.state != JobState.RUNNING or after.attempts != job.attempts:
        return after.state if after is not None else JobState.FAILED
    how = _describe_exit(exitcode)
    cancelled = after.cancel_requested_at is not None
    state = JobState.CANCELLED if cancelled else JobState.FAILED
    done = store.finish(job.id, job.attempts, state, error=f"the solve process {how} before finishing")
    if done is not None and job.comparison_id is not None:
        complete_comparison(services, job.comparison_id)
    log.error("job %s: the solve process %s", job.id, how)
    return state


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return f"exited with code {exitcode}"
    try:
        return f"was killed by signal {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"was killed by signal {-exitcode}"
