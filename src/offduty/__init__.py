"""offduty: fill police off-duty details with CP-SAT, every rule of the agency's policy enforced.

The public face::

    from offduty import load_instance_file, solve, SolveParams

    result = solve(load_instance_file("game.json"), SolveParams(strategy="seniority", time_limit=30))
    print(result.summary())

Everything else lives in the layers below: `offduty.models` (formats, validation),
`offduty.constraints` (the rule catalogue), `offduty.distribution` (strategies, metrics),
`offduty.solver` (the engine), `offduty.service` (CLI, API, workers, web page) and
`offduty.benchmarks` (scenario generators, peers, runner).

The names below are imported on first use, so that `import offduty.service.cli` and the
commands that never solve do not pay for loading OR-Tools.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offduty.models import (
        Instance,
        InvalidInstance,
        Problem,
        Solution,
        SolveStatus,
        load_instance_file,
        parse_instance,
    )
    from offduty.solver import EngineParams, Progress, Result, SolveParams, solve, solve_greedy, verify

_WHERE = {
    **dict.fromkeys(("Instance", "InvalidInstance", "Problem", "Solution", "SolveStatus",
                     "load_instance_file", "parse_instance"), "offduty.models"),
    **dict.fromkeys(("EngineParams", "Progress", "Result", "SolveParams", "solve", "solve_greedy",
                     "verify"), "offduty.solver"),
}

__all__ = [
    "EngineParams",
    "Instance",
    "InvalidInstance",
    "Problem",
    "Progress",
    "Result",
    "Solution",
    "SolveParams",
    "SolveStatus",
    "load_instance_file",
    "parse_instance",
    "solve",
    "solve_greedy",
    "verify",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'offduty' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
