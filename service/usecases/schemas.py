"""The instance and solution formats as JSON Schema, exported from the pydantic models, so that
editors and other tools can validate files (`offduty schema instance|solution`)."""

from __future__ import annotations

from typing import Any

from offduty.models.instance import Instance
from offduty.models.solution import Solution

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def instance_schema() -> dict[str, Any]:
    """What an instance file may hold (validation mode: the defaults apply when a field is left out)."""
    schema = Instance.model_json_schema(mode="validation")
    schema["title"] = "offduty instance"
    schema["description"] = ("A staffing problem: policy, members, employers, events with shifts and "
                             "positions, applications, current assignments and cancellations. "
                             "All times are ISO 8601 with a UTC offset; hours are decimal numbers. "
                             "See docs/formats.md.")
    return {"$schema": DIALECT, **schema}


def solution_schema() -> dict[str, Any]:
    """What `offduty solve --out` writes (serialization mode: every field is present)."""
    schema = Solution.model_json_schema(mode="serialization")
    schema["title"] = "offduty solution"
    schema["description"] = "A solve's answer: status, proof per tier, roster, unfilled positions, metrics."
    return {"$schema": DIALECT, **schema}
