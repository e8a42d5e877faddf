"""The column schema is complete (every field of the instance format has a column, so the export
loses nothing), its examples are well formed, and docs/csv-format.md shows it as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from offduty.models.instance import (
    Application,
    Assignment,
    Cancellation,
    Employer,
    Event,
    Leave,
    Member,
    Position,
    Shift,
    Tour,
)
from offduty.service.io.schema import TABLES, schema_markdown

ROOT = Path(__file__).resolve().parents[3]
MODELS: dict[str, tuple[type[BaseModel], set[str]]] = {
    "members": (Member, {"tours", "leaves"}),
    "tours": (Tour, set()),
    "leaves": (Leave, set()),
    "employers": (Employer, set()),
    "events": (Event, {"shifts"}),
    "shifts": (Shift, {"positions"}),
    "positions": (Position, set()),
    "applications": (Application, set()),
    "assignments": (Assignment, set()),
    "cancellations": (Cancellation, set()),
}


@pytest.mark.parametrize("key", list(TABLES))
def test_every_field_has_a_column(key: str) -> None:
    model, nested = MODELS[key]
    table = TABLES[key]
    fields = {c.path.split(".")[0] for c in table.columns if c.name != table.parent}
    assert fields == set(model.model_fields) - nested
    for row in table.example:
        assert len(row) == len(table.columns)


def test_docs_show_the_schema() -> None:
    text = (ROOT / "docs" / "csv-format.md").read_text(encoding="utf-8")
    assert schema_markdown() in text, "docs/csv-format.md is out of date: paste schema_markdown() in it"
