"""The benchmark runner: every peer on the same instance, each run in a fresh process.

    python -m offduty.benchmarks run [--scenarios a,b] [--peers offduty,cpsat-default,greedy,highs]
                             [--strategies seniority] [--repeat N] [--time-limit S]
                             [--out bench.json] [--quick]
    python -m offduty.benchmarks import-timing [--scenario kc-month] [--repeat 3]   (see import_timing)

Per scenario it prints one table (medians over the repeats): build, solve and total seconds,
time to the first feasible solution, status, objective and bound per tier, the worst tier gap,
filled/required, the child's peak RSS, and offduty's total time over each peer's. `--out` writes
one JSON object per (scenario, peer, strategy) with exactly `common.ROW_KEYS`; every run is
also appended, with its raw repeats, a timestamp and the git commit, to `bench-history.jsonl`
(next to `--out`, else in the current directory).

Peers: `offduty` (offduty's tuned defaults), `cpsat-default` (OR-Tools' default parameters on 2
workers), `greedy` (the list method, per strategy), `highs` (the same MILP, exported by an
offduty process, solved by HiGHS in a process without OR-Tools) and `timefold` (Timefold Solver's
constraint streams and local search on the same eligible pairs, its roster checked by offduty's
verifier; skipped with a message where the `bench-timefold` extra or a JDK is missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from offduty.benchmarks import best_bounds, import_timing
from offduty.benchmarks.common import PEERS, ROW_KEYS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIOS = ("chiefs-game", "royals-homestand", "kc-week", "kc-month", "mass-cancel",
                     "mass-cancel-month")
QUICK_SCENARIOS = ("chiefs-game", "royals-homestand", "mass-cancel")
QUICK_TIME_LIMIT = 3.0
#: A child gets this much wall time beyond its time limit (imports, build, result) before it is killed.
GRACE_S = 180.0
#: The peers whose rows get the LP bound of each tier (GLOP, after the timed solve).
LP_PEERS = ("offduty", "cpsat-default")
DEFAULT_LP_S = 300.0
QUICK_LP_S = 20.0


def highs_available() -> bool:
    return importlib.util.find_spec("highspy") is not None


def timefold_available() -> tuple[bool, str]:
    from offduty.benchmarks.timefold_peer import timefold_available as available

    return available()


# --- children ------------------------------------------------------------------------------------


def _child(args: list[str], timeout: float, work: Path, tag: str) -> dict[str, Any]:
    """Run `python -m <args> --out <file>` and return its result, or an error record."""
    out = work / f"{tag}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", *args, "--out", str(out)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {timeout:.0f} s"}
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def run_peer(peer: str, scenario: str, instance: Path, strategy: str, time_limit: float,
             work: Path, tag: str, lp_s: float = 0.0) -> dict[str, Any]:
    timeout = time_limit + GRACE_S + 3 * lp_s
    from offduty.benchmarks.instances import RESOLVE_SCENARIOS

    common = ["--instance", str(instance), "--scenario", scenario, "--strategy", strategy]
    if scenario in RESOLVE_SCENARIOS and peer != "timefold":
        common.append("--resolve")
    if peer == "timefold":
        result = _child(["offduty.benchmarks.timefold_peer", *common, "--time-limit", str(time_limit)],
                        timeout, work, tag)
    elif peer != "highs":
        lp = ["--lp", str(lp_s)] if peer in LP_PEERS else []
        result = _child(["offduty.benchmarks.worker", peer, *common, "--time-limit", str(time_limit), *lp],
                        timeout, work, tag)
    else:
        npz = work / f"{tag}.npz"
        export = _child(["offduty.benchmarks.worker", "export", *common, "--npz", str(npz)], timeout, work,
                        f"{tag}-export")
        if "error" in export:
            result = {"error": "export: " + export["error"]}
        else:
            result = _child(["offduty.benchmarks.highs_peer", "--npz", str(npz),
                             "--time-limit", str(time_limit)], timeout, work, tag)
            result.setdefault("extra", {})["export_peak_mb"] = export.get("peak_mb")
        npz.unlink(missing_ok=True)
    result.update({"scenario": scenario, "peer": peer, "strategy": strategy})
    if "error" in result:
        result["status"] = "error"
    return result


# --- aggregation ---------------------------------------------------------------------------------


def _median(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return statistics.median_low(present)
    return round(float(statistics.median(present)), 4)


def _median_lists(lists: Sequence[Any]) -> list[Any]:
    present = [v for v in lists if isinstance(v, list)]
    if not present:
        return []
    length = Counter(len(v) for v in present).most_common(1)[0][0]
    same = [v for v in present if len(v) == length]
    return [_median([v[i] for v in same]) for i in range(length)]


def aggregate(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One row (exactly ROW_KEYS) from the repeats of one (scenario, peer, strategy)."""
    first = runs[0]
    row: dict[str, Any] = {k: first[k] for k in ("scenario", "peer", "strategy")}
    for key in ("build_s", "solve_s", "total_s", "first_feasible_s", "best_s"):
        row[key] = _median([r.get(key) for r in runs])
    row["status"] = Counter(str(r.get("status")) for r in runs).most_common(1)[0][0]
    row["objective"] = _median_lists([r.get("objective") for r in runs])
    row["bound"] = _median_lists([r.get("bound") for r in runs])
    for key in ("gap", "filled", "required", "peak_mb", "lp_gap"):
        row[key] = _median([r.get(key) for r in runs])
    row["lp_bound"] = _median_lists([r.get("lp_bound") for r in runs])
    checks = [r.get("verified") for r in runs if r.get("verified") is not None]
    row["verified"] = all(checks) if checks else None
    checked = [r["violations"] for r in runs if isinstance(r.get("violations"), dict)]
    # every code any repeat broke, with its largest count: one invalid repeat is one too many
    row["violations"] = ({code: max(v.get(code, 0) for v in checked) for v in checked for code in v}
                         if checked else None)
    row["offduty_same_time"] = _median_lists([r.get("offduty_same_time") for r in runs]) or None
    row["best_bound"] = row["best_gap"] = None  # set by the caller, which knows the instance
    return {k: row[k] for k in ROW_KEYS}


