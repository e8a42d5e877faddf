"""How long `offduty import` takes on a scenario's CSV files (issue 11: kc-month within 3 s).

    python -m offduty.benchmarks import-timing [--scenario kc-month] [--seed 1] [--repeat 3] [--out t.json]

The scenario's instance (the runner's cached JSON) is written as CSV files by `offduty export-csv`,
then `offduty import --dir` reads them back; each in its own process, as a user runs them (the
benchmarks never import `service`). The time reported is the import process's wall time, start-up
and imports included: what a user waits; its CPU time is reported too, since on a busy machine the
wall time includes waiting for a core. The imported ids are compared with the original's, so a
fast but wrong import does not count (the exact equality is the round-trip test's business).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Issue 11: importing the kc-month data takes at most this long.
BUDGET_S = 3.0
TIMEOUT_S = 600


def _offduty(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "offduty.service.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT_S, check=False)


def measure(instance: Path, repeat: int = 3) -> dict[str, Any]:
    """Export `instance` to CSV once, import it `repeat` times; wall seconds of each import."""
    raw = json.loads(instance.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="offduty-import-") as tmp:
        work = Path(tmp)
        export = _offduty(["export-csv", str(instance), "--out", "csv"], work)
        if export.returncode != 0:
            return {"error": f"export-csv exited {export.returncode}: {export.stderr.strip()[-300:]}"}
        sizes = {p.name: p.stat().st_size for p in sorted((work / "csv").iterdir())}
        rows = {p.stem: sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in (work / "csv").glob("*.csv")}
        seconds, cpu = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = _offduty(["import", "--dir", "csv", "--name", raw.get("name", ""), "-o", "imported.json"],
                            work)
            seconds.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode != 0:
                return {"error": f"import exited {proc.returncode}: {proc.stderr.strip()[-300:]}"}
        same = _same(raw, json.loads((work / "imported.json").read_text(encoding="utf-8")))
    return {"import_s": seconds, "median_s": statistics.median(seconds), "min_s": min(seconds),
            "cpu_s": cpu, "median_cpu_s": statistics.median(cpu), "loadavg": list(os.getloadavg()),
            "rows": rows, "bytes": sizes, "identical": same, "budget_s": BUDGET_S,
            "within_budget": statistics.median(seconds) <= BUDGET_S}


def _same(original: dict[str, Any], imported: dict[str, Any]) -> bool:
    """The imported document holds every member, event and application of the original (the
    import writes defaults out; the exact equality is the round-trip test's business)."""
    def ids(doc: dict[str, Any], key: str) -> list[Any]:
        return [x.get("id", (x.get("member"), x.get("shift"))) for x in doc.get(key, [])]
    keys = ("members", "employers", "events", "applications")
    return all(ids(original, k) == ids(imported, k) for k in keys)


def run(args: Any) -> int:
    from offduty.benchmarks.instances import instance_path

    path = instance_path(args.scenario, args.seed, args.cache_dir)
    result = {"scenario": args.scenario, "seed": args.seed, **measure(path, args.repeat)}
    if "error" in result:
        print(f"[{args.scenario}] {result['error']}", file=sys.stderr)
        return 1
    rows = result["rows"]
    print(f"{args.scenario} (seed {args.seed}): {rows.get('members', 0):,} members, {rows.get('tours', 0):,} "
          f"tours, {rows.get('positions', 0):,} positions, {rows.get('applications', 0):,} applications "
          f"in {sum(result['bytes'].values()) / 1e6:.1f} MB of CSV")
    verdict = "within" if result["within_budget"] else "OVER"
    print(f"offduty import: median {result['median_s']:.2f} s, min {result['min_s']:.2f} s over "
          f"{args.repeat} run(s) (wall time of the process; CPU {result['median_cpu_s']:.2f} s); "
          f"{verdict} the {BUDGET_S:g} s budget; identical ids: {result['identical']}")
    load = result["loadavg"][0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} cores: the wall time includes waiting "
              "for a core")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if result["identical"] else 1


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("import-timing", help="time `offduty import` on a scenario's CSV export")
    parser.add_argument("--scenario", default="kc-month", help="scenario (default kc-month)")
    parser.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="imports to time (default 3; median shown)")
    parser.add_argument("--out", help="write the measurement as JSON here")
    parser.add_argument("--cache-dir",
                        help="instance cache (default $OFFDUTY_BENCH_CACHE or <tmp>/offduty-bench)")
