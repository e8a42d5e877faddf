"""Benchmark instances as files: the scenario generators plus `mass-cancel`, cached on disk.

The worker processes get a path, so every instance is written once as JSON into a cache
directory (``$OFFDUTY_BENCH_CACHE``, default ``<tmp>/offduty-bench``). A cache entry is keyed
by scenario, seed and a hash of the generator sources, so an edited generator never serves a
stale instance.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MASS_CANCEL = "mass-cancel"
MASS_CANCEL_MONTH = "mass-cancel-month"
#: Scenarios that are re-solves of a published roster (run with `SolveParams(resolve=Resolve())`).
RESOLVE_SCENARIOS = (MASS_CANCEL, MASS_CANCEL_MONTH)


def cache_dir(path: str | Path | None = None) -> Path:
    chosen = Path(path) if path else Path(os.environ.get("OFFDUTY_BENCH_CACHE")
                                          or Path(tempfile.gettempdir()) / "offduty-bench")
    chosen = chosen.resolve()  # the workers run in the repository root
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def source_key(*extra: Path) -> str:
    """A short hash of the scenario generators' sources (and `extra` files)."""
    digest = hashlib.sha256()
    for path in sorted((HERE / "scenarios").glob("*.py")) + sorted(extra):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def scenario_names() -> list[str]:
    from offduty.benchmarks.scenarios import SCENARIOS

    return [*SCENARIOS, *RESOLVE_SCENARIOS]


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def cached(name: str, seed: int, make: Callable[[], dict[str, Any]], key: str,
           directory: str | Path | None = None) -> Path:
    """The cache file of (name, seed, key), made with `make()` when missing."""
    path = cache_dir(directory) / f"{name}-seed{seed}-{key}.json"
    if not path.exists():
        write_atomic(path, make())
    return path


def instance_path(name: str, seed: int = 1, directory: str | Path | None = None) -> Path:
    """The instance file of scenario `name` for `seed`, generated on first use."""
    if name in RESOLVE_SCENARIOS:
        from offduty.benchmarks import mass_cancel

        return mass_cancel.instance_path(seed, directory, name)
    from offduty.benchmarks.scenarios import SCENARIOS, generate

    if name not in SCENARIOS:
        known = ", ".join(scenario_names())
        raise ValueError(f"unknown scenario {name!r}; known: {known}")
    return cached(name, seed, lambda: generate(name, seed), source_key(), directory)
