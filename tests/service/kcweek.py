"""The generated kc-week with a greedy roster, shared by the payroll, invoice and report tests.

Every third officer gets a sergeant as supervisor (the generator designates none), and the policy
bills invoice fees, so that those features have data. The rosters are checked by the independent
verifier before any test uses them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from offduty.benchmarks.scenarios import generate
from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.models.validation import parse_instance
from offduty.solver import SolveParams, solve_greedy, verify

FEES = {"per_hour": 2.5, "percent_of_pay": 3.0, "per_event": 25.0, "per_assignment": 1.75}


@cache
def kc_week_raw() -> dict[str, Any]:
    raw = generate("kc-week", 1)
    sergeants = [m["id"] for m in raw["members"] if m["rank"] == "sergeant"]
    for i, member in enumerate(raw["members"]):
        if member["rank"] == "officer" and i % 3 == 0:
            member["supervisor"] = sergeants[i % 7]
    raw["policy"]["invoice_fees"] = dict(FEES)
    return raw


@cache
def kc_week() -> Instance:
    return parse_instance(kc_week_raw())


@cache
def kc_week_solution(strategy: str = "seniority") -> Solution:
    """A greedy roster of kc-week under `strategy`, in the solution format (as read from JSON)."""
    instance = kc_week()
    result = solve_greedy(instance, SolveParams(strategy=strategy))
    assert result.has_solution
    assert verify(instance, result.pairs(), allow_understaffed=True) == []
    return Solution.model_validate_json(result.to_json())
