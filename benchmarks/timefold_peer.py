"""The `timefold` peer: the instance solved by Timefold Solver (constraint streams, local search).

    python -m offduty.benchmarks.timefold_peer --instance game.json --strategy seniority \
        --time-limit 60 --out result.json

Runs in its own process (the runner starts one per run): Timefold's Python package runs the JVM
inside this process through JPype, so this process's peak RSS is the JVM's too (measured with
the peak of any child it starts). Needs the `bench-timefold` extra and a JDK 17+
(`java` on PATH or JAVA_HOME); `timefold_available()` says why not where it cannot run.

The model (`benchmarks.timefold_model`) is the employee-scheduling quickstart's: a planning
entity per position slot, a nullable member whose value range is offduty's eligible members of
the position, hard rules as constraint streams, offduty's tiers as soft levels. Timefold runs with
its default algorithms (construction heuristic, then late acceptance) until the time limit, which
counts everything after parsing: offduty's eligibility and facts, starting the JVM, translating
the Python model to Java, and solving. A re-solve starts from the instance's current roster (a
Timefold user's warm start; offduty starts from its greedy list).

Afterwards, outside the timed span: the roster goes through offduty's independent verifier
(`solver.verify`): a roster that breaks a rule is reported with status `invalid` and the codes,
and gets no objective. A valid roster is scored with offduty's own tier terms (the objective
column is therefore what offduty would report for this roster); Timefold's own score is kept in
`extra` and must agree.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import resource
import shutil
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from offduty.benchmarks.common import Watchdog, cpu_s, write_result
from offduty.benchmarks.timefold_facts import CapParts, PeerFacts, build_facts
from offduty.models.instance import Instance

if TYPE_CHECKING:
    from offduty.solver.prepare import Prepared

PEER = "timefold"


def timefold_available() -> tuple[bool, str]:
    """(can the peer run here, why not): the `timefold` package and a JVM must both be found."""
    if importlib.util.find_spec("timefold") is None:
        return False, "the timefold package is not installed: pip install -e '.[bench-timefold]'"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return False, ("no JDK found (no `java` on PATH, no JAVA_HOME): Timefold needs a JDK 17+, "
                       "e.g. apt-get install openjdk-17-jdk-headless")
    import jpype

    try:
        jpype.getDefaultJVMPath()
    except jpype.JVMNotFoundException as exc:
        return False, f"no JVM found for JPype: {exc}"
    return True, ""


def peak_tree_mb() -> float:
    """Peak RSS in MB of this process (which holds the JVM) or of any child it waited for."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / scale, 1)


# --- facts to planning objects ---------------------------------------------------------------------


def build_roster(facts: PeerFacts) -> Any:
    """The planning problem: Timefold's objects from offduty's facts (starts the JVM on first use)."""
    from offduty.benchmarks import timefold_domain as td

    a, pairs = facts.arrays, facts.pairs
    used = np.unique(np.concatenate([pairs.member, a.assignment_member]))
    cost = facts.member_cost if facts.member_cost is not None else np.zeros(a.n_members, dtype=np.int64)
    members = {m: td.Member(id=m, ytd=int(facts.member_ytd[m]), cost=int(cost[m]))
               for m in used.tolist()}
    work_days = [td.WorkDay(member=m, room=r, minutes=mi) for m, r, mi in _buckets(facts.work_days)]
    weeks = [td.Week(member=m, room=r, minutes=mi) for m, r, mi in _buckets(facts.weeks)]
    taverns = {s: td.TavernShift(minimum=int(n))
               for s, n in enumerate(facts.tavern_minimum.tolist()) if n > 0}
    segments = [td.FloorSegment(floor=f) for f in facts.floors.floor.tolist()]
    slots = _slots(facts, members, taverns, segments)
    return td.Roster(
        members=list(members.values()), work_days=work_days, weeks=weeks, taverns=list(taverns.values()),
        segments=segments,
        locked=[td.LockedAssignment(member=m, position=p) for m, p in facts.locked],
        previous=[td.PreviousAssignment(member=m, position=p) for m, p in facts.previous],
        slots=slots)


def _buckets(parts: CapParts) -> list[tuple[int, int, dict[int, int]]]:
    """(member, room, {shift: minutes inside}) of each bucket."""
    member = np.zeros(len(parts.bucket_room), dtype=np.int64)
    member[parts.part_bucket] = parts.part_member
    minutes: list[dict[int, int]] = [{} for _ in range(len(parts.bucket_room))]
    for b, s, m in zip(parts.part_bucket.tolist(), parts.part_shift.tolist(), parts.part_minutes.tolist(),
                       strict=True):
        minutes[b][s] = m
    return list(zip(member.tolist(), parts.bucket_room.tolist(), minutes, strict=True))


