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

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from offduty.constraints.base import Pairs
from offduty.constraints.workdays import iso_weeks, work_days
from offduty.models.arrays import IntArray, hours_to_minutes
from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus
from offduty.solver.params import SolveParams
from offduty.solver.prepare import Prepared, prepare
from offduty.solver.result import Result
from offduty.solver.roster import roster_parts, shortages_out
from offduty.solver.tiers import published_pairs, resolve_changes_terms


@dataclass(frozen=True, eq=False)
class GreedyRoster:
    values: IntArray  # 0/1 per eligible pair
    #: Why the roster breaks a rule, when the locked assignments (kept regardless) force it to.
    flaw: str | None = None

    @property
    def valid(self) -> bool:
        return self.flaw is None

    @property
    def chosen(self) -> IntArray:
        return np.flatnonzero(self.values == 1)


def greedy_roster(prepared: Prepared) -> GreedyRoster:
    """The greedy list roster over the prepared eligible pairs."""
    a, pairs = prepared.arrays, prepared.pairs
    policy = a.instance.policy
    rest = hours_to_minutes(policy.min_rest_hours)
    cap = hours_to_minutes(policy.work_day_cap_hours)
    week_cap = (hours_to_minutes(policy.max_secondary_hours_per_week)
                if policy.max_secondary_hours_per_week is not None else None)
    n = len(pairs)
    chosen = np.zeros(n, dtype=np.int64)
    conflicts = prepared.eligibility.unkeepable_locks()
    if n == 0:
        return GreedyRoster(chosen, conflicts[0] if conflicts else None)

    # the part of each pair inside each work day and week, by pair (pieces come sorted by pair)
    days = work_days(a)
    d_item, d_day, d_minutes = days.pieces(pairs.member, pairs.start, pairs.end)
    d_from = np.searchsorted(d_item, np.arange(n + 1)).tolist()
    day_of, day_minutes = d_day.tolist(), d_minutes.tolist()
    w_item, w_week, w_minutes = iso_weeks(a).pieces(pairs.start, pairs.end)
    w_from = np.searchsorted(w_item, np.arange(n + 1)).tolist()
    week_of, week_minutes = w_week.tolist(), w_minutes.tolist()

    # room left in each day: floor(cap - exact on-duty load) less the details taken
    day_room = days.room(cap).tolist()
    week_load: dict[tuple[int, int], int] = defaultdict(int)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)  # member -> intervals + rest
    exempt = a.member_cap_exception
    start, end = pairs.start.tolist(), pairs.end.tolist()
    member = pairs.member.tolist()
    filled = np.zeros(a.n_positions, dtype=np.int64)

    def fits(i: int) -> bool:
        m = member[i]
        s, e = start[i], end[i]
        for bs, be in busy[m]:
            if s < be and bs < e + rest:
                return False
        if not exempt[m]:
            for k in range(d_from[i], d_from[i + 1]):
                if day_minutes[k] > day_room[day_of[k]]:
                    return False
        if week_cap is not None:
            for k in range(w_from[i], w_from[i + 1]):
                if week_load[(m, week_of[k])] + week_minutes[k] > week_cap:
                    return False
        return True

    def take(i: int) -> None:
        m = member[i]
        chosen[i] = 1
        filled[pairs.position[i]] += 1
        busy[m].append((start[i], end[i] + rest))
        for k in range(d_from[i], d_from[i + 1]):
            day_room[day_of[k]] -= day_minutes[k]
        for k in range(w_from[i], w_from[i + 1]):
            week_load[(m, week_of[k])] += week_minutes[k]

    flaw = conflicts[0] if conflicts else None
    locked = pairs.locked()
    for i in np.flatnonzero(locked).tolist():
        if not fits(i) and flaw is None:
            flaw = "the locked assignments break a rule between themselves"
        take(i)
    resolve = prepared.params.resolve
    if resolve is not None:  # a re-solve keeps the published roster first, as far as it fits
        for i in np.flatnonzero(published_pairs(pairs) & ~locked).tolist():
            if fits(i):
                take(i)
            elif resolve.freeze and flaw is None:
                flaw = "the frozen published assignments break a rule between themselves"
    # a re-solve's max_changes: every newcomer costs one change
    budget = _change_budget(prepared, chosen)

    key = prepared.strategy.pair_order_key(a, pairs.member, pairs.position)
    order = np.lexsort((pairs.member, key, pairs.position))  # by position, then list order
    by_position = np.split(order, np.flatnonzero(np.diff(pairs.position[order])) + 1)
    candidates = {int(pairs.position[g[0]]): g for g in by_position}
    position_order = np.lexsort((np.arange(a.n_positions), -a.position_priority, a.position_start))
    for p in position_order.tolist():
        for i in candidates.get(p, ()):
            if filled[p] >= a.position_count[p] or budget <= 0:
                break
            if not chosen[i] and fits(int(i)):
                take(int(i))
                budget -= 1

    if not _empty_short_tavern_shifts(pairs, chosen, locked) and flaw is None:
        flaw = "the greedy list left a tavern shift with a locked member below its minimum"
    if _change_budget(prepared, chosen) < 0 and flaw is None:
        flaw = "the greedy list needs more changes than max_changes allows"
    return GreedyRoster(chosen, flaw)


