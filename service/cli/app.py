"""The `offduty` command line: the Typer app, its consoles and exit codes.

Exit codes: 0 solved (optimal or feasible) or valid, 1 internal error (a bug: a verifier
violation, an unexpected exception), 2 usage error, 3 infeasible (for `validate`: the solve would
be), 4 no solution within the time limit, 5 valid with warnings (`validate`), 6 solved but a
file was written elsewhere than asked (the message says where), 10-17 invalid input (see
`offduty.models.errors.ProblemKind`: 10 unreadable, 11 schema, 12 naive time, 13 time order,
14 duplicate id, 15 dangling reference, 16 out of range, 17 against policy), 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum

import typer
from rich.console import Console

from offduty.models.solution import SolveStatus

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
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
    WARNINGS = 5
    WRITTEN_ELSEWHERE = 6
    INTERRUPTED = 130


STATUS_EXIT = {
    SolveStatus.OPTIMAL: Exit.SOLVED,
    SolveStatus.FEASIBLE: Exit.SOLVED,
    SolveStatus.INFEASIBLE: Exit.INFEASIBLE,
    SolveStatus.UNKNOWN: Exit.NO_SOLUTION,
}


def usage_error(message: str) -> typer.Exit:
    """Print a usage problem (no traceback) and return the exit to raise: code 2."""
    console.print(f"offduty: {message}", style="red", markup=False, highlight=False)
    return typer.Exit(Exit.USAGE)


def run() -> None:
    """The entry point: every exception that escapes a command is a bug, reported in one line
    (OFFDUTY_DEBUG=1 shows the traceback); Ctrl-C ends with 130."""
    try:
        app()
    except KeyboardInterrupt:
        console.print("offduty: interrupted", style="yellow", markup=False)
        sys.exit(Exit.INTERRUPTED)
    except Exception as exc:
        if os.environ.get("OFFDUTY_DEBUG"):
            raise
        console.print(f"offduty: internal error ({type(exc).__name__}: {exc}). This is a bug of offduty's; "
                      "please report it with the command line (OFFDUTY_DEBUG=1 shows the traceback).",
                      style="bold red", markup=False, highlight=False)
        sys.exit(Exit.INTERNAL_ERROR)