def _slots(facts: PeerFacts, members: dict[int, Any], taverns: dict[int, Any],
           segments: list[Any]) -> list[Any]:
    """`count` slots per position, each with its position's candidates (one shared list)."""
    from offduty.benchmarks import timefold_domain as td

    a, pairs = facts.arrays, facts.pairs
    by_position = np.argsort(pairs.position, kind="stable")
    cuts = np.searchsorted(pairs.position[by_position], np.arange(a.n_positions + 1))
    # the current roster, locked first, as the starting values (a re-solve's warm start)
    start: dict[int, list[int]] = {}
    for m, p in [*facts.locked, *facts.previous]:
        start.setdefault(p, []).append(m)
    slots: list[Any] = []
    for p in range(a.n_positions):
        idx = by_position[cuts[p]:cuts[p + 1]]
        candidates = [members[m] for m in pairs.member[idx].tolist()]
        eligible = set(pairs.member[idx].tolist())
        # only first come needs a cost per (member, shift); seniority and rotation read the member's
        costs = (dict(zip(pairs.member[idx].tolist(), facts.pair_cost[idx].tolist(), strict=True))
                 if facts.strategy == "first_come" else {})
        shift = int(a.position_shift[p])
        first = [m for m in dict.fromkeys(start.get(p, [])) if m in eligible]
        for k in range(int(a.position_count[p])):
            s, e = int(a.shift_start[shift]), int(a.shift_end[shift])
            slots.append(td.Slot(
                id=len(slots), position=p, shift=shift, start=s, end=e, rest_end=e + facts.min_rest,
                minutes=e - s, priority=int(a.position_priority[p]), tavern=taverns.get(shift),
                segments=[segments[i] for i in facts.floors.segment_of_shift[shift]], costs=costs,
                candidates=candidates, member=members[first[k]] if k < len(first) else None))
    return slots


# --- solving -------------------------------------------------------------------------------------


class Progress:
    """Best-solution events, read from the Java solver without turning the solution into Python
    objects (the package's own listener converts the whole solution at every event)."""

    def __init__(self, started: float) -> None:
        from jpype import JImplements, JOverride

        self.started = started
        self.events: list[tuple[float, list[int], list[int]]] = []  # (elapsed s, hard, soft)
        progress = self

        @JImplements("ai.timefold.solver.core.api.solver.event.SolverEventListener")
        class Listener:
            @JOverride
            def bestSolutionChanged(self, event: Any) -> None:
                if not event.isNewBestSolutionInitialized():
                    return
                score = event.getNewBestScore()
                progress.events.append((time.perf_counter() - progress.started,
                                        [int(v) for v in score.hardScores()],
                                        [int(v) for v in score.softScores()]))

        self.listener = Listener()

    def first_feasible(self) -> float | None:
        return next((t for t, hard, _ in self.events if all(h >= 0 for h in hard)), None)

    def best(self) -> float | None:
        return self.events[-1][0] if self.events else None


