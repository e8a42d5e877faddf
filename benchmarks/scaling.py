"""The engine's scaling table: eligible pairs against build, first feasible, gap and memory.

    python -m offduty.benchmarks scaling [--scenarios chiefs-game,kc-week,kc-month,kc-quarter]
        [--time-limits 10,30,60] [--strategy seniority] [--out scaling.json] [--chart scaling.png]

For each scenario, one offduty worker process per time limit (the same `worker offduty` runs as
`run`, so each run has a fresh process and its own peak RSS). Build and first-feasible seconds
and peak MB are those of the longest run (they do not depend on the limit beyond noise; peak is
the largest of the runs); the gap columns are each run's worst-tier gap ("not proven" when a tier
has no bound). The table is printed as Markdown and, with `--chart`, drawn as a log-log chart of
seconds and MB against eligible pairs.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from offduty.benchmarks.runner import run_peer

DEFAULT_SCENARIOS = ("chiefs-game", "kc-week", "kc-month", "kc-quarter")
DEFAULT_LIMITS = (10.0, 30.0, 60.0)


def measure(scenarios: list[str], limits: list[float], strategy: str, seed: int,
            cache_dir: str | None) -> list[dict[str, Any]]:
    """One row per scenario: pairs, build_s, first_feasible_s, gap per limit, peak_mb, verified."""
    import sys

    from offduty.benchmarks.instances import instance_path

    rows = []
    with tempfile.TemporaryDirectory(prefix="offduty-scaling-") as tmp:
        for scenario in scenarios:
            path = instance_path(scenario, seed, cache_dir)
            runs = {}
            for limit in limits:
                print(f"[{scenario}] offduty · {strategy} · {limit:g} s", file=sys.stderr, flush=True)
                runs[limit] = run_peer("offduty", scenario, path, strategy, limit, Path(tmp),
                                       f"{scenario}-{limit:g}")
            longest = runs[max(limits)]
            rows.append({
                "scenario": scenario, "strategy": strategy,
                "pairs": (longest.get("extra") or {}).get("pairs"),
                "build_s": longest.get("build_s"), "first_feasible_s": longest.get("first_feasible_s"),
                "gap": {f"{limit:g}": runs[limit].get("gap") for limit in limits},
                "status": {f"{limit:g}": runs[limit].get("status") for limit in limits},
                "peak_mb": max((r.get("peak_mb") or 0) for r in runs.values()),
                "verified": all(r.get("verified") is True for r in runs.values()),
            })
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    limits = list(rows[0]["gap"]) if rows else []
    head = ["scenario", "eligible pairs", "build s", "pairs/s", "1st feasible s",
            *(f"gap at {limit} s" for limit in limits), "peak MB", "verified"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        pairs, build = r["pairs"], r["build_s"]
        rate = f"{pairs / build:,.0f}" if pairs and build else "—"
        gaps = ["not proven" if r["gap"][k] is None else f"{100 * r['gap'][k]:.2f}%" for k in limits]
        cells = [r["scenario"], f"{pairs:,}" if pairs else "—", _s(build), rate, _s(r["first_feasible_s"]),
                 *gaps, f"{r['peak_mb']:,.0f}", "yes" if r["verified"] else "NO"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def chart(rows: list[dict[str, Any]], path: str | Path) -> None:
    """Log-log: build and first-feasible seconds (left) and peak MB (right) against pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["pairs"]]
    pairs = [r["pairs"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("build_s", "model build"), ("first_feasible_s", "first feasible")):
        left.loglog(pairs, [r[key] for r in rows], marker="o", label=label)
    left.set_xlabel("eligible pairs")
    left.set_ylabel("seconds")
    left.legend()
    right.loglog(pairs, [r["peak_mb"] for r in rows], marker="o", color="tab:red")
    right.set_xlabel("eligible pairs")
    right.set_ylabel("peak MB")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        for r in rows:
            axis.annotate(r["scenario"], (r["pairs"], r["peak_mb"] if axis is right else r["build_s"]),
                          fontsize=7, xytext=(3, 3), textcoords="offset points")
    fig.suptitle("offduty at scale (one process per run, 2 shared cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(args: Any) -> int:
    scenarios = [s.strip() for s in (args.scenarios or ",".join(DEFAULT_SCENARIOS)).split(",") if s.strip()]
    limits = [float(x) for x in (args.time_limits or ",".join(f"{x:g}" for x in DEFAULT_LIMITS)).split(",")]
    rows = measure(scenarios, limits, args.strategy, args.seed, args.cache_dir)
    print(markdown(rows))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    if args.chart:
        chart(rows, args.chart)
    return 0 if all(r["verified"] for r in rows) else 1
