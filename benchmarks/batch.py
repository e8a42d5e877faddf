"""Batch re-solve benchmark: N independent events, re-solved by the CLI with 1 and with 2 workers.

The batch is N mass-cancel instances (`benchmarks.mass_cancel`, seeds 1..N): N Chiefs-sized
games, each with its own pool of 1,300 members and a quarter of its roster cancelled, so no two
events share a member and the batch splits into N jobs. Each run is a fresh
`offduty resolve --batch DIR --workers W` process (benchmarks never import the service: they
drive it through its CLI); the wall time of the process is measured, imports included.

    python -m offduty.benchmarks.batch --events 20 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from offduty.benchmarks.mass_cancel import instance_path

ROOT = Path(__file__).resolve().parent.parent


def batch_dir(events: int, directory: Path) -> Path:
    """A directory with `events` independent re-solve instances (copied from the cache)."""
    directory.mkdir(parents=True, exist_ok=True)
    for seed in range(1, events + 1):
        shutil.copyfile(instance_path(seed), directory / f"event-{seed:02d}.json")
    return directory


def run_batch(directory: Path, workers: int, out: Path) -> dict[str, Any]:
    """One `offduty resolve --batch` process: its wall time and its batch summary."""
    cmd = [sys.executable, "-m", "offduty.service.cli", "resolve", "--batch", str(directory),
           "--workers", str(workers), "--out", str(out)]
    env = dict(os.environ, PYTHONHASHSEED="0", COLUMNS="200")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    summary: dict[str, Any] = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    return {"workers": workers, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "batch_s": summary["wall_s"], "groups": summary["groups"], "status": summary["status"],
            "changes": summary["changes"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.batch", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", help="write the runs as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = batch_dir(args.events, Path(tmp) / "batch")
        runs = [run_batch(directory, w, Path(tmp) / f"out-{w}-{r}")
                for r in range(args.repeat) for w in (1, 2)]
    medians = {w: statistics.median(r["wall_s"] for r in runs if r["workers"] == w) for w in (1, 2)}
    result = {"events": args.events, "repeat": args.repeat, "runs": runs,
              "median_wall_s": medians, "ratio_2_over_1": round(medians[2] / medians[1], 3),
              "load_average": os.getloadavg()}
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
