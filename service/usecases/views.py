"""What the web page shows of a job, rosters and comparisons, as plain data (no HTML here).

The web layer renders these; it never opens the store or the solver. Every function takes the
`Services` and the caller's `Principal` (so every read is scoped to the caller's agency), or the
instance and result already read that way.

    view = job_view(services, principal, job_id)      # the job, its input and its roster
    events = roster_by_event(view.instance, view.result)
    words = reason_words({"E-ON-DUTY": 311, "C-WORK-DAY-CAP": 12}, view.instance)
    # "311 on duty, 12 over the 16-hour work day"
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from offduty.constraints.c_staffing_ratio import floor_segments
from offduty.constraints.registry import RULES
from offduty.distribution.metrics import gini
from offduty.models.arrays import InstanceArrays, from_minutes
from offduty.models.errors import InvalidInstance, Problem, ProblemKind
from offduty.models.instance import Instance
from offduty.service.settings import Settings
from offduty.service.store import ComparisonRecord, JobRecord
from offduty.service.usecases.jobs import (
    JobState,
    NotFound,
    RequestProblem,
    Services,
    encode_cursor,
    get,
    list_jobs,
    result_of,
)
from offduty.service.usecases.keys import Principal
from offduty.service.usecases.loading import load
from offduty.solver import Result

#: The name of the demo scenario the README's quick start solves (`offduty demo`).
DEMO_SCENARIO = "chiefs-game"


# --- reasons in words -------------------------------------------------------------------------------

#: Each rule code as the words that follow a count: "311 on duty".
_REASON_WORDS: dict[str, str] = {
    "E-ENTRANT": "entrant officers",
    "E-PROBATION": "on probation",
    "E-BREAK-IN": "in their break-in period",
    "E-PRIVILEGES": "with privileges suspended or revoked",
    "E-RESERVE-HOURS": "reserves short of their required hours",
    "E-NON-SWORN-LE": "non-sworn without a private officer licence",
    "E-CLOSEOUT": "with open close-outs",
    "E-EMPLOYER": "barred by the employer's approval or restrictions",
    "E-CITY-LIMITS": "outside the city limits",
    "E-CONFLICT": "with a conflict of interest with the employer",
    "E-TAVERN-APPROVAL": "without the tavern approval",
    "E-RANK": "below the position's minimum rank",
    "E-CERT": "without a required certification",
    "E-LEAVE": "on leave",
    "E-SICK-24H": "within 24 hours of sick leave",
    "E-ON-DUTY": "on duty",
    "E-APPLICANT": "who did not apply",
    "E-CANCELLED": "who cancelled this position",
    "C-POSITION-COUNT": "beyond the position's count",
    "C-OVERLAP": "on an overlapping detail",
    "C-WORK-DAY-CAP": "over the {work_day_cap}-hour work day",
    "C-WEEKLY-CAP": "over the {weekly_cap}-hour weekly cap",
    "C-REST": "without the {rest}-hour rest before or after",
    "C-TAVERN-MIN": "short of the tavern minimum of three",
    "C-STAFFING-RATIO": "below the staffing floor",
    "C-LOCKED": "held by a locked assignment",
}


def _hours(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def rule_words(code: str, instance: Instance | None = None) -> str:
    """The words for one rule code ("on duty", "over the 16-hour work day")."""
    text = _REASON_WORDS.get(code, code)
    policy = instance.policy if instance is not None else None
    return text.format(
        work_day_cap=_hours(policy.work_day_cap_hours if policy else 16),
        weekly_cap=_hours(policy.max_secondary_hours_per_week if policy else None),
        rest=_hours(getattr(policy, "min_rest_hours", None) if policy else None),
    )


def rule_section(code: str) -> str:
    """The policy section of a rule code (e.g. "§III.N.1, §V.B"), "" when unknown."""
    for rule in RULES:
        if rule.code == code:
            return str(rule.section)
    return ""


def rule_summary(code: str) -> str:
    """The first line of the rule's own description."""
    for rule in RULES:
        if rule.code == code:
            return (type(rule).__doc__ or "").strip().splitlines()[0]
    return code


def reason_words(reasons: Mapping[str, int], instance: Instance | None = None, eligible: int = 0) -> str:
    """ "311 on duty, 12 over the 16-hour work day" (most frequent first; the eligible members last:
    "4 eligible but busy or at a cap")."""
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{n:,} {rule_words(code, instance)}" for code, n in ordered if n]
    if eligible:
        parts.append(f"{eligible:,} eligible but taken elsewhere or at a cap")
    return ", ".join(parts) if parts else "no member could take it"


