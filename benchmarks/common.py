"""What every benchmark process shares. Imports neither OR-Tools nor HiGHS (both sides use it)."""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The keys of one row of `--out`, in this order (one row per scenario, peer, strategy).
#: `best_s`: when the final roster was found; `violations`: rule code -> count of the verifier's
#: findings for peers whose rosters are checked (`timefold`), None for the others;
#: `offduty_same_time`: offduty's tier values at this peer's total time (same seed and repeat);
#: `best_bound`, `best_gap`: the best bound known per tier and the gap to it (`benchmarks.best_bounds`).
ROW_KEYS: tuple[str, ...] = (
    "scenario", "peer", "strategy", "build_s", "solve_s", "total_s", "first_feasible_s", "best_s",
    "status", "objective", "bound", "gap", "filled", "required", "peak_mb", "lp_bound", "lp_gap",
    "verified", "violations", "offduty_same_time", "best_bound", "best_gap",
)

#: The peers the runner knows; `highs` needs the `bench` extra (highspy), `timefold` the
#: `bench-timefold` extra and a JDK.
PEERS: tuple[str, ...] = ("offduty", "cpsat-default", "greedy", "highs", "timefold")


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """The same relative gap solver.params reports: |objective - bound| / max(1, |objective|)."""
    if objective is None or bound is None or not (math.isfinite(objective) and math.isfinite(bound)):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def worst_gap(tiers: list[dict[str, Any]]) -> float | None:
    gaps = [t["gap"] for t in tiers if t.get("gap") is not None]
    return max(gaps) if gaps else None


def peak_mb() -> float:
    """This process's peak resident set size in MB (Linux reports ru_maxrss in KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(rss / scale, 1)


def cpu_s() -> float:
    """CPU seconds (user + system) this process used so far: less sensitive than wall time to
    other load on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 3)


def write_result(result: dict[str, Any], out: str | None) -> None:
    """A child's result: to the file `out`, else as the last line on stdout."""
    text = json.dumps(result)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def overrun_margin(time_limit: float) -> float:
    """How long past its time limit a solver may take to return before it is stopped."""
    return max(10.0, 0.25 * time_limit)


class Watchdog:
    """Ends the process with a `timeout` result if the solver overruns its time limit.

    Some solvers do not check their time limit in every phase (HiGHS 1.16 spent minutes between
    accepting the MIP start and its first node on kc-month; CP-SAT's default presolve likewise).
    The runner would kill such a child and learn nothing; instead the child writes what it knows
    (`partial()`: the tiers finished, the first solution time) with status `timeout`, and exits.
    Solvers release the GIL while they run, so the timer thread gets to fire.
    """

    def __init__(self, time_limit: float, out: str | None,
                 partial: Callable[[float], dict[str, Any]]) -> None:
        self.started = time.perf_counter()
        self.limit = time_limit
        self.out = out
        self.partial = partial
        self.timer = threading.Timer(time_limit + overrun_margin(time_limit), self._fire)
        self.timer.daemon = True

    def __enter__(self) -> Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()

    def _fire(self) -> None:
        elapsed = time.perf_counter() - self.started
        result = self.partial(elapsed)
        result["status"] = "timeout"
        result.setdefault("extra", {})["overrun"] = (
            f"still running {elapsed:.0f} s after the start with a {self.limit:g} s limit; stopped")
        result["peak_mb"] = peak_mb()
        write_result(result, self.out)
        os._exit(0)
