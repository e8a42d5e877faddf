"""`candidates: applicants` (E-APPLICANT) with the strategies."""

from __future__ import annotations

import pytest

from offduty.models import Candidates, Instance
from offduty.solver.greedy import solve_greedy
from offduty.solver.params import SolveParams
from offduty.solver.properties import property_violations
from offduty.solver.verify import verify
from tests.distribution.helpers import apply, chosen, instance, member, run, shift


def inst(pool: bool = True) -> Instance:
    return instance([member("S", "2000-01-01"), member("J", "2015-01-01", hours_ytd=400)],
                    [shift("S1", "10:00", "14:00")], [apply("J", "S1", "08:00")], pool=pool)


@pytest.mark.parametrize("name", ["seniority", "hours", "rotation", "balanced", "first_come"])
def test_only_applicants_get_pool_details(name: str) -> None:
    result = run(inst(), name, candidates="applicants")
    assert chosen(result) == {"J"}
    assert verify(inst(), result.assignments, candidates="applicants") == []
    assert property_violations(inst(), result.assignments, name, candidates="applicants") == []
    greedy = solve_greedy(inst(), SolveParams(strategy=name, candidates=Candidates.APPLICANTS))
    assert chosen(greedy) == {"J"}


def test_all_eligible_lets_the_strategy_choose() -> None:
    assert chosen(run(inst(), "seniority")) == {"S"}
    assert chosen(run(inst(), "hours")) == {"S"}


def test_non_pool_details_stay_open_to_everyone() -> None:
    assert chosen(run(inst(pool=False), "seniority", candidates="applicants")) == {"S"}