def offduty_at(offduty: dict[str, Any], elapsed: float | None) -> list[Any] | None:
    """offduty's tier values `elapsed` seconds into its run: the final value of every tier it had
    finished by then and the incumbent of the tier it was in (None before its first solution)."""
    trajectory = (offduty.get("extra") or {}).get("trajectory")
    if elapsed is None or not trajectory:
        return None
    values: dict[int, float] = {}
    for t, tier, value in trajectory:
        if t > elapsed:
            break
        values[int(tier)] = value
    return [values[k] for k in sorted(values)] or None


def pair_with_offduty(runs: Sequence[dict[str, Any]], offduty_runs: Sequence[dict[str, Any]]) -> None:
    """Give each run offduty's tier values at the run's total time (repeat k with offduty's k)."""
    by_repeat = {r.get("repeat"): r for r in offduty_runs}
    for run in runs:
        mate = by_repeat.get(run.get("repeat"))
        if run.get("peer") == "offduty" or mate is None:
            run["offduty_same_time"] = None
        else:
            run["offduty_same_time"] = offduty_at(mate, run.get("total_s"))


def median_cpu(runs: Sequence[dict[str, Any]]) -> float | None:
    value = _median([r.get("cpu_s") for r in runs])
    return None if value is None else float(value)


# --- output --------------------------------------------------------------------------------------


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.{digits}f}"
    return f"{int(value):,}" if abs(value) >= 1000 else str(int(value))


def _pct(gap: float | None) -> str:
    return "—" if gap is None else f"{100 * gap:.2f}%"


def _yes(flag: bool | None) -> str:
    return "—" if flag is None else ("yes" if flag else "NO")


def _tiers(values: list[Any] | None) -> str:
    return " / ".join(_num(v) for v in values) if values else "—"


def status_text(row: dict[str, Any]) -> str:
    """The status, with the verifier's codes for an invalid roster (`invalid: C-OVERLAP ×2`)."""
    violations = row.get("violations")
    if not violations:
        return str(row["status"])
    codes = ", ".join(f"{code} ×{n}" for code, n in sorted(violations.items()))
    return f"{row['status']}: {codes}"


def ratio(offduty: dict[str, Any] | None, row: dict[str, Any]) -> float | None:
    """offduty's total time over the peer's (< 1: offduty is faster)."""
    if offduty is None or offduty.get("total_s") is None or not row.get("total_s"):
        return None
    return float(offduty["total_s"]) / float(row["total_s"])


