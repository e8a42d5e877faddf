"""The assignments CSV has one row per assignment, in the solution's order."""

import io

import pandas as pd

from offduty.service.usecases.exports import ASSIGNMENT_COLUMNS, assignments_csv
from offduty.solver import SolveParams, solve
from tests.distribution.helpers import distinguishing_instance


def test_assignments_csv_rows_follow_the_solution() -> None:
    result = solve(distinguishing_instance(), SolveParams(time_limit=10))
    frame = pd.read_csv(io.StringIO(assignments_csv(result)))
    assert list(frame.columns) == ASSIGNMENT_COLUMNS
    assert list(frame["member"]) == [a.member for a in result.assignments]
    assert list(frame["position"]) == [a.position for a in result.assignments]