# --- a job and its roster ---------------------------------------------------------------------------


@dataclass
class JobView:
    job: JobRecord
    instance: Instance | None
    #: The roster stored for the job (final, or best so far); None before any.
    result: Result | None = None
    final: bool = False


#: Parsed job inputs by job id (inputs are immutable; validating the Chiefs game takes seconds).
_INSTANCES: OrderedDict[str, Instance] = OrderedDict()
_INSTANCES_LOCK = threading.Lock()
_INSTANCES_KEPT = 8


def _parsed_input(services: Services, job_id: str) -> Instance | None:
    """The job's input, parsed once per server process (the caller checked the agency)."""
    with _INSTANCES_LOCK:
        if job_id in _INSTANCES:
            _INSTANCES.move_to_end(job_id)
            return _INSTANCES[job_id]
    document = services.store.job_input(job_id)
    if document is None:
        return None
    try:
        instance = load(json.loads(document))
    except InvalidInstance:
        return None
    with _INSTANCES_LOCK:
        _INSTANCES[job_id] = instance
        while len(_INSTANCES) > _INSTANCES_KEPT:
            _INSTANCES.popitem(last=False)
    return instance


def job_instance(services: Services, principal: Principal, job_id: str) -> Instance:
    """The job's input instance (NotFound for another agency's job)."""
    get(services, principal, job_id)
    instance = _parsed_input(services, job_id)
    if instance is None:
        raise NotFound(f"job {job_id} has no valid input")
    return instance


def job_view(services: Services, principal: Principal, job_id: str) -> JobView:
    """The job, and once it has a roster, the roster and the job's input."""
    job = get(services, principal, job_id)
    found = services.store.solution(job_id)
    if found is None:
        return JobView(job, None)
    return JobView(job, _parsed_input(services, job_id), result_of(found), found.final)


@dataclass
class RosterRow:
    position: str
    member: str
    name: str
    rank: str
    hours: float
    pay_rate: float
    #: An unfilled place of the position (member empty) and why, in words.
    unfilled: bool = False
    reason: str = ""
    codes: dict[str, int] = field(default_factory=dict)


@dataclass
class ShiftRoster:
    id: str
    start: str
    end: str
    rows: list[RosterRow]

    @property
    def filled(self) -> int:
        return sum(1 for r in self.rows if not r.unfilled)


@dataclass
class EventRoster:
    id: str
    name: str
    employer: str
    venue: str
    shifts: list[ShiftRoster]

    @property
    def unfilled(self) -> int:
        return sum(1 for s in self.shifts for r in s.rows if r.unfilled)


def _local(instance: Instance) -> ZoneInfo:
    return ZoneInfo(instance.policy.timezone)


def roster_by_event(instance: Instance, result: Result) -> list[EventRoster]:
    """The roster per event and shift: one row per assigned member (position, member, rank,
    hours), then one row per unfilled place with its reasons in words."""
    tz = _local(instance)
    members = {m.id: m for m in instance.members}
    by_position: dict[str, list[str]] = defaultdict(list)
    for a in result.assignments:
        by_position[a.position].append(a.member)
    unfilled = {u.position: u for u in result.unfilled}
    out = []
    for event in instance.events:
        shifts = []
        for shift in event.shifts:
            hours = (shift.end - shift.start).total_seconds() / 3600
            rows = []
            for position in shift.positions:
                for member_id in sorted(by_position.get(position.id, [])):
                    m = members.get(member_id)
                    rows.append(
                        RosterRow(
                            position.id,
                            member_id,
                            m.name if m else "",
                            m.rank.value if m else "",
                            hours,
                            position.pay_rate or 0.0,
                        )
                    )
                miss = unfilled.get(position.id)
                if miss is not None:
                    words = reason_words(miss.reasons, instance, miss.eligible)
                    rows.extend(
                        RosterRow(
                            position.id,
                            "",
                            "",
                            "",
                            hours,
                            position.pay_rate or 0.0,
                            True,
                            words,
                            dict(miss.reasons),
                        )
                        for _ in range(miss.missing)
                    )
            shifts.append(
                ShiftRoster(
                    shift.id,
                    f"{shift.start.astimezone(tz):%a %d %b %H:%M}",
                    f"{shift.end.astimezone(tz):%H:%M}",
                    rows,
                )
            )
        out.append(EventRoster(event.id, event.name, event.employer, event.venue.value, shifts))
    return out


