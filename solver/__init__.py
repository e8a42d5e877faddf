"""The engine's public face.

    result = solve(instance, SolveParams(strategy="seniority", time_limit=30))
    greedy = solve_greedy(instance, SolveParams(strategy="seniority"))
    violations = verify(instance, result.assignments)

`SolveParams` holds the problem's options (strategy, candidates, time limit, allow_understaffed);
its `engine` field (`EngineParams`) the search tuning.
"""

from offduty.solver.greedy import solve_greedy
from offduty.solver.params import EngineParams, Progress, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve
from offduty.solver.verify import Violation, verify

__all__ = ["EngineParams", "Progress", "Result", "SolveParams", "Violation", "solve", "solve_greedy",
           "verify"]
