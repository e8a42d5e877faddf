"""The use cases every door of the service shares: the CLI, the API, its workers and the web page
call these and only translate. This is the only layer of the service that calls the solver.

The names below are imported on first use (PEP 562): a command that only reads a file or talks
to a server does not load OR-Tools, pandas and SQLAlchemy to start; a solve process loads what
it solves with.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offduty.benchmarks.scenarios import SCENARIOS
    from offduty.benchmarks.scenarios import generate as generate_scenario
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
    from offduty.service.usecases.comparison import (
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
    from offduty.service.usecases.diagnosis import Diagnosis, Finding, Severity, diagnose
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

    STRATEGY_NAMES: tuple[str, ...]

#: Where each name of this facade lives: (module, name there).
_WHERE: dict[str, tuple[str, str]] = {
    "BASE": ("offduty.service.usecases.comparison", "BASE"),
    "BatchError": ("offduty.service.usecases.batches", "BatchError"),
    "BatchOutcome": ("offduty.service.usecases.batches", "BatchOutcome"),
    "Cancellation": ("offduty.models.instance", "Cancellation"),
    "Candidates": ("offduty.models.solution", "Candidates"),
    "ChangeReport": ("offduty.service.usecases.resolving", "ChangeReport"),
    "ComparisonReport": ("offduty.service.usecases.comparison", "ComparisonReport"),
    "Diagnosis": ("offduty.service.usecases.diagnosis", "Diagnosis"),
    "EligibilityReport": ("offduty.service.usecases.eligibility", "EligibilityReport"),
    "EngineParams": ("offduty.solver", "EngineParams"),
    "EventEligibility": ("offduty.service.usecases.eligibility", "EventEligibility"),
    "Finding": ("offduty.service.usecases.diagnosis", "Finding"),
    "Instance": ("offduty.models.instance", "Instance"),
    "InvalidInstance": ("offduty.models.errors", "InvalidInstance"),
    "Plan": ("offduty.service.usecases.comparison", "Plan"),
    "PolicyVariant": ("offduty.service.usecases.variants", "PolicyVariant"),
    "Problem": ("offduty.models.errors", "Problem"),
    "Progress": ("offduty.solver", "Progress"),
    "Resolve": ("offduty.solver.params", "Resolve"),
    "Resolved": ("offduty.service.usecases.resolving", "Resolved"),
    "Result": ("offduty.solver", "Result"),
    "RosterDiff": ("offduty.service.usecases.rosters", "RosterDiff"),
    "RosterRejected": ("offduty.service.usecases.solving", "RosterRejected"),
    "SCENARIOS": ("offduty.benchmarks.scenarios", "SCENARIOS"),
    "Saved": ("offduty.service.usecases.exports", "Saved"),
    "Severity": ("offduty.service.usecases.diagnosis", "Severity"),
    "SolveParams": ("offduty.solver", "SolveParams"),
    "SolveStatus": ("offduty.models.solution", "SolveStatus"),
    "Update": ("offduty.service.usecases.comparison", "Update"),
    "VariantError": ("offduty.service.usecases.variants", "VariantError"),
    "apply_variant": ("offduty.service.usecases.variants", "apply_variant"),
    "assignments_csv": ("offduty.service.usecases.exports", "assignments_csv"),
    "assignments_frame": ("offduty.service.usecases.exports", "assignments_frame"),
    "change_report": ("offduty.service.usecases.resolving", "change_report"),
    "check_roster": ("offduty.service.usecases.solving", "check_roster"),
    "compare": ("offduty.service.usecases.comparison", "compare"),
    "diagnose": ("offduty.service.usecases.diagnosis", "diagnose"),
    "diff": ("offduty.service.usecases.comparison", "diff"),
    "eligibility_report": ("offduty.service.usecases.eligibility", "eligibility_report"),
    "format_gap": ("offduty.solver.result", "format_gap"),
    "format_number": ("offduty.solver.result", "format_number"),
    "generate_scenario": ("offduty.benchmarks.scenarios", "generate"),
    "independent_groups": ("offduty.service.usecases.batches", "independent_groups"),
    "instance_schema": ("offduty.service.usecases.schemas", "instance_schema"),
    "invalid_input_result": ("offduty.service.usecases.loading", "invalid_input_result"),
    "load": ("offduty.service.usecases.loading", "load"),
    "output_problem": ("offduty.service.usecases.exports", "output_problem"),
    "parse_variant": ("offduty.service.usecases.variants", "parse_variant"),
    "plan_comparison": ("offduty.service.usecases.comparison", "plan_comparison"),
    "resolve": ("offduty.service.usecases.resolving", "resolve"),
    "resolve_batch_dir": ("offduty.service.usecases.batches", "resolve_batch_dir"),
    "roster_diff": ("offduty.service.usecases.rosters", "roster_diff"),
    "run_key": ("offduty.service.usecases.comparison", "run_key"),
    "save_solution": ("offduty.service.usecases.exports", "save_solution"),
    "solution_schema": ("offduty.service.usecases.schemas", "solution_schema"),
    "solve_verified": ("offduty.service.usecases.solving", "solve_verified"),
    "strategy_scores": ("offduty.service.usecases.scores", "strategy_scores"),
    "variant_changes": ("offduty.service.usecases.comparison", "variant_changes"),
    "with_roster": ("offduty.service.usecases.resolving", "with_roster"),
    "write_batch": ("offduty.service.usecases.batches", "write_batch"),
    "write_solution": ("offduty.service.usecases.exports", "write_solution"),
}


def __getattr__(name: str) -> Any:
    if name == "STRATEGY_NAMES":  # the distribution strategies by name, in the registry's order
        value: Any = tuple(importlib.import_module("offduty.distribution.registry").STRATEGIES)
    elif name in _WHERE:
        module, attr = _WHERE[name]
        value = getattr(importlib.import_module(module), attr)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE, "STRATEGY_NAMES"])

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
