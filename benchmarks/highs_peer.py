"""The `highs` peer: offduty's MILP (exported by `benchmarks.worker export`) solved with HiGHS.

    python -m offduty.benchmarks.highs_peer --npz model.npz --time-limit 60 --out result.json

Runs in its own process, without OR-Tools (which bundles its own HiGHS: importing both fails).
Tiers as in `solver.solve`: solve tier 1, add the row ``tier objective <= best``, start the next
tier from the previous solution, and so on, all within one time limit that also counts the build.
Like offduty, tier 1 starts from the greedy solution when the export carries a complete one
(`--no-start` turns that off). HiGHS is asked for a proof to the unit (mip_rel_gap = 0), as
CP-SAT is, and its feasibility-jump heuristic is off (`DEFAULT_OPTIONS`): on kc-week it ran for
90 s before the first node, where without it tier 1 was proven in 30 s. `--option` overrides.

Reported build time = offduty's builder time (in the export) + the HiGHS passModel time.
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

import numpy as np

from offduty.benchmarks.common import Watchdog, cpu_s, peak_mb, relative_gap, worst_gap, write_result
from offduty.benchmarks.milp import MilpArrays

#: HiGHS options of the peer, on top of output_flag/mip_rel_gap/time_limit (see the docstring).
DEFAULT_OPTIONS: dict[str, Any] = {"mip_heuristic_run_feasibility_jump": False}


class HighsRun:
    """The state of one tiered HiGHS solve, readable at any moment (for the watchdog)."""

    def __init__(self, model: MilpArrays, use_start: bool) -> None:
        self.model = model
        self.use_start = use_start and model.hint is not None
        self.build_s: float | None = None
        self.pass_s: float | None = None
        self.solve_s = 0.0
        self.first: float | None = None
        self.last: float | None = None  # the latest improving solution
        self.tiers: list[dict[str, Any]] = []
        self.values: np.ndarray | None = None
        self.notes: list[str] = []
        self.running: str | None = None  # the tier HiGHS is working on
        self.run_started = 0.0
        self.version = ""
        self.options: dict[str, Any] = {}

    def result(self, elapsed: float | None = None) -> dict[str, Any]:
        """The result so far; `elapsed` (wall seconds since passModel) when stopped by the watchdog."""
        model = self.model
        tiers = list(self.tiers)
        if elapsed is not None and self.running is not None:
            tiers.append({"name": self.running, "status": "unknown", "objective": None, "bound": None,
                          "gap": None, "solve_s": round(time.perf_counter() - self.run_started, 4)})
        done = len(tiers) == len(model.tier_names) and all(t["status"] == "optimal" for t in tiers)
        if self.values is None:
            status = tiers[0]["status"] if tiers else "unknown"
            filled = 0
        else:
            status = "optimal" if done else "feasible"
            filled = int((self.values[: model.n_pairs] > 0.5).sum())
        build_s = self.build_s if self.build_s is not None else model.build_s
        total_s = build_s + (elapsed - (self.pass_s or 0.0) if elapsed is not None else self.solve_s)
        solved = [t for t in tiers if t["objective"] is not None]
        return {
            "peer": "highs", "scenario": model.scenario, "strategy": model.strategy,
            "build_s": round(build_s, 4), "solve_s": round(total_s - build_s, 4),
            "total_s": round(total_s, 4),
            "first_feasible_s": None if self.first is None else round(self.first, 4),
            "best_s": None if self.last is None else round(self.last, 4), "violations": None,
            "status": status,
            "objective": [t["objective"] for t in solved], "bound": [t["bound"] for t in solved],
            "gap": worst_gap(tiers), "filled": filled, "required": model.required,
            "tiers": tiers,
            "extra": {"offduty_build_s": round(model.build_s, 4),
                      "pass_model_s": None if self.pass_s is None else round(self.pass_s, 4),
                      "columns": model.n_cols, "rows": model.n_rows, "nonzeros": model.nnz,
                      "pairs": model.n_pairs, "start": self.use_start, "highs": self.version,
                      "options": dict(self.options),
                      "notes": list(self.notes)},
        }


def solve_highs(model: MilpArrays, time_limit: float, *, use_start: bool = True,
                threads: int | None = None, log: bool = False, run: HighsRun | None = None,
                options: dict[str, Any] | None = None) -> dict[str, Any]:
    import highspy

    run = run or HighsRun(model, use_start)
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    h.setOptionValue("mip_rel_gap", 0.0)
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    run.options = {**DEFAULT_OPTIONS, **(options or {})}
    for key, value in run.options.items():
        if h.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS refused option {key}={value!r}")
    run.version = h.version()

    n, m = model.n_cols, model.n_rows
    t = time.perf_counter()
    status = h.passModel(
        n, m, model.nnz, int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize),
        float(model.tier_offsets[0]), np.ascontiguousarray(model.tier_costs[0]),
        model.col_lower, model.col_upper, model.row_lower, model.row_upper,
        model.row_start[:-1].astype(np.int32), model.row_index.astype(np.int32), model.row_value,
        np.full(n, int(highspy.HighsVarType.kInteger), dtype=np.int32))
    run.pass_s = time.perf_counter() - t
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model")
    build_s = run.build_s = model.build_s + run.pass_s

    def improving(_event: Any) -> None:
        run.last = build_s + run.solve_s + time.perf_counter() - run.run_started
        if run.first is None:
            run.first = run.last

    h.cbMipImprovingSolution.subscribe(improving)

    cols = np.arange(n, dtype=np.int32)
    start = model.hint if run.use_start else None
    for k, name in enumerate(model.tier_names):
        remaining = time_limit - build_s - run.solve_s
        if remaining <= 0:
            run.notes.append(f"tier {name!r} not run: time limit reached")
            break
        costs = np.ascontiguousarray(model.tier_costs[k])
        if k > 0:
            h.changeColsCost(n, cols, costs)
            h.changeObjectiveOffset(float(model.tier_offsets[k]))
        if start is not None:
            h.setSolution(n, cols, np.asarray(start, dtype=np.float64))
        h.setOptionValue("time_limit", float(remaining))
        run.running, run.run_started = name, time.perf_counter()
        h.run()
        tier_s = time.perf_counter() - run.run_started
        run.running = None
        run.solve_s += tier_s
        model_status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
        objective = None
        if has_solution:
            values = np.asarray(h.getSolution().col_value, dtype=np.float64)
            objective = float(costs @ values + model.tier_offsets[k])
            bound = _shifted_bound(run, name, float(info.objective_function_value), objective, bound)
        if model_status == highspy.HighsModelStatus.kOptimal:
            tier_status = "optimal"
        elif model_status == highspy.HighsModelStatus.kInfeasible:
            tier_status = "infeasible"
        else:
            tier_status = "feasible" if has_solution else "unknown"
        run.tiers.append({"name": name, "status": tier_status, "objective": objective, "bound": bound,
                          "gap": relative_gap(objective, bound),
                          "mip_gap": float(info.mip_gap) if math.isfinite(info.mip_gap) else None,
                          "solve_s": round(tier_s, 4), "model_status": h.modelStatusToString(model_status),
                          "nodes": int(info.mip_node_count)})
        if objective is None:
            run.notes.append(f"tier {name!r} found no solution")
            break
        run.values = start = values
        # fix this tier at its value before the next one (integer objective: round the incumbent)
        nz = np.flatnonzero(costs).astype(np.int32)
        h.addRow(-highspy.kHighsInf, float(round(objective) - model.tier_offsets[k]), len(nz), nz, costs[nz])
    return run.result()


def _shifted_bound(run: HighsRun, tier: str, reported: float, objective: float,
                   bound: float | None) -> float | None:
    """The tier's bound on the scale of its solution's own value.

    The objective is always recomputed from the solution: HiGHS 1.16, started from a solution
    (`setSolution`) after `changeObjectiveOffset`, reported mass-cancel's changes tier as 73 with
    bound 73 while the solution it returned counts 76 changes (and fixing the tier at 73 then
    made the next tier infeasible). Its bound is reported on the same shifted scale, so it is
    shifted back by the same amount, and the discrepancy is noted."""
    shift = objective - reported
    if abs(shift) <= 1e-6:
        return bound
    run.notes.append(f"tier {tier!r}: HiGHS reported objective {reported:g}, its solution's value is "
                     f"{objective:g}; the bound is shifted by {shift:+g}")
    return None if bound is None else bound + shift


def _option(text: str) -> tuple[str, Any]:
    key, _, raw = text.partition("=")
    value: Any = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    else:
        for kind in (int, float):
            try:
                value = kind(raw)
                break
            except ValueError:
                pass
    return key.strip(), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.highs_peer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--npz", required=True, help="the model exported by `benchmarks.worker export`")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds, build and all tiers")
    parser.add_argument("--no-start", action="store_true", help="do not start from the greedy solution")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--log", action="store_true", help="HiGHS log on stdout")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a HiGHS option (repeatable), e.g. mip_heuristic_run_feasibility_jump=false")
    parser.add_argument("--out", default=None, help="result JSON file (default: last line of stdout)")
    args = parser.parse_args(argv)
    model = MilpArrays.load(args.npz)
    cpu_before = cpu_s()
    run = HighsRun(model, not args.no_start)
    # the limit counts offduty's build, already spent in the export process
    with Watchdog(max(0.0, args.time_limit - model.build_s), args.out, run.result):
        result = solve_highs(model, args.time_limit, use_start=not args.no_start, threads=args.threads,
                             log=args.log, run=run, options=dict(_option(o) for o in args.option))
    result["peak_mb"] = peak_mb()
    # CPU of passModel and the tiers here, plus the export's build (wall: single-threaded numpy)
    result["cpu_s"] = round(cpu_s() - cpu_before + model.build_s, 3)
    write_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
