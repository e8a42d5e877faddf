"""Loading an instance as every door of the service does: a valid Instance, or every problem.

`load` reads a file or a decoded document; on bad input it raises `InvalidInstance` (every
problem, with its path). `invalid_input_result` turns those problems into the solution format's
`invalid_input` answer, which the CLI writes to `--out` and the API returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from offduty.models.errors import InvalidInstance
from offduty.models.instance import Instance
from offduty.models.solution import Candidates, ProblemOut, SolveStatus
from offduty.models.validation import load_instance_file, parse_instance
from offduty.solver import Result


def load(source: str | Path | dict[str, Any]) -> Instance:
    """An instance from a file path or an already decoded JSON document.

    Raises InvalidInstance with every problem found."""
    if isinstance(source, dict):
        return parse_instance(source)
    return load_instance_file(source)


def invalid_input_result(error: InvalidInstance, strategy: str = "seniority",
                         candidates: Candidates = Candidates.ALL_ELIGIBLE) -> Result:
    """The solution-format answer to an instance that cannot be solved as given."""
    return Result.no_solution(SolveStatus.INVALID_INPUT, strategy, candidates,
                              problems=[ProblemOut(**p.to_dict()) for p in error.problems])
