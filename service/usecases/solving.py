"""Solving as every door of the service does: solve (or the greedy list), then verify.

Every roster offduty hands out is first checked by the independent verifier
(`offduty.solver.verify`). A roster that breaks a rule is a bug of offduty's, never an answer:
`solve_verified` raises `RosterRejected` and nothing is written. Floors are checked only for a
solution that claims to meet them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from offduty.models.instance import Instance
from offduty.solver import Progress, Result, SolveParams, Violation, solve, solve_greedy, verify

log = logging.getLogger(__name__)


class RosterRejected(RuntimeError):
    """The verifier found the engine's roster breaking a rule: a bug, reported, never written."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {v.code} {v.message}" for v in violations[:50])
        super().__init__(f"the solution breaks {len(violations)} rule(s); nothing written:\n{lines}")


def solve_verified(instance: Instance, params: SolveParams, *, greedy: bool = False,
                   progress: Callable[[Progress], None] | None = None,
                   stop: threading.Event | None = None) -> Result:
    """Solve `instance` (with the optimizer, or the greedy list) and verify the roster."""
    log.info("solving %r: strategy %s, candidates %s, time limit %g s%s", instance.name, params.strategy,
             params.candidates.value, params.time_limit, " (greedy list)" if greedy else "")
    if greedy:
        result = solve_greedy(instance, params)
    else:
        result = solve(instance, params, progress=progress, stop=stop)
    check_roster(instance, result, params.allow_understaffed)
    log.info("solved %r: %s", instance.name, result.summary().replace("\n", "; "))
    return result


def check_roster(instance: Instance, result: Result, allow_understaffed: bool) -> None:
    """Raise RosterRejected if the result's roster breaks any rule."""
    if not result.assignments:
        return
    violations = verify(instance, result.pairs(), candidates=result.candidates.value,
                        allow_understaffed=allow_understaffed or not result.has_solution)
    if violations:
        raise RosterRejected(violations)
