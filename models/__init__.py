"""The offduty domain: instance and solution formats, validation, integer-minute arrays."""

from models.arrays import InstanceArrays
from models.errors import InvalidInstance, Problem, ProblemKind
from models.instance import (
    Application,
    Assignment,
    Cancellation,
    Employer,
    Event,
    Instance,
    Leave,
    Member,
    Policy,
    Position,
    Shift,
    Tour,
)
from models.solution import Candidates, Solution, SolveStatus
from models.validation import load_instance_file, parse_instance

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