# --- the timeline of an event (Gantt) ----------------------------------------------------------------


@dataclass
class TimelineBar:
    shift: str
    start: int  # minutes from the event's first start
    end: int
    staffed: int
    required: int
    label: str


@dataclass
class FloorStep:
    start: int
    end: int
    staffed: int
    floor: int

    @property
    def short(self) -> bool:
        return self.staffed < self.floor


@dataclass
class Timeline:
    event: str
    name: str
    origin: str  # local time of minute 0
    span: int  # minutes
    bars: list[TimelineBar]
    floor: int  # the C-STAFFING-RATIO floor, 0 when none applies
    steps: list[FloorStep]
    ticks: list[tuple[int, str]]


def timelines(instance: Instance, result: Result | None) -> list[Timeline]:
    """Per event: its shifts as bars (staffed of required) and, where a C-STAFFING-RATIO floor
    applies, the members on site against the floor across the event's window."""
    arrays = InstanceArrays.build(instance)
    tz = arrays.tz
    staffed: Counter[int] = Counter()
    if result is not None:
        shift_of = {pid: int(arrays.position_shift[i]) for i, pid in enumerate(arrays.position_ids)}
        staffed.update(shift_of[a.position] for a in result.assignments if a.position in shift_of)
    out = []
    for v, event in enumerate(instance.events):
        shifts = np.flatnonzero(arrays.shift_event == v).tolist()
        if not shifts:
            continue
        origin = min(int(arrays.shift_start[k]) for k in shifts)
        if arrays.event_window_start[v]:
            origin = min(origin, int(arrays.event_window_start[v]))
        last = max(int(arrays.shift_end[k]) for k in shifts)
        last = max(last, int(arrays.event_window_end[v]))
        bars = []
        for k in shifts:
            s0, s1 = int(arrays.shift_start[k]), int(arrays.shift_end[k])
            required = int(arrays.position_count[arrays.position_shift == k].sum())
            label = f"{from_minutes(s0, tz):%H:%M}–{from_minutes(s1, tz):%H:%M}"
            bars.append(
                TimelineBar(arrays.shift_ids[k], s0 - origin, s1 - origin, staffed[k], required, label)
            )
        floor = int(arrays.event_floor[v])
        steps = []
        if floor > 0:
            for lo, hi, covering in floor_segments(arrays, v):
                on_site = sum(staffed[k] for k in covering.tolist())
                steps.append(FloorStep(lo - origin, hi - origin, on_site, floor))
        span = max(1, last - origin)
        first = from_minutes(origin, tz)
        step = 60 if span <= 12 * 60 else 180
        ticks = []
        t = (60 - first.minute) % 60
        while t <= span:
            ticks.append((t, f"{from_minutes(origin + t, tz):%H:%M}"))
            t += step
        out.append(Timeline(event.id, event.name, f"{first:%a %d %b %H:%M}", span, bars, floor, steps, ticks))
    return out


# --- fairness -------------------------------------------------------------------------------------


@dataclass
class Fairness:
    #: Hours of the roster per member of the pool (members eligible for anything), ascending.
    hours: list[float]
    histogram: list[tuple[float, float, int]]  # (from, to, members)
    lorenz: list[tuple[float, float]]  # (share of members, share of hours)
    metrics: list[tuple[str, str]]  # (name, value) for the table


def hours_by_member(instance: Instance, result: Result) -> dict[str, float]:
    hours: dict[str, float] = {m.id: 0.0 for m in instance.members}
    for a in result.assignments:
        hours[a.member] = hours.get(a.member, 0.0) + a.hours
    return hours