def print_tables(rows: list[dict[str, Any]], info: dict[tuple[str, str], str], repeat: int,
                 time_limit: float, cpu: dict[tuple[str, str, str], float | None] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(260, Console().width))
    keys = list(dict.fromkeys((r["scenario"], r["strategy"]) for r in rows))
    for scenario, strategy in keys:
        group = [r for r in rows if r["scenario"] == scenario and r["strategy"] == strategy]
        offduty = next((r for r in group if r["peer"] == "offduty"), None)
        title = f"{scenario} · {strategy} · time limit {time_limit:g} s · median of {repeat}"
        if info.get((scenario, strategy)):
            title += f" · {info[(scenario, strategy)]}"
        table = Table(title=title, title_justify="left")
        for col in ("peer", "build s", "solve s", "total s", "cpu s", "1st feasible s", "best s", "status",
                    "objective / tier", "offduty same time", "bound / tier", "gap", "LP bound / tier",
                    "gap to LP", "best bound / tier", "gap to best", "filled/req", "peak MB", "verified",
                    "offduty/peer"):
            table.add_column(col, justify="left" if col in ("peer", "status") else "right")
        for r in group:
            gap = r["gap"]
            rel = ratio(offduty, r)
            filled = f"{_num(r['filled'])}/{_num(r['required'])}" if r["required"] is not None else "—"
            cpu_s = (cpu or {}).get((scenario, r["peer"], strategy))
            table.add_row(r["peer"], _num(r["build_s"], 3), _num(r["solve_s"], 3), _num(r["total_s"], 3),
                          _num(cpu_s, 2), _num(r["first_feasible_s"], 3), _num(r["best_s"], 3),
                          status_text(r), _tiers(r["objective"]), _tiers(r["offduty_same_time"]),
                          _tiers(r["bound"]), _pct(gap), _tiers(r.get("lp_bound")), _pct(r.get("lp_gap")),
                          _tiers(r.get("best_bound")), _pct(r.get("best_gap")), filled,
                          _num(r["peak_mb"], 0), _yes(r.get("verified")),
                          "—" if rel is None else f"{rel:.2f}")
        console.print(table)


def markdown_tables(rows: list[dict[str, Any]]) -> str:
    """The rows of an `--out` file as Markdown tables, one per (scenario, strategy)."""
    out: list[str] = []
    keys = list(dict.fromkeys((r["scenario"], r["strategy"]) for r in rows))
    head = ("| peer | build s | solve s | total s | 1st feasible s | best s | status | objective / tier "
            "| offduty same time | bound / tier | gap | LP bound / tier | gap to LP | best bound / tier "
            "| gap to best | filled/req | peak MB | verified | offduty/peer |")
    for scenario, strategy in keys:
        group = [r for r in rows if r["scenario"] == scenario and r["strategy"] == strategy]
        offduty = next((r for r in group if r["peer"] == "offduty"), None)
        out += [f"**{scenario}** ({strategy})", "", head, "|" + "---|" * 19]
        for r in group:
            rel = ratio(offduty, r)
            gap = "—" if r["gap"] is None else f"{100 * r['gap']:.2f}%"
            rel_text = "—" if rel is None else f"{rel:.2f}"
            out.append(
                f"| {r['peer']} | {_num(r['build_s'], 3)} | {_num(r['solve_s'], 3)} | "
                f"{_num(r['total_s'], 3)} | {_num(r['first_feasible_s'], 3)} | {_num(r.get('best_s'), 3)} | "
                f"{status_text(r)} | {_tiers(r['objective'])} | {_tiers(r.get('offduty_same_time'))} | "
                f"{_tiers(r['bound'])} | {gap} | {_tiers(r.get('lp_bound'))} | {_pct(r.get('lp_gap'))} | "
                f"{_tiers(r.get('best_bound'))} | {_pct(r.get('best_gap'))} | "
                f"{_num(r['filled'])}/{_num(r['required'])} | {_num(r['peak_mb'], 0)} | "
                f"{_yes(r.get('verified'))} | {rel_text} |")
        out.append("")
    return "\n".join(out)


