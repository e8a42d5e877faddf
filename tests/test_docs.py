"""docs/formats.md is the product's own documentation of its formats: every field of the
instance and solution models is documented, its example instance is valid, its example solution
is a solution, and its bounds table is the code's (`offduty.models.limits.BOUNDS`)."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from offduty.models.instance import Instance
from offduty.models.limits import BOUNDS
from offduty.models.solution import Solution
from offduty.models.validation import parse_instance

ROOT = Path(__file__).resolve().parent.parent
FORMATS = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")


def _models(annotation: object) -> Iterator[tuple[type[BaseModel], str]]:
    """The models inside an annotation, with the path suffix that reaches them ([] or .*)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, ""
        return
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        for model, suffix in _models(arg):
            yield model, ("[]" if origin is list else ".*" if origin is dict else "") + suffix


def field_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """`members[].tours[].start`, ... for every field reachable from `model`."""
    for name, info in model.model_fields.items():
        path = prefix + name
        yield path
        for inner, suffix in _models(info.annotation):
            yield from field_paths(inner, f"{path}{suffix}.")


def documented() -> set[str]:
    """The first cell of every table row, without its backticks."""
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", FORMATS, re.MULTILINE)}


@pytest.mark.parametrize(("model", "section"),
                         [(Instance, "## Instance fields"), (Solution, "## The solution")])
def test_every_model_field_is_documented(model: type[BaseModel], section: str) -> None:
    assert section in FORMATS
    missing = [p for p in field_paths(model) if p not in documented()]
    assert not missing, f"docs/formats.md lacks a table row for: {', '.join(missing)}"


def test_the_field_walk_finds_nested_fields() -> None:
    paths = set(field_paths(Instance))
    assert {"members[].tours[].exception_hours", "policy.staffing_ratios.*.core",
            "events[].shifts[].positions[].pay_rate", "events[].window.start"} <= paths


def _json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", FORMATS, re.DOTALL)


def test_the_example_instance_is_valid() -> None:
    instance = parse_instance(json.loads(_json_blocks()[0]))
    assert instance.members and instance.events


def test_the_example_solution_is_a_solution() -> None:
    solution = Solution.model_validate_json(_json_blocks()[1])
    assert solution.status.value == "optimal"


def test_the_bounds_table_is_the_code() -> None:
    section = FORMATS.split("## Bounds", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| `")]
    assert [(r[0].strip("`"), r[1], r[2], r[3]) for r in rows] == [
        (b.path, b.low, b.high, b.unit) for b in BOUNDS]


def test_the_readme_points_at_the_docs_not_at_a_missing_design_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/formats.md" in readme
    assert "DESIGN.md" not in readme