def fairness(instance: Instance, result: Result) -> Fairness:
    """Hours histogram, Lorenz curve and the metrics table of a roster, over the members who
    work at least one detail or are eligible for one (the metrics of `distribution.metrics`)."""
    from offduty.constraints.eligibility import compute_eligibility

    arrays = InstanceArrays.build(instance)
    pool = np.zeros(arrays.n_members, dtype=np.bool_)
    pool[compute_eligibility(arrays, result.candidates).pairs.member] = True
    per_member = hours_by_member(instance, result)
    values = np.array(
        [per_member[m.id] for i, m in enumerate(instance.members) if pool[i] or per_member[m.id]],
        dtype=np.float64,
    )
    values.sort()
    top = float(values.max()) if len(values) else 0.0
    bins = max(1, min(12, math.ceil(top / 2))) if top > 0 else 1
    width = max(top / bins, 1.0) if top > 0 else 1.0
    counts = np.histogram(values, bins=bins, range=(0, width * bins))[0] if len(values) else np.zeros(bins)
    histogram = [(round(i * width, 2), round((i + 1) * width, 2), int(c)) for i, c in enumerate(counts)]
    total = float(values.sum())
    lorenz = [(0.0, 0.0)]
    if len(values) and total > 0:
        cum = np.cumsum(values) / total
        n = len(values)
        idx = np.unique(np.linspace(0, n - 1, min(n, 50)).astype(int))
        lorenz += [(float((i + 1) / n), float(cum[i])) for i in idx]
    else:
        lorenz.append((1.0, 1.0))
    working = values[values > 0]
    metrics: list[tuple[str, str]] = [
        ("members in the pool", f"{len(values):,}"),
        ("members with work", f"{len(working):,}"),
        ("hours assigned", f"{total:,.1f}"),
        ("mean hours (pool)", f"{values.mean():.2f}" if len(values) else "–"),
        ("max − min hours (pool)", f"{(values.max() - values.min()):.2f}" if len(values) else "–"),
        ("Gini of hours (pool)", f"{gini(values):.3f}" if len(values) else "–"),
    ]
    for key in ("hours_gini", "seniority_inversions", "fcfs_inversions", "rotation_inversions", "pay_cost"):
        if result.metrics.get(key) is not None:
            value = result.metrics[key]
            metrics.append(
                (key.replace("_", " "), f"{value:,.3f}" if isinstance(value, float) else f"{value:,}")
            )
    return Fairness([float(v) for v in values], histogram, lorenz, metrics)


# --- downloads --------------------------------------------------------------------------------------


def payroll_csv(instance: Instance, result: Result) -> bytes:
    """The payroll export of the roster (`offduty payroll`)."""
    from offduty.service.io.payroll import payroll_csv as to_csv
    from offduty.service.io.payroll import payroll_frame

    return to_csv(payroll_frame(instance, result))


# --- new solves: the demo scenario and the importer's CSV files ---------------------------------------


def demo_instance(seed: int = 1) -> dict[str, object]:
    """The README quick start's demo: the Chiefs game at Arrowhead (`offduty demo`)."""
    from offduty.benchmarks.scenarios import generate

    return dict(generate(DEMO_SCENARIO, seed))


def import_files(
    settings: Settings, files: Mapping[str, bytes], name: str = "", policy: bytes | None = None
) -> dict[str, object]:
    """The instance document of the importer's CSV/XLSX files (the API's `POST /imports`,
    `exchange.import_upload`), or RequestProblem naming every problem by file, row and column."""
    from offduty.service.usecases.exchange import ImportRejected, Upload, UploadTooLarge, import_upload

    try:
        instance = import_upload(
            settings,
            {key: Upload(key, data) for key, data in files.items()},
            policy=Upload("policy.json", policy) if policy else None,
            name=name or "imported",
        )
    except ImportRejected as exc:
        problems = [Problem(_row_path(e), e.message, ProblemKind.SCHEMA) for e in exc.errors]
        raise RequestProblem(problems, "the CSV files have problems") from None
    except UploadTooLarge as exc:
        raise RequestProblem([Problem(f"files.{exc.field}", str(exc), ProblemKind.OUT_OF_RANGE)]) from None
    return dict(instance.model_dump(mode="json"))


def _row_path(error: object) -> str:
    file, row, column = (getattr(error, k, None) for k in ("file", "row", "column"))
    path = str(file or "files")
    if row:
        path += f"[row {row}]"
    if column:
        path += f".{column}"
    return path


def importer_tables() -> list[tuple[str, bool]]:
    """(file key, required) of the importer's files, in its order."""
    from offduty.service.io.schema import TABLES

    return [(key, not table.optional) for key, table in TABLES.items()]


# --- comparisons ----------------------------------------------------------------------------------


@dataclass
class MemberChange:
    member: str
    name: str
    hours: dict[str, float]  # label -> hours
    gain: float  # the last label's hours minus the first's