def strategy_summary(rows: list[dict[str, Any]]) -> str:
    """Every (scenario, strategy) in one Markdown table: offduty's last tier against its bound
    and the LP bound, the greedy list's value of it, and whether both rosters pass the verifier."""
    out = ["| scenario | strategy | offduty objective | bound | gap | LP bound | gap to LP | best bound | "
           "gap to best | greedy objective | 1st feasible s | peak MB | verified |", "|" + "---|" * 13]
    keys = list(dict.fromkeys((r["scenario"], r["strategy"]) for r in rows))
    for scenario, strategy in keys:
        group = {r["peer"]: r for r in rows if r["scenario"] == scenario and r["strategy"] == strategy}
        o, g = group.get("offduty"), group.get("greedy")
        if o is None:
            continue
        last = (o["objective"] or [None])[-1]
        bound = (o["bound"] or [None])[-1]
        lp = (o.get("lp_bound") or [None])[-1]
        best = (o.get("best_bound") or [None])[-1]
        checks = [r.get("verified") for r in (o, g) if r is not None]
        verified = _yes(all(c for c in checks if c is not None) if checks else None)
        out.append(f"| {scenario} | {strategy} | {_num(last)} | {_num(bound)} | {_pct(o['gap'])} | "
                   f"{_num(lp)} | {_pct(o.get('lp_gap'))} | {_num(best)} | {_pct(o.get('best_gap'))} | "
                   f"{_num(((g or {}).get('objective') or [None])[-1])} | {_num(o['first_feasible_s'], 3)} | "
                   f"{_num(o['peak_mb'], 0)} | {verified} |")
    return "\n".join(out)


