"""procrastinate on PostgreSQL: `offduty worker` on any number of machines.

Submitting defers a procrastinate job in the transaction that creates the solve job
(`ProcrastinateQueue.enqueue` is handed that transaction's connection), so a job is queued if
and only if it exists. A worker's task claims the solve job (compare-and-set; a cancelled or
already-taken job is skipped) and supervises it in a spawned child, like the local pool. Each
worker also runs `recover_stalled`: a job whose worker died (its heartbeat stopped) is queued
again with a new procrastinate job, up to `max_attempts`, then failed with the reason. The
procrastinate job of the dead worker is then marked failed, so that it does not linger as "doing".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import procrastinate

from offduty.service.store import libpq_url
from offduty.service.usecases.jobs import Services, recover_stalled
from offduty.service.worker.supervisor import Children, supervise, worker_name

log = logging.getLogger(__name__)

QUEUE = "offduty_solves"
TASK = "offduty.solve_job"


class ProcrastinateQueue:
    """`JobQueue` on PostgreSQL: defers the procrastinate job in the caller's transaction."""

    def __init__(self, database_url: str) -> None:
        self.app = procrastinate.App(
            connector=procrastinate.SyncPsycopgConnector(conninfo=libpq_url(database_url))
        )

    def enqueue(self, job_id: str, connection: Any) -> str | None:
        # A job re-queued after its worker died still has that worker's procrastinate job "doing":
        # it is marked failed in the same transaction, so that it does not linger.
        connection.execute(
            "UPDATE procrastinate_jobs SET status = 'failed' WHERE task_name = %s "
            "AND status = 'doing' AND args ->> 'job_id' = %s",
            (TASK, job_id),
        )
        deferred = self.app.configure_task(TASK, queue=QUEUE, connection=connection).defer(job_id=job_id)
        return str(deferred)

    def notify(self) -> None:
        """procrastinate's workers are woken by PostgreSQL's LISTEN/NOTIFY."""


class Worker:
    """One `offduty worker` process: procrastinate's worker loop plus the stalled-job recovery."""

    def __init__(self, services: Services, concurrency: int | None = None) -> None:
        self.services = services
        self.concurrency = concurrency or services.settings.pool_size()
        self.name = worker_name("worker")
        self.children = Children(services, spares=1)
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=libpq_url(services.settings.database_url))
        )
        self.app.task(name=TASK, queue=QUEUE, pass_context=False)(self._solve_job)

    def _solve_job(self, job_id: str) -> None:
        job = self.services.store.claim(job_id, self.name)
        if job is None:
            log.info("job %s is not queued (cancelled or taken); skipping", job_id)
            return
        supervise(self.services, job, self.children, self.name)

    async def _recover_forever(self) -> None:
        while True:
            try:
                await asyncio.to_thread(recover_stalled, self.services)
            except Exception:
                log.exception("recovering stalled jobs failed; trying again")
            await asyncio.sleep(self.services.settings.heartbeat_s)

    async def run(self) -> None:
        log.info("worker %s: %d solve(s) at once on queue %s", self.name, self.concurrency, QUEUE)
        async with self.app.open_async():
            self.children.warm()
            recovery = asyncio.create_task(self._recover_forever())
            try:
                await self.app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=self.concurrency,
                    name=self.name,
                    install_signal_handlers=True,
                    delete_jobs="successful",
                )
            finally:
                recovery.cancel()
                self.children.close()