def acceptable(prepared: Prepared, greedy: GreedyRoster) -> bool:
    """The greedy roster keeps every rule: no flaw, and floors met unless understaffing is allowed
    (the list does not plan for staffing floors)."""
    if not greedy.valid:
        return False
    p = prepared
    return p.params.allow_understaffed or not shortages_out(p.arrays, p.pairs.position[greedy.chosen])


def _change_budget(prepared: Prepared, chosen: IntArray) -> int | float:
    """Changes a re-solve may still make with the roster `chosen` (infinite without a limit)."""
    resolve = prepared.params.resolve
    if resolve is None or resolve.max_changes is None:
        return math.inf
    terms = resolve_changes_terms(prepared.pairs)
    return resolve.max_changes - (int((terms.coeffs * chosen[terms.variables]).sum()) + terms.offset)


def _empty_short_tavern_shifts(pairs: Pairs, chosen: IntArray, locked: np.ndarray) -> bool:
    """Empty the tavern shifts below their minimum; False if locked assignments keep one short."""
    a = pairs.arrays
    minimum = a.instance.policy.tavern_min_officers
    bound = (a.employer_tavern[a.event_employer] & ~a.event_understaffing_approved)[a.shift_event]
    staffed = np.bincount(pairs.shift, weights=chosen, minlength=a.n_shifts)
    short = bound & (staffed > 0) & (staffed < minimum)
    chosen[short[pairs.shift] & ~locked] = 0
    return not (short[pairs.shift] & locked).any()


def solve_greedy(instance: Instance, params: SolveParams | None = None) -> Result:
    """The greedy baseline as a full solve: the same Result format as `solver.solve`."""
    params = params or SolveParams()
    prepared = prepare(instance, params)
    build_s = prepared.elapsed()
    t = time.perf_counter()
    greedy = greedy_roster(prepared)
    solve_s = time.perf_counter() - t
    chosen = greedy.chosen
    shortages = shortages_out(prepared.arrays, prepared.pairs.position[chosen])
    explanation = [] if greedy.valid else [str(greedy.flaw)]
    if shortages and not params.allow_understaffed:
        explanation.append("the greedy list left staffing floors unmet (see shortages)")
    return Result.model_validate({
        "status": SolveStatus.UNKNOWN if explanation else SolveStatus.FEASIBLE,
        "strategy": params.strategy,
        "candidates": params.candidates,
        "timings": {"build_s": round(build_s, 4), "solve_s": round(solve_s, 4),
                    "total_s": round(prepared.elapsed(), 4)},
        **roster_parts(prepared.eligibility, chosen),
        "shortages": shortages,
        "explanation": explanation,
    })
