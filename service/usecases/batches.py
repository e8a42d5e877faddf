"""Batch re-solves: many events with their cancellations, one job per independent group.

Two events are tied when one member could work in both in a way some rule or the objective
links: eligible for a position of each, with the two shifts within 24 hours plus the minimum
rest of each other (C-OVERLAP, C-REST, C-WORK-DAY-CAP: a work day is 24 hours), within 7 days
when a weekly cap is set (C-WEEKLY-CAP), or at any distance when the strategy weighs a member's
total (hours, balanced). The groups are the connected components of "tied". Every rule and every
tier is then a sum over the groups, so re-solving each group apart and taking the union gives a
roster of the whole batch that is optimal tier by tier (a lexicographic optimum of a sum of
independent parts is the sum of their optima).

A group's instance is the batch instance restricted to the group's events (their applications,
assignments and cancellations); every member stays, so seniority and first-come ranks, and
with them the objectives, are those of the whole.

`resolve_batch_dir(DIR, params, workers=N)` re-solves every group of every instance file in DIR
in N processes (the CLI's `offduty resolve --batch`); the API's batches run the same groups as
solve jobs on its workers.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import multiprocessing.context
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from offduty.constraints.eligibility import compute_eligibility
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.models.validation import load_instance_file
from offduty.service.usecases.resolving import ChangeReport, resolve
from offduty.solver import Result, SolveParams

#: Strategies whose objective is a sum over (member, position) pairs: separable by event.
SEPARABLE_STRATEGIES = frozenset({"seniority", "first_come", "rotation"})
MINUTES_PER_HOUR = 60


class BatchError(ValueError):
    """A batch that cannot be run as given (an empty directory, say)."""


def independent_groups(instance: Instance, strategy: str = "seniority",
                       candidates: str = "all_eligible") -> list[list[str]]:
    """The instance's events in groups that share no member (see the module docstring), each
    group's events in instance order, groups by their first event."""
    events = [e.id for e in instance.events]
    if len(events) <= 1:
        return [events] if events else []
    arrays = InstanceArrays.build(instance)
    pairs = compute_eligibility(arrays, candidates).pairs  # type: ignore[arg-type]
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    reach = _reach_minutes(instance, strategy)
    member, event = pairs.member, arrays.position_event[pairs.position]
    start, end = pairs.start, pairs.end
    order = np.lexsort((start, member))
    last_member, cluster_end, cluster_event = -1, 0, -1
    for i in order.tolist():
        m, s, e, v = int(member[i]), int(start[i]), int(end[i]), int(event[i])
        if m == last_member and (reach is None or s < cluster_end + reach):
            union(v, cluster_event)
            cluster_end = max(cluster_end, e)
        else:
            last_member, cluster_end, cluster_event = m, e, v
    groups: dict[int, list[str]] = {}
    for i, ev in enumerate(events):
        groups.setdefault(find(i), []).append(ev)
    return sorted(groups.values(), key=lambda g: events.index(g[0]))


def _reach_minutes(instance: Instance, strategy: str) -> int | None:
    """How far apart two details of one member can still be tied; None: at any distance."""
    policy = instance.policy
    if strategy not in SEPARABLE_STRATEGIES:
        return None
    rest = round(policy.min_rest_hours * MINUTES_PER_HOUR)
    if policy.max_secondary_hours_per_week is not None:
        return 7 * 24 * MINUTES_PER_HOUR + rest
    return 24 * MINUTES_PER_HOUR + rest


def group_instance(instance: Instance, events: list[str], index: int) -> Instance:
    """`instance` restricted to `events` (their applications, assignments and cancellations)."""
    keep = set(events)
    chosen = [e for e in instance.events if e.id in keep]
    shifts = {s.id for e in chosen for s in e.shifts}
    positions = {p.id for e in chosen for s in e.shifts for p in s.positions}
    employers = {e.employer for e in chosen}
    return instance.model_copy(update={
        "name": f"{instance.name or 'batch'}#group{index}",
        "events": chosen,
        "employers": [e for e in instance.employers if e.id in employers],
        "applications": [a for a in instance.applications if a.shift in shifts],
        "assignments": [a for a in instance.assignments if a.position in positions],
        "cancellations": [c for c in instance.cancellations if c.position in positions],
    })


@dataclass(frozen=True)
class GroupOutcome:
    file: str
    group: int
    events: list[str]
    status: str
    changes: int
    #: The changes tier's status ("optimal" = proven minimal).
    proof: str
    filled: int
    required: int
    total_s: float
    result: Result
    report: ChangeReport


