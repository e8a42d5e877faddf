"""offduty: fill police off-duty details with CP-SAT, every rule of the agency's policy enforced.

The public face::

    from offduty import load_instance_file, solve, SolveParams

    result = solve(load_instance_file("game.json"), SolveParams(strategy="seniority", time_limit=30))
    print(result.summary())

Everything else lives in the layers below: `offduty.models` (formats, validation),
`offduty.constraints` (the rule catalogue), `offduty.distribution` (strategies, metrics),
`offduty.solver` (the engine), `offduty.service` (CLI, API, workers, web page) and
`offduty.benchmarks` (scenario generators, peers, runner).
"""

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
