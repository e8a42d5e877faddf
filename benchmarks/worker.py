"""One peer run in a fresh process: the runner starts one per (scenario, peer, strategy, repeat).

    python -m offduty.benchmarks.worker offduty --instance game.json --strategy seniority \
        --time-limit 60 --out r.json
    python -m offduty.benchmarks.worker cpsat-default ...   # EngineParams(ortools_defaults=True, workers=2)
    python -m offduty.benchmarks.worker greedy ...             # solver.greedy.solve_greedy
    python -m offduty.benchmarks.worker export --instance game.json --npz model.npz   # for the highs peer

`--resolve` solves the instance as a re-solve of its published roster (`SolveParams.resolve`):
the runner passes it for the re-solve scenarios (`instances.RESOLVE_SCENARIOS`).

Parsing the instance file is not timed (every peer gets the parsed instance); the times are the
engine's own `Result.timings`. The process reports its own peak RSS, so imports and memory of one
run never leak into another. The result is one JSON object (see `benchmarks.common.ROW_KEYS`,
plus `tiers` and `extra`), written to `--out` or as the last line of stdout.
"""

from __future__ import annotations

import argparse
import importlib
import time
from typing import Any

from offduty.benchmarks.common import Watchdog, cpu_s, peak_mb, write_result
from offduty.models import load_instance_file
from offduty.models.instance import Instance

PEER_NAMES = ("offduty", "cpsat-default", "greedy")


def required_slots(instance: Instance) -> int:
    return sum(p.count for e in instance.events for s in e.shifts for p in s.positions)


def run_offduty(instance: Instance, peer: str, strategy: str, time_limit: float,
                out: str | None = None, resolve: bool = False) -> dict[str, Any]:
    from offduty.solver.params import EngineParams, Progress, Resolve, SolveParams
    from offduty.solver.solve import solve

    again = Resolve() if resolve else None
    if peer == "offduty":
        params = SolveParams(strategy=strategy, time_limit=time_limit, resolve=again)
    elif peer == "cpsat-default":
        params = SolveParams(strategy=strategy, time_limit=time_limit, resolve=again,
                             engine=EngineParams(ortools_defaults=True, workers=2))
    else:
        raise ValueError(f"unknown CP-SAT peer {peer!r}")
    first: list[float] = []
    latest: dict[str, Progress] = {}
    trajectory: list[tuple[float, int, float]] = []  # (elapsed s, tier index, incumbent)

    def progress(p: Progress) -> None:
        if not first and p.objective is not None:
            first.append(p.elapsed_s)
        if p.objective is not None:
            trajectory.append((round(p.elapsed_s, 4), p.tier_index, p.objective))
        latest[p.tier] = p

    def partial(elapsed: float) -> dict[str, Any]:
        """What is known when solve() overran its time limit: the progress reports."""
        seen = list(latest.values())
        return {"peer": peer, "strategy": strategy, "build_s": None, "solve_s": None,
                "total_s": round(elapsed, 4), "first_feasible_s": round(first[0], 4) if first else None,
                "best_s": best_time(trajectory), "violations": None,
                "objective": [p.objective for p in seen], "bound": [p.bound for p in seen],
                "gap": max((p.gap for p in seen if p.gap is not None), default=None),
                "filled": None, "required": required_slots(instance),
                "tiers": [{"name": p.tier, "status": "unknown", "objective": p.objective, "bound": p.bound,
                           "gap": p.gap} for p in seen], "scenario": "", "extra": {"trajectory": trajectory}}

    with Watchdog(time_limit, out, partial):
        result = solve(instance, params, progress=progress)
    tiers = [{"name": t.name, "status": t.status, "objective": t.objective, "bound": t.bound,
              "gap": t.gap, "solve_s": t.solve_s} for t in result.tiers]
    row = _row(result, peer, strategy, first[0] if first else None, tiers)
    row["best_s"] = best_time(trajectory)
    row["extra"]["trajectory"] = trajectory
    row["_result"] = result
    return row