def git_commit() -> tuple[str | None, bool | None]:
    """(HEAD, whether tracked files differ from it); read-only git calls."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10)
        status = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain",
                                 "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None, None
    commit = head.stdout.strip() or None if head.returncode == 0 else None
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return commit, dirty


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def append_history(path: Path, settings: dict[str, Any], rows: list[dict[str, Any]],
                   runs: list[dict[str, Any]]) -> None:
    commit, dirty = git_commit()
    entry = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit, "dirty": dirty, "settings": settings,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "loadavg": list(os.getloadavg())},
        "versions": {p: _version(p) for p in ("ortools", "highspy", "numpy", "timefold")},
        "rows": rows, "runs": runs,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


# --- command line --------------------------------------------------------------------------------


def _csv(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the peers on the scenarios and print the tables")
    run.add_argument("--scenarios", help=f"comma-separated (default: {','.join(DEFAULT_SCENARIOS)})")
    run.add_argument("--peers", help=f"comma-separated subset of {','.join(PEERS)} (default: all)")
    run.add_argument("--strategies", default="seniority", help="comma-separated (default: seniority)")
    run.add_argument("--repeat", type=int, default=1, help="runs per peer; the table shows medians")
    run.add_argument("--time-limit", type=float, default=None, help="seconds per solve, all tiers (60)")
    run.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    run.add_argument("--lp", type=float, default=None,
                     help=f"seconds for GLOP's LP bound per tier of offduty's rows, 0 for none "
                          f"(default {DEFAULT_LP_S:g}; {QUICK_LP_S:g} with --quick)")
    run.add_argument("--out", help="write the rows as a JSON list here")
    run.add_argument("--history", help="history file (default: bench-history.jsonl next to --out or in cwd)")
    run.add_argument("--cache-dir",
                     help="instance cache (default $OFFDUTY_BENCH_CACHE or <tmp>/offduty-bench)")
    run.add_argument("--quick", action="store_true",
                     help="CI scale: chiefs-game, royals-homestand, mass-cancel; greedy, offduty, highs "
                          f"(if installed); {QUICK_TIME_LIMIT:g} s limits")
    scaling = sub.add_parser("scaling", help="the scaling table and its log-log chart (benchmarks.scaling)")
    scaling.add_argument("--scenarios",
                         help="comma-separated (default chiefs-game,kc-week,kc-month,kc-quarter)")
    scaling.add_argument("--time-limits", help="comma-separated seconds (default 10,30,60)")
    scaling.add_argument("--strategy", default="seniority")
    scaling.add_argument("--seed", type=int, default=1)
    scaling.add_argument("--cache-dir")
    scaling.add_argument("--out", help="write the rows as JSON here")
    scaling.add_argument("--chart", help="write the log-log chart (PNG) here")
    best_bounds.build_parser(sub.add_parser("best-bound", help="prove and record best-known bounds "
                                            "(benchmarks.best_bounds)"))
    table = sub.add_parser("table", help="print a saved --out file as Markdown tables")
    table.add_argument("file", help="a JSON file written by `run --out`")
    import_timing.add_parser(sub)
    from offduty.benchmarks import service_bench

    service_bench.build_parser(sub.add_parser("service", help="the solve-job service over HTTP (SQLite, "
                                              "PostgreSQL): latencies and jobs per minute"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "scaling":
        from offduty.benchmarks import scaling as scaling_module

        return scaling_module.main(args)
    if args.command == "best-bound":
        return best_bounds.main(args)
    if args.command == "table":
        print(markdown_tables(json.loads(Path(args.file).read_text(encoding="utf-8"))))
        return 0
    if args.command == "import-timing":
        return import_timing.run(args)
    if args.command == "service":
        from offduty.benchmarks import service_bench

        return service_bench.main(args)
    quick = bool(args.quick)
    scenarios = _csv(args.scenarios) or list(QUICK_SCENARIOS if quick else DEFAULT_SCENARIOS)
    if args.peers:
        peers = _csv(args.peers) or []
    elif quick:  # no timefold: starting its JVM alone takes longer than the quick limits
        peers = ["greedy", "offduty", *(["highs"] if highs_available() else [])]
    else:
        peers = list(PEERS)
    strategies = _csv(args.strategies) or ["seniority"]
    time_limit = args.time_limit if args.time_limit is not None else (QUICK_TIME_LIMIT if quick else 60.0)
    lp_s = args.lp if args.lp is not None else (QUICK_LP_S if quick else DEFAULT_LP_S)
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        print(f"unknown peer(s) {', '.join(unknown)}; known: {', '.join(PEERS)}", file=sys.stderr)
        return 2
    if "highs" in peers and not highs_available():
        print("peer 'highs' needs highspy: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    if "timefold" in peers:
        ok, why = timefold_available()
        if not ok:
            print(f"peer 'timefold' skipped: {why}", file=sys.stderr)
            peers = [p for p in peers if p != "timefold"]
            if not peers:
                return 2
    if args.repeat < 1:
        print("--repeat must be at least 1", file=sys.stderr)
        return 2
    from offduty.distribution.registry import STRATEGIES

    bad = [s for s in strategies if s not in STRATEGIES]
    if bad:
        print(f"unknown strategy(ies) {', '.join(bad)}; known: {', '.join(sorted(STRATEGIES))}",
              file=sys.stderr)
        return 2
    from offduty.benchmarks.instances import instance_path, scenario_names

    bad = [s for s in scenarios if s not in scenario_names()]
    if bad:
        print(f"unknown scenario(s) {', '.join(bad)}; known: {', '.join(scenario_names())}", file=sys.stderr)
        return 2

    recorded = best_bounds.load()
    runs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    info: dict[tuple[str, str], str] = {}
    cpu: dict[tuple[str, str, str], float | None] = {}
    with tempfile.TemporaryDirectory(prefix="offduty-bench-") as tmp:
        work = Path(tmp)
        for scenario in scenarios:
            print(f"[{scenario}] preparing the instance …", file=sys.stderr, flush=True)
            path = instance_path(scenario, args.seed, args.cache_dir)
            for strategy in strategies:
                by_peer: dict[str, list[dict[str, Any]]] = {p: [] for p in peers}
                for rep in range(args.repeat):
                    for peer in peers:
                        print(f"[{scenario}] {peer} · {strategy} · run {rep + 1}/{args.repeat}",
                              file=sys.stderr, flush=True)
                        result = run_peer(peer, scenario, path, strategy, time_limit, work,
                                          f"{scenario}-{peer}-{strategy}-{rep}", lp_s)
                        if "error" in result:
                            print(f"  error: {result['error']}", file=sys.stderr, flush=True)
                        result["repeat"] = rep
                        by_peer[peer].append(result)
                        runs.append(result)
                        extra = result.get("extra") or {}
                        if extra.get("pairs") and extra.get("rows"):  # the export's model size
                            info[(scenario, strategy)] = (
                                f"{extra['pairs']:,} pairs, {extra['rows']:,} rows, "
                                f"{extra['nonzeros']:,} nonzeros")
                for p in peers:
                    pair_with_offduty(by_peer[p], by_peer.get("offduty", []))
                known = best_bounds.best_for(recorded, scenario, args.seed, strategy, path)
                for p in peers:
                    row = aggregate(by_peer[p])
                    best_bounds.best_columns(row, known)
                    rows.append(row)
                for p in peers:
                    cpu[(scenario, p, strategy)] = median_cpu(by_peer[p])
    print_tables(rows, info, args.repeat, time_limit, cpu)
    if len(strategies) > 1:
        print(strategy_summary(rows))

    settings = {"scenarios": scenarios, "peers": peers, "strategies": strategies, "repeat": args.repeat,
                "time_limit": time_limit, "seed": args.seed, "quick": quick, "lp_s": lp_s}
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    if args.history:
        history = Path(args.history)
    else:
        history = (Path(args.out).parent if args.out else Path.cwd()) / "bench-history.jsonl"
    append_history(history, settings, rows, runs)
    errors = [r for r in rows if r["status"] == "error"]
    return 1 if errors else 0
