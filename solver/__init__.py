"""The engine's public face: solve, solve_greedy, SolveParams, Result, verify."""

from offduty.solver.greedy import solve_greedy
from offduty.solver.params import SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve
from offduty.solver.verify import verify

__all__ = ["Result", "SolveParams", "solve", "solve_greedy", "verify"]
