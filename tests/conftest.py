"""Session checks shared by every test directory."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The design card's folders and the names they install under.
LAYERS = ("models", "constraints", "distribution", "solver", "service", "benchmarks")


def _missing_modules() -> list[str]:
    """Modules in the repository that the installed `offduty` does not have (an editable
    install in strict mode links each file once: a module added later needs a reinstall)."""
    spec = importlib.util.find_spec("offduty")
    if spec is None or not spec.submodule_search_locations:
        return ["offduty"]
    installed = Path(next(iter(spec.submodule_search_locations)))
    missing = []
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if not (installed / rel).exists():
                missing.append(str(rel))
    return missing


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = _missing_modules()
    if missing:
        raise pytest.UsageError(
            f"the installed offduty lacks {len(missing)} module(s) of this checkout ({', '.join(missing[:5])}"
            f"{', ...' if len(missing) > 5 else ''}): run "
            "`.venv/bin/pip install -e '.[dev,bench]' --config-settings editable_mode=strict` again")
