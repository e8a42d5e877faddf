"""The `offduty` command line: the Typer app, its consoles and exit codes.

Exit codes: 0 solved (optimal or feasible), 1 internal error (a verifier violation is a bug),
2 usage error, 3 infeasible, 4 no solution within the time limit, 10-17 invalid input (see
`offduty.models.errors.ProblemKind`: 10 unreadable, 11 schema, 12 naive time, 13 time order,
14 duplicate id, 15 dangling reference, 16 out of range, 17 against policy).
"""

from __future__ import annotations

import sys
from enum import IntEnum

import typer
from rich.console import Console

from offduty.models.solution import SolveStatus

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="offduty: fill police off-duty details with CP-SAT, every policy rule enforced.")
#: Piped or redirected output gets room for the wide tables instead of 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out_console = Console(width=_WIDTH)


class Exit(IntEnum):
    SOLVED = 0
    INTERNAL_ERROR = 1
    USAGE = 2
    INFEASIBLE = 3
    NO_SOLUTION = 4


STATUS_EXIT = {
    SolveStatus.OPTIMAL: Exit.SOLVED,
    SolveStatus.FEASIBLE: Exit.SOLVED,
    SolveStatus.INFEASIBLE: Exit.INFEASIBLE,
    SolveStatus.UNKNOWN: Exit.NO_SOLUTION,
}
