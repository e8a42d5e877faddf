"""The use cases every door of the service shares: the CLI, the API, its workers and the web page
call these and only translate. This is the only layer of the service that calls the solver."""

from offduty.benchmarks.scenarios import SCENARIOS
from offduty.benchmarks.scenarios import generate as generate_scenario
from offduty.distribution.registry import STRATEGIES
from offduty.models.errors import InvalidInstance, Problem
from offduty.models.instance import Instance
from offduty.models.solution import Candidates, SolveStatus
from offduty.service.usecases.compare import ComparisonReport, compare, diff
from offduty.service.usecases.eligibility import EligibilityReport, EventEligibility, eligibility_report
from offduty.service.usecases.exports import assignments_csv, assignments_frame, write_solution
from offduty.service.usecases.loading import invalid_input_result, load
from offduty.service.usecases.solving import RosterRejected, check_roster, solve_verified
from offduty.service.usecases.variants import PolicyVariant, VariantError, apply_variant, parse_variant
from offduty.solver import EngineParams, Progress, Result, SolveParams
from offduty.solver.result import format_gap, format_number

#: The distribution strategies by name, in the registry's order.
STRATEGY_NAMES: tuple[str, ...] = tuple(STRATEGIES)

__all__ = [
    "SCENARIOS",
    "STRATEGY_NAMES",
    "Candidates",
    "ComparisonReport",
    "EligibilityReport",
    "EngineParams",
    "EventEligibility",
    "Instance",
    "InvalidInstance",
    "PolicyVariant",
    "Problem",
    "Progress",
    "Result",
    "RosterRejected",
    "SolveParams",
    "SolveStatus",
    "VariantError",
    "apply_variant",
    "assignments_csv",
    "assignments_frame",
    "check_roster",
    "compare",
    "diff",
    "eligibility_report",
    "format_gap",
    "format_number",
    "generate_scenario",
    "invalid_input_result",
    "load",
    "parse_variant",
    "solve_verified",
    "write_solution",
]
