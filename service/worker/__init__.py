"""Running solves: each in its own spawned child process (`supervisor`), fed by the local pool on
SQLite (`local`, inside `offduty serve`) or by procrastinate on PostgreSQL (`tasks`, `offduty
worker` on any number of machines). Progress goes to the store; cancellation to the engine's
stop signal, then a hard kill after a grace period."""

from offduty.service.worker.local import LocalPool, LocalQueue
from offduty.service.worker.supervisor import Children, supervise, worker_name
from offduty.service.worker.tasks import ProcrastinateQueue, Worker

__all__ = ["Children", "LocalPool", "LocalQueue", "ProcrastinateQueue", "Worker", "supervise", "worker_name"]
