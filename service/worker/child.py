"""The child process of one solve (spawned, so a crash of the native solver ends only it).

A child is spawned ahead of need ("warm"): it imports the solver and opens the store, then waits
on its pipe for a job. It runs exactly one job (`usecases.jobs.run`) and exits. It watches two
things: its stop event (set by the supervisor when the job is cancelled; passed to the engine
as its stop signal) and its parent (if the supervising server or worker dies, the child exits
at once, so a job is never run twice by an orphan and its replacement).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.synchronize
import os
import threading
from typing import Any

#: Exit code of a child whose parent died.
ORPHANED = 70
#: Added to a solve process's niceness.
SOLVE_NICENESS = 10


def main(
    conn: multiprocessing.connection.Connection,
    settings_json: str,
    stop_event: multiprocessing.synchronize.Event,
) -> None:
    logging.basicConfig(
        level=os.environ.get("OFFDUTY_LOG_LEVEL", "WARNING"),
        format="%(asctime)s %(levelname)s [solve %(process)d] %(name)s: %(message)s",
    )
    _exit_with_parent()
    # Solves are batch work: the server that spawned them must keep answering while every core
    # solves. Linux schedules sessions as groups (autogroup), so a solve in the server's session
    # would take the server's share: it gets a session of its own, and a lower priority.
    with contextlib.suppress(OSError):
        os.setsid()
    with contextlib.suppress(OSError):
        os.nice(SOLVE_NICENESS)
    # imported here, in the child: the solver is loaded while the child waits for work
    from offduty.service.settings import Settings
    from offduty.service.store import Store
    from offduty.service.usecases import jobs

    settings = Settings.model_validate_json(settings_json)
    store = Store(settings.database_url)
    try:
        message: Any = conn.recv()
    except EOFError:
        return
    if message is None:
        return
    job_id, attempt = message
    stop = threading.Event()
    threading.Thread(target=_forward, args=(stop_event, stop), daemon=True).start()
    try:
        jobs.run(jobs.Services(store, settings), job_id, attempt, stop)
    finally:
        store.close()


def _forward(stop_event: multiprocessing.synchronize.Event, stop: threading.Event) -> None:
    stop_event.wait()
    stop.set()


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(ORPHANED)

    threading.Thread(target=watch, daemon=True).start()
