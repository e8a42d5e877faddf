"""The use cases every door of the service shares: the CLI, the API, its workers and the web page
call these and only translate. This is the only layer of the service that calls the solver."""

from offduty.benchmarks.scenarios import SCENARIOS
from offduty.benchmarks.scenarios import generate as generate_scenario
from offduty.distribution.registry import STRATEGIES
from offduty.models.errors import InvalidInstance, Problem
from offduty.models.instance import Cancellation, Instance
from offduty.models.solution import Candidates, SolveStatus
from offduty.service.usecases.batches import (
    BatchError,
    BatchOutcome,
    independent_groups,
    resolve_batch_dir,
    write_batch,
)
from offduty.service.usecases.compare import (
    BASE,
    ComparisonReport,
    Plan,
    Update,
    compare,
    diff,
    plan_comparison,
    run_key,
    variant_changes,
)
from offduty.service.usecases.diagnose import Diagnosis, Finding, Severity, diagnose
from offduty.service.usecases.eligibility import EligibilityReport, EventEligibility, eligibility_report
from offduty.service.usecases.exports import (
    Saved,
    assignments_csv,
    assignments_frame,
    output_problem,
    save_solution,
    write_solution,
)
from offduty.service.usecases.loading import invalid_input_result, load
from offduty.service.usecases.resolving import ChangeReport, Resolved, change_report, resolve, with_roster
from offduty.service.usecases.rosters import RosterDiff, roster_diff
from offduty.service.usecases.schemas import instance_schema, solution_schema
from offduty.service.usecases.scores import strategy_scores
from offduty.service.usecases.solving import RosterRejected, check_roster, solve_verified
from offduty.service.usecases.variants import PolicyVariant, VariantError, apply_variant, parse_variant
from offduty.solver import EngineParams, Progress, Result, SolveParams
from offduty.solver.params import Resolve
from offduty.solver.result import format_gap, format_number

#: The distribution strategies by name, in the registry's order.
STRATEGY_NAMES: tuple[str, ...] = tuple(STRATEGIES)

__all__ = [
    "BASE",
    "SCENARIOS",
    "STRATEGY_NAMES",
    "BatchError",
    "BatchOutcome",
    "Cancellation",
    "Candidates",
    "ChangeReport",
    "ComparisonReport",
    "Diagnosis",
    "EligibilityReport",
    "EngineParams",
    "EventEligibility",
    "Finding",
    "Instance",
    "InvalidInstance",
    "Plan",
    "PolicyVariant",
    "Problem",
    "Progress",
    "Resolve",
    "Resolved",
    "Result",
    "RosterDiff",
    "RosterRejected",
    "Saved",
    "Severity",
    "SolveParams",
    "SolveStatus",
    "Update",
    "VariantError",
    "apply_variant",
    "assignments_csv",
    "assignments_frame",
    "change_report",
    "check_roster",
    "compare",
    "diagnose",
    "diff",
    "eligibility_report",
    "format_gap",
    "format_number",
    "generate_scenario",
    "independent_groups",
    "instance_schema",
    "invalid_input_result",
    "load",
    "output_problem",
    "parse_variant",
    "plan_comparison",
    "resolve",
    "resolve_batch_dir",
    "roster_diff",
    "run_key",
    "save_solution",
    "solution_schema",
    "solve_verified",
    "strategy_scores",
    "variant_changes",
    "with_roster",
    "write_batch",
    "write_solution",
]
