"""The offduty domain: instance and solution formats, validation, integer-minute arrays."""

from offduty.models.arrays import InstanceArrays
from offduty.models.errors import InvalidInstance, Problem, ProblemKind
from offduty.models.instance import (
    Application,
    Assignment,
    Cancellation,
    Employer,
    Event,
    Instance,
    InvoiceFees,
    Leave,
    Member,
    Policy,
    Position,
    Shift,
    Tour,
)
from offduty.models.solution import Candidates, Solution, SolveStatus
from offduty.models.validation import load_instance_file, parse_instance

__all__ = [
    "Application",
    "Assignment",
    "Cancellation",
    "Candidates",
    "Employer",
    "Event",
    "Instance",
    "InstanceArrays",
    "InvalidInstance",
    "InvoiceFees",
    "Leave",
    "Member",
    "Policy",
    "Position",
    "Problem",
    "ProblemKind",
    "Shift",
    "Solution",
    "SolveStatus",
    "Tour",
    "load_instance_file",
    "parse_instance",
]