def verified(instance: Instance, result: Any) -> bool | None:
    """Does the returned roster pass the independent verifier (offduty.solver.verify)?"""
    if not result.status.has_solution:
        return None
    from offduty.solver.verify import verify

    return not verify(instance, result.assignments)


def _completed(instance: Instance, strategy: str, assignments: list[tuple[str, str]],
               resolve: bool = False) -> tuple[Any, Any]:
    """offduty's model of the instance (same `prepare()` as solve) and the roster as a complete
    assignment of its variables."""
    import numpy as np

    from offduty.solver.params import Resolve, SolveParams
    from offduty.solver.prepare import prepare

    prepared = prepare(instance, SolveParams(strategy=strategy, resolve=Resolve() if resolve else None))
    model = prepared.model
    a = prepared.arrays
    member = {m: i for i, m in enumerate(a.member_ids)}
    position = {p: i for i, p in enumerate(a.position_ids)}
    idx = prepared.pairs.index_of(np.asarray([member[m] for m, _ in assignments], dtype=np.int64),
                                  np.asarray([position[p] for _, p in assignments], dtype=np.int64))
    values = np.zeros(len(prepared.pairs), dtype=np.int64)
    values[idx[idx >= 0]] = 1
    return model, model.cpsat.complete(values)


def lp_bounds(instance: Instance, strategy: str, assignments: list[tuple[str, str]], seconds: float,
              resolve: bool = False) -> list[float | None]:
    """The LP bound of each tier of offduty's model (GLOP), the tiers before it held at the values
    of the returned roster; see offduty.solver.lp. Computed after the timed solve."""
    from offduty.solver.lp import tier_lp_bounds

    model, values = _completed(instance, strategy, assignments, resolve)
    return tier_lp_bounds(model.cpsat, model.tiers, values, seconds)


def tier_values(instance: Instance, strategy: str, assignments: list[tuple[str, str]],
                resolve: bool = False) -> list[int]:
    """The roster's value on each of offduty's tiers (for the greedy list's row)."""
    model, values = _completed(instance, strategy, assignments, resolve)
    return [tier.value(values) for tier in model.tiers]


def eligible_pairs(instance: Instance, strategy: str) -> int:
    from offduty.solver.params import SolveParams
    from offduty.solver.prepare import prepare

    return len(prepare(instance, SolveParams(strategy=strategy)).pairs)


def add_lp_columns(instance: Instance, result: dict[str, Any], seconds: float, resolve: bool = False) -> None:
    """`lp_bound` (per tier) and `lp_gap` (the worst tier's gap of the roster to it)."""
    from offduty.benchmarks.common import relative_gap

    solved = result.get("_result")
    if seconds <= 0 or solved is None or not solved.status.has_solution:
        return
    bounds = lp_bounds(instance, result["strategy"], solved.pairs(), seconds, resolve)
    result["lp_bound"] = [None if b is None else round(b, 2) for b in bounds]
    gaps = [relative_gap(o, b) for o, b in zip(result.get("objective") or [], bounds, strict=False)]
    result["lp_gap"] = None if not gaps or any(g is None for g in gaps) else max(
        g for g in gaps if g is not None)


def best_time(trajectory: list[tuple[float, int, float]]) -> float | None:
    """When the final incumbent (the last tier's last value) was first reported."""
    if not trajectory:
        return None
    _, tier, value = trajectory[-1]
    return next(t for t, k, v in trajectory if k == tier and v == value)


def run_greedy(instance: Instance, strategy: str, resolve: bool = False) -> dict[str, Any]:
    from offduty.solver.greedy import solve_greedy
    from offduty.solver.params import Resolve, SolveParams

    result = solve_greedy(instance, SolveParams(strategy=strategy, resolve=Resolve() if resolve else None))
    feasible = result.status.has_solution
    total = result.timings.get("total_s")
    row = _row(result, "greedy", strategy, total if feasible else None, [])
    row["best_s"] = row["first_feasible_s"]
    row["_result"] = result
    return row