def comparison_members(
    services: Services, principal: Principal, comparison: ComparisonRecord, top: int = 15
) -> tuple[list[str], list[MemberChange], dict[str, list[float]]]:
    """The labels of the comparison's finished rosters, the members who gain or lose the most
    hours from the first roster to each other, and each roster's sorted hours (for the overlaid
    charts)."""
    jobs = [j for j in services.store.comparison_jobs(comparison.id) if j.agency == principal.agency]
    labels, per_label, sorted_hours = [], {}, {}
    instance = None
    for job in jobs:
        found = services.store.solution(job.id)
        if found is None or not found.final:
            continue
        result = result_of(found)
        if not result.has_solution:
            continue
        if instance is None:
            instance = job_instance(services, principal, job.id)
        label = job.label or job.id
        labels.append(label)
        per_label[label] = hours_by_member(instance, result)
        sorted_hours[label] = sorted(per_label[label].values())
    if instance is None or len(labels) < 1:
        return labels, [], sorted_hours
    names = {m.id: m.name for m in instance.members}
    first = labels[0]
    changes = []
    for member in names:
        hours = {label: per_label[label].get(member, 0.0) for label in labels}
        gain = max((hours[label] - hours[first] for label in labels[1:]), key=abs, default=0.0)
        if gain:
            changes.append(MemberChange(member, names[member], hours, gain))
    changes.sort(key=lambda c: (-abs(c.gain), c.member))
    return labels, changes[:top], sorted_hours


def agency_comparisons(services: Services, principal: Principal, limit: int = 20) -> list[ComparisonRecord]:
    """The agency's recent comparisons, newest first (from its jobs)."""
    jobs, _ = _recent_jobs(services, principal, 200)
    seen: dict[str, None] = {}
    for job in jobs:
        if job.comparison_id is not None:
            seen.setdefault(job.comparison_id, None)
    out = []
    for cid in list(seen)[:limit]:
        found = services.store.get_comparison(cid, principal.agency)
        if found is not None:
            out.append(found)
    return out


def _recent_jobs(services: Services, principal: Principal, limit: int) -> tuple[list[JobRecord], None]:
    return services.store.list_jobs(principal.agency, [], limit, None), None


def instance_members(instance: Instance) -> list[tuple[str, str]]:
    """(id, "id · name · rank") of the members, by id."""
    return sorted((m.id, " · ".join(x for x in (m.id, m.name, m.rank.value) if x)) for m in instance.members)


def instance_positions(instance: Instance) -> list[tuple[str, str]]:
    tz = _local(instance)
    return [
        (p.id, f"{p.id} · {e.name or e.id} {s.start.astimezone(tz):%a %H:%M}")
        for e in instance.events
        for s in e.shifts
        for p in s.positions
    ]


def problems_by_field(problems: Sequence[Problem]) -> dict[str, list[str]]:
    """Problems grouped by the form field they belong to (the first part of their path)."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in problems:
        out[p.path.split(".")[0].split("[")[0]].append(f"{p.path}: {p.message}")
    return dict(out)


def job_page(
    services: Services,
    principal: Principal,
    states: Sequence[JobState],
    strategy: str | None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[JobRecord], str | None]:
    """A page of the agency's jobs (`jobs.list_jobs`), only those of `strategy` when given."""
    if strategy is None:
        return list_jobs(services, principal, states, limit, cursor)
    out: list[JobRecord] = []
    while True:
        items, cursor = list_jobs(services, principal, states, limit, cursor)
        for job in items:
            if job.parameters.get("strategy") == strategy:
                out.append(job)
                if len(out) == limit:
                    return out, encode_cursor(job)
        if cursor is None:
            return out, None


def vacated_positions(document: str, assignments: Sequence[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(position, held, count) of the positions a roster version leaves short; `document` is the
    roster's stored (validated) instance, read without validating it again."""
    held = Counter(p for _, p in assignments)
    raw = json.loads(document)
    return [
        (str(p["id"]), held[p["id"]], int(p["count"]))
        for e in raw.get("events", [])
        for s in e.get("shifts", [])
        for p in s.get("positions", [])
        if held[p["id"]] < int(p["count"])
    ]


def report_lines(report: Mapping[str, object] | None) -> list[str]:
    """A roster version's change report in plain sentences (`ChangeReport.lines`)."""
    if not report:
        return []
    from offduty.service.usecases.resolving import ChangeReport

    try:
        return ChangeReport.model_validate(report).lines()
    except ValueError:
        return [json.dumps(report, indent=1, default=str)]
