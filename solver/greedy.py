"""The greedy list method commercial platforms use, as a peer and a fallback.

Walk the positions in time order (earlier shift first, higher priority first within a start
time) and give each open slot to the best-ranked candidate, in the strategy's list order, who
still fits every rule given what was already handed out. Afterwards, tavern shifts left below
their minimum are emptied (C-TAVERN-MIN: at least three, or none). Staffing floors are not
planned for; a floor the list leaves unmet is reported as a shortage.

It is fast (one pass over the eligible pairs) and what the optimizer is measured against; its
solution is also the optimizer's starting hint.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from offduty.constraints.eligibility import compute_eligibility
from offduty.constraints.workdays import iso_weeks, work_days
from offduty.distribution.base import Strategy
from offduty.distribution.metrics import solution_metrics
from offduty.distribution.registry import get_strategy
from offduty.models.arrays import InstanceArrays, IntArray, hours_to_minutes
from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus
from offduty.solver.builder import ModelBuilder
from offduty.solver.params import SolveParams
from offduty.solver.result import Result


@dataclass(frozen=True, eq=False)
class GreedySolution:
    values: IntArray  # 0/1 per pair variable
    #: Why the roster breaks a rule, when the locked assignments (kept regardless) force it to.
    flaw: str | None = None

    @property
    def valid(self) -> bool:
        return self.flaw is None


def greedy_values(builder: ModelBuilder, strategy: Strategy) -> GreedySolution:
    """The greedy list solution."""
    a, pairs = builder.arrays, builder.pairs
    policy = a.instance.policy
    rest = hours_to_minutes(policy.min_rest_hours)
    cap = hours_to_minutes(policy.work_day_cap_hours)
    week_cap = (hours_to_minutes(policy.max_secondary_hours_per_week)
                if policy.max_secondary_hours_per_week is not None else None)
    n = len(pairs)
    chosen = np.zeros(n, dtype=np.int64)
    if n == 0:
        return GreedySolution(chosen, builder.conflicts[0] if builder.conflicts else None)

    days = work_days(a)
    day_pair, day_idx = days.touched(pairs.member, pairs.start, pairs.end)
    days_of: list[list[int]] = [[] for _ in range(n)]
    for p, d in zip(day_pair.tolist(), day_idx.tolist(), strict=True):
        days_of[p].append(d)
    weeks = iso_weeks(a)
    first_week = np.searchsorted(weeks, pairs.start, side="right") - 1
    last_week = np.searchsorted(weeks, pairs.end - 1, side="right") - 1

    day_load = days.on_duty.astype(np.int64).copy()
    week_load: dict[tuple[int, int], int] = defaultdict(int)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)  # member -> intervals + rest
    exempt = a.member_cap_exception
    start, end, minutes = pairs.start.tolist(), pairs.end.tolist(), pairs.minutes.tolist()
    member = pairs.member.tolist()
    filled = np.zeros(a.n_positions, dtype=np.int64)

    def fits(i: int) -> bool:
        m = member[i]
        s, e = start[i], end[i]
        for bs, be in busy[m]:
            if s < be and bs < e + rest:
                return False
        if not exempt[m]:
            for d in days_of[i]:
                if day_load[d] + minutes[i] > cap:
                    return False
        if week_cap is not None:
            for w in range(int(first_week[i]), int(last_week[i]) + 1):
                if week_load[(m, w)] + minutes[i] > week_cap:
                    return False
        return True

    def take(i: int) -> None:
        m = member[i]
        chosen[i] = 1
        filled[pairs.position[i]] += 1
        busy[m].append((start[i], end[i] + rest))
        for d in days_of[i]:
            day_load[d] += minutes[i]
        for w in range(int(first_week[i]), int(last_week[i]) + 1):
            week_load[(m, w)] += minutes[i]

    flaw = builder.conflicts[0] if builder.conflicts else None
    for i in np.flatnonzero(builder.locked_pairs()).tolist():
        if not fits(i) and flaw is None:
            flaw = "the locked assignments break a rule between themselves"
        take(i)

    key = strategy.pair_order_key(a, pairs.member, pairs.position)
    order = np.lexsort((pairs.member, key, pairs.position))  # by position, then list order
    by_position = np.split(order, np.flatnonzero(np.diff(pairs.position[order])) + 1)
    candidates = {int(pairs.position[g[0]]): g for g in by_position}
    position_order = np.lexsort((np.arange(a.n_positions), -a.position_priority, a.position_start))
    for p in position_order.tolist():
        for i in candidates.get(p, ()):
            if filled[p] >= a.position_count[p]:
                break
            if not chosen[i] and fits(int(i)):
                take(int(i))

    if not _empty_short_tavern_shifts(builder, chosen) and flaw is None:
        flaw = "the greedy list left a tavern shift with a locked member below its minimum"
    return GreedySolution(chosen, flaw)


def _empty_short_tavern_shifts(builder: ModelBuilder, chosen: IntArray) -> bool:
    """Empty the tavern shifts below their minimum; False if locked assignments keep one short."""
    a, pairs = builder.arrays, builder.pairs
    minimum = a.instance.policy.tavern_min_officers
    bound = (a.employer_tavern[a.event_employer] & ~a.event_understaffing_approved)[a.shift_event]
    staffed = np.bincount(pairs.shift, weights=chosen, minlength=a.n_shifts)
    short = bound & (staffed > 0) & (staffed < minimum)
    locked = builder.locked_pairs()
    chosen[short[pairs.shift] & ~locked] = 0
    return not (short[pairs.shift] & locked).any()


def solve_greedy(instance: Instance, params: SolveParams | None = None) -> Result:
    """The greedy baseline as a full solve: same Result format as `solver.solve`."""
    from offduty.solver.solve import assignments_out, shortages_out, unfilled_out

    params = params or SolveParams()
    started = time.perf_counter()
    strategy = get_strategy(params.strategy)
    arrays = InstanceArrays.build(instance)
    eligibility = compute_eligibility(arrays, params.candidates)
    builder = ModelBuilder(arrays, eligibility, allow_understaffed=True).build()
    build_s = time.perf_counter() - started
    t = time.perf_counter()
    greedy = greedy_values(builder, strategy)
    values = greedy.values
    solve_s = time.perf_counter() - t
    chosen = np.flatnonzero(values == 1)
    member, position = builder.pairs.member[chosen], builder.pairs.position[chosen]
    shortages = shortages_out(builder, values)
    explanation = list(builder.conflicts)
    if greedy.flaw is not None and not explanation:
        explanation.append(greedy.flaw)
    if shortages and not params.allow_understaffed:
        explanation.append("the greedy list left staffing floors unmet (see shortages)")
    ok = not explanation
    return Result.model_validate({
        "status": SolveStatus.FEASIBLE if ok else SolveStatus.UNKNOWN,
        "strategy": params.strategy,
        "candidates": params.candidates,
        "timings": {"build_s": round(build_s, 4), "solve_s": round(solve_s, 4),
                    "total_s": round(time.perf_counter() - started, 4)},
        "assignments": assignments_out(arrays, member, position),
        "unfilled": unfilled_out(arrays, eligibility, position),
        "metrics": solution_metrics(arrays, eligibility, member, position),
        "shortages": shortages,
        "explanation": explanation,
    })