class Laps:
    """Wall seconds between successive calls, by name."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.times: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = round(now - self.last, 4)
        self.last = now


def _duration(seconds: float) -> Any:
    from timefold.solver.config import Duration

    return Duration(milliseconds=max(1, int(seconds * 1000)))


def solve_timefold(facts: PeerFacts, time_limit: float, started: float, *, lap: Laps | None = None,
                   weaken: frozenset[str] = frozenset(), unimproved_s: float | None = None,
                   seed: int | None = None) -> dict[str, Any]:
    """Build, solve within `time_limit` seconds counted from `started`, return the roster and times
    (`lap` records the steps of the build as they end, for a watchdog's report)."""
    lap = lap or Laps()
    from timefold.solver import SolverFactory
    from timefold.solver.config import (
        ScoreDirectorFactoryConfig,
        SolverConfig,
        SolverConfigOverride,
        TerminationConfig,
    )

    from offduty.benchmarks import timefold_domain as td  # starts the JVM
    from offduty.benchmarks import timefold_model as tm

    lap("jvm_s")
    from _jpyinterpreter import convert_to_java_python_like_object

    roster = build_roster(facts)
    lap("objects_s")
    config = SolverConfig(
        solution_class=td.Roster, entity_class_list=[td.Slot], random_seed=seed,
        score_director_factory_config=ScoreDirectorFactoryConfig(
            constraint_provider_function=tm.constraints_for(
                facts.strategy, facts.streams(), weaken=weaken, changes_tier=bool(facts.previous))))
    factory = SolverFactory.create(config)  # translates the Python model to Java classes
    lap("translate_s")
    # `Solver.solve` converts the Python problem to Java objects and back around the Java solve;
    # done here in the same steps, so that the conversion counts as build, not as solving time
    java_problem = convert_to_java_python_like_object(roster)
    lap("to_java_s")
    timings = lap.times
    progress = Progress(started)
    build_s = time.perf_counter() - started
    remaining = time_limit - build_s
    if remaining <= 0:
        return {"build_s": build_s, "solve_s": 0.0, "pairs": None, "score": None, "progress": progress,
                "timings": timings,
                "note": f"the build took {build_s:.1f} s of the {time_limit:g} s limit: not solved"}
    unimproved = None if unimproved_s is None else _duration(unimproved_s)
    limits = TerminationConfig(spent_limit=_duration(remaining), unimproved_spent_limit=unimproved)
    solver = factory.build_solver(SolverConfigOverride(termination_config=limits))
    java_solver = solver._delegate
    # the Python wrapper's own listener would convert the whole solution at every event
    java_solver.addEventListener(progress.listener)
    t = time.perf_counter()
    java_solution = java_solver.solve(java_problem)
    solve_s = time.perf_counter() - t
    t = time.perf_counter()
    chosen = roster_pairs(java_solution)
    score = java_solution.getScore()
    timings["from_java_s"] = round(time.perf_counter() - t, 4)
    solve_s += timings["from_java_s"]
    return {"build_s": build_s, "solve_s": solve_s, "pairs": chosen, "progress": progress, "timings": timings,
            "score": None if score is None else {"hard": [int(v) for v in score.hardScores()],
                                                 "soft": [int(v) for v in score.softScores()]}}


def roster_pairs(java_solution: Any) -> list[tuple[int, int]]:
    """(member, position) of every filled slot, read from the Java solution through the getters
    Timefold's translator generates: turning the whole solution back into Python objects (as
    `Solver.solve` does) took 3-5 s on chiefs-game, mostly on facts that never change."""
    out = []
    for slot in java_solution.getSlots():
        member = slot.getMember()
        if member is not None:
            out.append((_int(member.getId()), _int(slot.getPosition())))
    return out


def _int(value: Any) -> int:
    """A translated Python int (`PythonInteger`, a BigInteger inside) as a Python int."""
    return int(value.getValue().longValue())


# --- the roster, checked and scored by offduty -------------------------------------------------------


def offduty_tiers(prepared: Prepared, chosen: list[tuple[int, int]]) -> list[tuple[str, int]]:
    """The roster's value of each of offduty's tiers, from the tiers `solver.prepare` builds for
    offduty itself: coverage, the strategy, and changes when the instance has a current roster."""
    model = prepared.model
    pair_values = np.zeros(len(prepared.pairs), dtype=np.int64)
    member = np.asarray([m for m, _ in chosen], dtype=np.int64)
    position = np.asarray([p for _, p in chosen], dtype=np.int64)
    pair_values[prepared.pairs.index_of(member, position)] = 1
    values = model.cpsat.complete(pair_values)
    return [(tier.name, tier.value(values)) for tier in model.tiers]


def check_roster(prepared: Prepared, chosen: list[tuple[int, int]]) -> dict[str, Any]:
    """The verifier's verdict on the roster and, when it is valid, offduty's tier values."""
    from offduty.solver.verify import verify

    arrays = prepared.arrays
    ids = [(arrays.member_ids[m], arrays.position_ids[p]) for m, p in chosen]
    violations = verify(prepared.instance, ids)
    if violations:
        return {"valid": False, "codes": dict(Counter(v.code for v in violations)),
                "violations": [str(v) for v in violations[:10]]}
    return {"valid": True, "tiers": offduty_tiers(prepared, chosen)}


def _agreement(tiers: list[tuple[str, int]], score: dict[str, list[int]] | None) -> str | None:
    """Does Timefold's own score say what offduty's terms say? (None when it does.)"""
    if score is None:
        return "Timefold returned no score"
    own = [-v for v in score["soft"][: len(tiers)]]
    if own != [v for _, v in tiers]:
        return f"Timefold's soft levels {own} differ from offduty's tier values {[v for _, v in tiers]}"
    return None


def run(instance: Instance, strategy: str, time_limit: float, *, out: str | None = None,
        weaken: frozenset[str] = frozenset(), unimproved_s: float | None = None,
        seed: int | None = None) -> dict[str, Any]:
    from offduty.solver.params import SolveParams
    from offduty.solver.prepare import prepare

    # the same start as offduty's solve: arrays, eligibility, strategy (the CP-SAT model is
    # built only afterwards, to score the roster, outside the timed span)
    prepared = prepare(instance, SolveParams(strategy=strategy, time_limit=time_limit))
    started = prepared.started
    facts = build_facts(prepared.arrays, prepared.eligibility, strategy)
    facts_s = time.perf_counter() - started
    required = int(prepared.arrays.position_count.sum())

    lap = Laps()

    def partial(elapsed: float) -> dict[str, Any]:
        """What is known when the build or Timefold overran the limit: the steps that ended."""
        return {"peer": PEER, "strategy": strategy, "build_s": None, "solve_s": None,
                "total_s": round(elapsed, 4), "first_feasible_s": None, "best_s": None, "objective": [],
                "bound": [], "gap": None, "filled": None, "required": required, "tiers": [],
                "violations": None, "extra": {"facts_s": round(facts_s, 4), **lap.times}}

    with Watchdog(time_limit, out, partial):
        solved = solve_timefold(facts, time_limit, started, lap=lap, weaken=weaken,
                                unimproved_s=unimproved_s, seed=seed)
    total_s = time.perf_counter() - started
    peak = peak_tree_mb()
    progress: Progress = solved["progress"]
    extra: dict[str, Any] = {"facts_s": round(facts_s, 4), **solved["timings"],
                             "eligible_pairs": len(prepared.pairs), "slots": required,
                             "work_day_parts": len(facts.work_days),
                             "score": solved["score"], "improvements": len(progress.events),
                             "weakened": sorted(weaken), "timefold": _version("timefold")}
    row: dict[str, Any] = {
        "peer": PEER, "strategy": strategy, "build_s": round(solved["build_s"], 4),
        "solve_s": round(solved["solve_s"], 4), "total_s": round(total_s, 4),
        "first_feasible_s": _round(progress.first_feasible()), "best_s": _round(progress.best()),
        "objective": [], "bound": [], "gap": None, "filled": 0, "required": required,
        "tiers": [], "peak_mb": peak, "violations": None, "extra": extra}
    if solved["pairs"] is None:
        row["status"] = "unknown"
        extra["note"] = solved.get("note")
        return row
    row["filled"] = len(solved["pairs"])
    verdict = check_roster(prepared, solved["pairs"])
    if not verdict["valid"]:
        row["status"] = "invalid"
        row["violations"] = verdict["codes"]
        extra["violations"] = verdict["violations"]
        return row
    row["violations"] = {}
    row["status"] = "feasible"  # local search proves no bound
    row["objective"] = [v for _, v in verdict["tiers"]]
    row["tiers"] = [{"name": n, "status": "feasible", "objective": v, "bound": None, "gap": None}
                    for n, v in verdict["tiers"]]
    extra["score_agrees"] = _agreement(verdict["tiers"], solved["score"]) or "yes"
    return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    from offduty.models import load_instance_file

    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.timefold_peer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", required=True, help="instance JSON (DESIGN.md format)")
    parser.add_argument("--scenario", default="", help="scenario name, copied into the result")
    parser.add_argument("--strategy", default="seniority")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds: facts, JVM start, translation and solving")
    parser.add_argument("--unimproved", type=float, default=None, metavar="S",
                        help="also stop after S seconds without a better solution")
    parser.add_argument("--seed", type=int, default=None, help="Timefold's random seed")
    parser.add_argument("--weaken", action="append", default=[], metavar="CODE",
                        help="drop the constraint stream of rule CODE (tests the verifier check)")
    parser.add_argument("--out", default=None, help="result JSON file (default: last line of stdout)")
    args = parser.parse_args(argv)
    ok, why = timefold_available()
    if not ok:
        parser.exit(3, f"timefold peer cannot run: {why}\n")
    logging.getLogger("timefold.solver").setLevel(logging.WARNING)
    instance = load_instance_file(args.instance)
    cpu_before = cpu_s()
    result = run(instance, args.strategy, args.time_limit, out=args.out, weaken=frozenset(args.weaken),
                 unimproved_s=args.unimproved, seed=args.seed)
    result["scenario"] = args.scenario
    result["cpu_s"] = round(cpu_s() - cpu_before, 3)
    write_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
