"""Batch re-solves over the job service: one solve job per independent group of events.

`submit_batch` splits the batch instance (its published `assignments` and its `cancellations`)
into groups of events that share no member (`usecases.batches.independent_groups`), and queues
one re-solve job per group (parameters `resolve: {freeze, max_changes}`), so the groups run on
whatever workers the service has: its local pool on SQLite, `offduty worker` processes through
procrastinate on PostgreSQL. `batch_status` reports each group, each event and the whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from offduty.models.solution import Candidates
from offduty.service.store import FINISHED_STATES
from offduty.service.store.rosters import BatchRecord, RosterStore
from offduty.service.usecases import jobs
from offduty.service.usecases.batches import group_instance, independent_groups
from offduty.service.usecases.keys import Principal


@dataclass(frozen=True)
class BatchRequest:
    instance: Any
    strategy: str = "seniority"
    time_limit: float | None = None
    freeze: bool = False
    max_changes: int | None = None
    name: str = ""


def submit_batch(services: jobs.Services, principal: Principal, request: BatchRequest) -> BatchRecord:
    """Queue one re-solve job per independent group of the batch's events."""
    jobs._require_submitter(principal)
    time_limit = jobs._check_options(services.settings, [request.strategy], request.time_limit, "strategy")
    instance = jobs.parse_request_instance(services.settings, request.instance)
    groups = independent_groups(instance, request.strategy)
    if not groups:
        raise jobs.RequestProblem([jobs._problem("instance.events", "the batch has no event")])
    jobs._check_active(services, principal, len(groups))
    resolve = {"freeze": request.freeze, "max_changes": request.max_changes}
    new_jobs = []
    for index, events in enumerate(groups):
        sub = group_instance(instance, events, index)
        params = {
            **jobs._parameters(services, request.strategy, Candidates.ALL_ELIGIBLE, time_limit, False, 0),
            "resolve": resolve,
        }
        new_jobs.append(
            jobs._new_job(
                services,
                principal,
                sub,
                sub.model_dump_json(),
                params,
                label=f"batch group {index}: {', '.join(events)}"[:200],
            )
        )
    created = services.store.add_jobs(new_jobs, jobs._enqueue(services))
    jobs._notify(services)
    batch = BatchRecord(
        str(uuid.uuid4()),
        principal.agency,
        principal.key_id,
        request.name or instance.name,
        {"strategy": request.strategy, "time_limit": time_limit, **resolve},
        dt.datetime.now(dt.UTC),
        [(i, job.id, events) for i, (job, events) in enumerate(zip(created, groups, strict=True))],
    )
    RosterStore(services.store).add_batch(batch)
    return batch


def batch_status(services: jobs.Services, principal: Principal, batch_id: str) -> dict[str, Any]:
    """Each group's job (state, solve status, changes and their proof, fill), each event, the whole."""
    batch = RosterStore(services.store).get_batch(batch_id, principal.agency)
    if batch is None:
        raise jobs.NotFound(f"no batch {batch_id!r}")
    groups: list[dict[str, Any]] = []
    for index, job_id, events in batch.groups:
        job = jobs.get(services, principal, job_id)
        stats = job.statistics or {}
        changes: dict[str, Any] = next(
            (t for t in stats.get("tiers") or [] if t.get("name") == "changes"), {}
        )
        metrics = stats.get("metrics") or {}
        groups.append(
            {
                "group": index,
                "events": events,
                "job": job_id,
                "state": job.state,
                "status": job.solve_status,
                "changes": changes.get("objective"),
                "proof": changes.get("status"),
                "filled": metrics.get("filled"),
                "required": metrics.get("required"),
                "worker": job.worker,
            }
        )
    finished = all(g["state"] in FINISHED_STATES for g in groups)
    return {
        "id": batch.id,
        "name": batch.name,
        "created_at": batch.created_at,
        "request": batch.request,
        "finished": finished,
        "groups": groups,
        "events": {
            ev: {"group": g["group"], "state": g["state"], "status": g["status"]}
            for g in groups
            for ev in g["events"]
        },
        "total": {
            "changes": sum(g["changes"] or 0 for g in groups) if finished else None,
            "filled": sum(g["filled"] or 0 for g in groups) if finished else None,
            "required": sum(g["required"] or 0 for g in groups) if finished else None,
            "proven": finished and all(g["proof"] == "optimal" for g in groups),
        },
    }