@dataclass(frozen=True)
class BatchOutcome:
    groups: list[GroupOutcome]
    wall_s: float
    workers: int
    per_event: dict[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return sum(g.changes for g in self.groups)

    @property
    def filled(self) -> int:
        return sum(g.filled for g in self.groups)

    @property
    def required(self) -> int:
        return sum(g.required for g in self.groups)

    @property
    def status(self) -> str:
        """optimal when every group is; feasible when every group has a roster; else the worst."""
        statuses = {g.status for g in self.groups}
        for worst in ("invalid_input", "unknown", "infeasible", "feasible"):
            if worst in statuses:
                return worst
        return "optimal" if statuses else "unknown"

    def summary(self) -> dict[str, object]:
        """The whole batch and each group and event, as JSON-ready data."""
        return {
            "status": self.status, "changes": self.changes, "filled": self.filled, "required": self.required,
            "groups": len(self.groups), "workers": self.workers, "wall_s": round(self.wall_s, 3),
            "per_group": [{"file": g.file, "group": g.group, "events": g.events, "status": g.status,
                           "changes": g.changes, "proof": g.proof, "filled": g.filled,
                           "required": g.required, "total_s": g.total_s} for g in self.groups],
            "per_event": self.per_event,
        }


def resolve_group(instance: Instance, params: SolveParams, file: str = "", index: int = 0) -> GroupOutcome:
    """Re-solve one group and summarize it."""
    t = time.perf_counter()
    resolved = resolve(instance, params)
    result, report = resolved.result, resolved.report
    return GroupOutcome(
        file=file, group=index, events=[e.id for e in instance.events], status=result.status.value,
        changes=report.changes, proof=report.proof.status if report.proof else "unknown",
        filled=int(result.metrics.get("filled") or 0), required=int(result.metrics.get("required") or 0),
        total_s=round(time.perf_counter() - t, 4), result=result, report=report)


def _run_group(path: str, events: list[str], index: int, params: SolveParams) -> GroupOutcome:
    """One job of a batch, in a worker process: load, restrict, re-solve."""
    instance = load_instance_file(path)
    return resolve_group(group_instance(instance, events, index), params, Path(path).name, index)


def _plan(path: str, params: SolveParams) -> list[list[str]] | GroupOutcome:
    """A file's groups; a file that is one group is solved at once (no second parse)."""
    instance = load_instance_file(path)
    groups = independent_groups(instance, params.strategy, params.candidates.value)
    if len(groups) == 1:
        return resolve_group(group_instance(instance, groups[0], 0), params, Path(path).name, 0)
    return groups


def batch_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise BatchError(f"{directory}: not a directory")
    paths = sorted(p for p in directory.glob("*.json") if p.is_file())
    if not paths:
        raise BatchError(f"{directory}: no *.json instance files")
    return paths


def resolve_batch_dir(directory: Path, params: SolveParams, *, workers: int = 1) -> BatchOutcome:
    """Re-solve every instance file of `directory` (each with its published `assignments` and
    its `cancellations`), one job per independent group of events, on `workers` processes.

    Each file is read and split in a job of its own (a file that is one group is solved in that
    job); the groups of the other files are jobs after. Raises InvalidInstance for a bad file,
    BatchError for a directory without instances."""
    t = time.perf_counter()
    paths = [str(p) for p in batch_files(directory)]
    if workers == 1:
        plans = [_plan(p, params) for p in paths]
        outcomes = _settle(paths, plans, lambda p, ev, i: _run_group(p, ev, i, params))
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            plans = list(pool.map(_plan, paths, [params] * len(paths)))
            futures = {(p, i): pool.submit(_run_group, p, ev, i, params)
                       for p, plan in zip(paths, plans, strict=True) if not isinstance(plan, GroupOutcome)
                       for i, ev in enumerate(plan)}
            outcomes = _settle(paths, plans, lambda p, ev, i: futures[(p, i)].result())
    per_event = {f"{g.file}:{ev}": g.status for g in outcomes for ev in g.events}
    return BatchOutcome(outcomes, time.perf_counter() - t, workers, per_event)


def _settle(paths: list[str], plans: list[list[list[str]] | GroupOutcome],
            run: Callable[[str, list[str], int], GroupOutcome]) -> list[GroupOutcome]:
    out: list[GroupOutcome] = []
    for path, plan in zip(paths, plans, strict=True):
        if isinstance(plan, GroupOutcome):
            out.append(plan)
        else:
            out += [run(path, events, i) for i, events in enumerate(plan)]
    return out


def _context() -> multiprocessing.context.BaseContext:
    """"fork" from a single-threaded process (fast), "spawn" otherwise (forking a process with
    other threads can deadlock)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def write_batch(outcome: BatchOutcome, directory: Path) -> list[Path]:
    """Each group's roster and change report, and the batch summary, into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for g in outcome.groups:
        stem = f"{Path(g.file).stem}-group{g.group}"
        solution = directory / f"{stem}.solution.json"
        solution.write_text(g.result.to_json(), encoding="utf-8")
        report = directory / f"{stem}.report.json"
        report.write_text(g.report.model_dump_json(indent=2), encoding="utf-8")
        written += [solution, report]
    summary = directory / "batch.json"
    summary.write_text(json.dumps(outcome.summary(), indent=2), encoding="utf-8")
    return [*written, summary]
