"""Best-known bounds: what a long proof run shows no roster can beat, for the runner's tables.

    python -m offduty.benchmarks best-bound --scenarios kc-month --strategies seniority \\
        [--bound-seconds 60] [--time-limit 900] [--file benchmarks/best_bounds.json]

A 60-s solve reports the bound it proves in its time; the issue-8 targets measure the roster
against the best bound known. This command proves a stronger one by spending longer on the same
relaxations (`EngineParams.bound_seconds`: CP-SAT on each relaxed span of a separable tier, both
workers; PDLP's multipliers for a member-total penalty) and records it per tier in a JSON file
kept in the repository, with the instance's digest, the commit and the command. A recorded bound
only ever rises (the larger of the file's and the new run's), and the runner uses it only for
the instance it was proven on (same scenario, seed and digest).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from offduty.benchmarks.common import relative_gap

DEFAULT_FILE = Path(__file__).with_name("best_bounds.json")
DEFAULT_BOUND_SECONDS = 60.0
DEFAULT_TIME_LIMIT = 900.0


def key(scenario: str, seed: int, strategy: str) -> str:
    return f"{scenario}/{seed}/{strategy}"


def digest(instance_file: Path) -> str:
    """The instance's identity: a bound is valid for exactly these rules and this data."""
    return hashlib.sha256(instance_file.read_bytes()).hexdigest()[:16]


def load(path: Path = DEFAULT_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def merged(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The new record, unless the old one is for the same instance and its last tier's bound is
    stronger (a bound never falls back to a weaker run's)."""
    if old is None or old.get("digest") != new["digest"]:
        return new
    old_last, new_last = old["bound"][-1], new["bound"][-1]
    return old if new_last is None or (old_last is not None and old_last > new_last) else new


def best_for(best: dict[str, Any], scenario: str, seed: int, strategy: str,
             instance_file: Path) -> list[float | None] | None:
    """The recorded per-tier bounds for this instance, or None (none recorded, or proven on
    other data or rules)."""
    record = best.get(key(scenario, seed, strategy))
    if record is None or record.get("digest") != digest(instance_file):
        return None
    return list(record["bound"])


def best_columns(row: dict[str, Any], known: list[float | None] | None) -> None:
    """`best_bound` per tier (the largest of the recorded bound, the run's own and its LP bound)
    and `best_gap` (the worst tier's gap of the roster to it). A roster below a recorded bound
    means the bound is wrong: the row's status says so."""
    objective = row.get("objective") or []
    candidates: list[list[float | None]] = [known or [], row.get("bound") or [], row.get("lp_bound") or []]
    best: list[float | None] = []
    for i in range(len(objective)):
        values = [float(v) for c in candidates if i < len(c) and (v := c[i]) is not None]
        best.append(max(values) if values else None)
    row["best_bound"] = best or None
    gaps = [relative_gap(o, b) for o, b in zip(objective, best, strict=True)]
    known_gaps = [g for g in gaps if g is not None]
    row["best_gap"] = max(known_gaps) if gaps and len(known_gaps) == len(gaps) else None
    if known and any(o is not None and b is not None and o < b - 1e-6
                     for o, b in zip(objective, known, strict=False)):
        row["status"] = f"{row['status']}: below the recorded bound"


def prove(instance_file: Path, strategy: str, bound_seconds: float, time_limit: float) -> dict[str, Any]:
    """One long proof run: the per-tier bounds and the roster it found (both workers)."""
    from offduty.models.instance import Instance
    from offduty.solver.params import EngineParams, SolveParams
    from offduty.solver.solve import solve

    instance = Instance.model_validate_json(instance_file.read_text(encoding="utf-8"))
    engine = EngineParams(workers=2, bound_seconds=bound_seconds)
    started = time.perf_counter()
    result = solve(instance, SolveParams(strategy=strategy, time_limit=time_limit, engine=engine))
    return {"bound": [t.bound for t in result.tiers], "objective": [t.objective for t in result.tiers],
            "seconds": round(time.perf_counter() - started, 1)}


def build_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenarios", required=True, help="comma-separated")
    parser.add_argument("--strategies", default="seniority", help="comma-separated (default: seniority)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bound-seconds", type=float, default=DEFAULT_BOUND_SECONDS,
                        help="CP-SAT seconds per relaxed span, PDLP seconds "
                             f"(default {DEFAULT_BOUND_SECONDS:g})")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                        help=f"seconds per proof run, all tiers (default {DEFAULT_TIME_LIMIT:g})")
    parser.add_argument("--file", default=str(DEFAULT_FILE),
                        help="the bounds file (default: the repository's)")
    parser.add_argument("--cache-dir")


def main(args: argparse.Namespace) -> int:
    from offduty.benchmarks.instances import instance_path
    from offduty.benchmarks.runner import git_commit

    path = Path(args.file)
    best = load(path)
    commit, dirty = git_commit()
    for scenario in args.scenarios.split(","):
        instance_file = instance_path(scenario, args.seed, args.cache_dir)
        for strategy in args.strategies.split(","):
            print(f"[{scenario}] proving {strategy}'s bounds …", file=sys.stderr, flush=True)
            run = prove(instance_file, strategy, args.bound_seconds, args.time_limit)
            record = {"digest": digest(instance_file), "bound": run["bound"], "objective": run["objective"],
                      "seconds": run["seconds"], "commit": commit, "dirty": dirty,
                      "date": time.strftime("%Y-%m-%d", time.gmtime()),
                      "command": (f"python -m offduty.benchmarks best-bound --scenarios {scenario} "
                                  f"--strategies {strategy} --seed {args.seed} "
                                  f"--bound-seconds {args.bound_seconds:g} --time-limit {args.time_limit:g}")}
            k = key(scenario, args.seed, strategy)
            best[k] = merged(best.get(k), record)
            print(f"  {k}: bound {best[k]['bound']}, roster {run['objective']} ({run['seconds']} s)",
                  flush=True)
            path.write_text(json.dumps(best, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0