def _row(result: Any, peer: str, strategy: str, first: float | None,
         tiers: list[dict[str, Any]]) -> dict[str, Any]:
    timings = result.timings
    metrics = result.metrics
    return {
        "peer": peer, "strategy": strategy,
        "build_s": timings.get("build_s"), "solve_s": timings.get("solve_s"),
        "total_s": timings.get("total_s"),
        "first_feasible_s": None if first is None else round(first, 4),
        "best_s": None, "violations": None,
        "status": str(result.status.value),
        "objective": list(result.objective or []), "bound": list(result.bound or []),
        # a tier that ran and found nothing leaves the roster unproven: no gap to report
        "gap": result.gap if all(t.get("objective") is not None for t in tiers) else None,
        "filled": metrics.get("filled", 0),
        "required": metrics.get("required"),
        "tiers": tiers,
        "extra": {"changes": metrics.get("changes"),
                  "seniority_inversions": metrics.get("seniority_inversions"),
                  "explanation": list(result.explanation or [])[:5],
                  "shortages": len(result.shortages or [])},
    }


def run_export(instance: Instance, strategy: str, npz: str, scenario: str,
               resolve: bool = False) -> dict[str, Any]:
    from offduty.benchmarks.milp import export_model

    t = time.perf_counter()
    model = export_model(instance, strategy, scenario=scenario, resolve=resolve)
    model.save(npz)
    return {"peer": "export", "strategy": strategy, "build_s": round(model.build_s, 4),
            "export_s": round(time.perf_counter() - t, 4), "columns": model.n_cols, "rows": model.n_rows,
            "nonzeros": model.nnz, "pairs": model.n_pairs, "tiers": model.tier_names,
            "complete_hint": model.hint is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("peer", choices=[*PEER_NAMES, "export"])
    parser.add_argument("--instance", required=True, help="instance JSON (DESIGN.md format)")
    parser.add_argument("--scenario", default="", help="scenario name, copied into the result")
    parser.add_argument("--strategy", default="seniority")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds, build and all tiers")
    parser.add_argument("--npz", help="export: where to write the MILP arrays")
    parser.add_argument("--lp", type=float, default=0.0,
                        help="seconds for GLOP's LP bound of each tier after the solve (0: none)")
    parser.add_argument("--resolve", action="store_true", help="re-solve the published roster")
    parser.add_argument("--out", default=None, help="result JSON file (default: last line of stdout)")
    args = parser.parse_args(argv)

    t = time.perf_counter()
    instance = load_instance_file(args.instance)
    parse_s = time.perf_counter() - t
    for module in ("offduty.solver.solve", "offduty.solver.greedy"):  # import outside the CPU measurement
        importlib.import_module(module)
    cpu_before = cpu_s()
    if args.peer == "export":
        if not args.npz:
            parser.error("export needs --npz")
        result = run_export(instance, args.strategy, args.npz, args.scenario, args.resolve)
    elif args.peer == "greedy":
        result = run_greedy(instance, args.strategy, args.resolve)
    else:
        result = run_offduty(instance, args.peer, args.strategy, args.time_limit, args.out, args.resolve)
    result["scenario"] = args.scenario
    result["parse_s"] = round(parse_s, 4)
    result["peak_mb"] = peak_mb()  # before the LP bound and the verifier, which are not the solve's
    result["cpu_s"] = round(cpu_s() - cpu_before, 3)
    if "_result" in result:
        result["verified"] = verified(instance, result["_result"])
        result.setdefault("extra", {})["pairs"] = eligible_pairs(instance, args.strategy)
        if args.peer == "greedy" and result["_result"].status.has_solution:
            # the list has no objective of its own: its roster's value on offduty's tiers
            result["objective"] = tier_values(instance, args.strategy, result["_result"].pairs(),
                                              args.resolve)
    if args.peer in ("offduty", "cpsat-default"):
        add_lp_columns(instance, result, args.lp, args.resolve)
    result.pop("_result", None)
    write_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
