"""Instance -> CSV files -> instance gives the same instance: on every generated scenario, and on
random small instances whose texts hold quotes, separators, newlines and formula characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offduty.benchmarks.scenarios import SCENARIOS, generate
from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.service.io.cells import escape_cell, unescape_cell
from offduty.service.io.exporter import export_files, write_csv_dir
from offduty.service.io.importer import import_instance
from offduty.service.io.schema import TABLES
from tests.strategies import instances


def reimport(instance: Instance) -> Instance:
    """Export in memory and import the bytes back, as an upload would."""
    files = dict(export_files(instance))
    policy = files.pop("policy.json")
    tables = {name.removesuffix(".csv"): content for name, content in files.items()}
    result = import_instance(tables, policy=policy, name=instance.name)
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert result.instance is not None
    return result.instance


def assert_same(a: Instance, b: Instance) -> None:
    assert b.model_dump() == a.model_dump()
    # times keep their offsets, numbers their exact value
    assert b.model_dump_json() == a.model_dump_json()


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_scenario_round_trips(scenario: str, tmp_path: Path) -> None:
    instance = parse_instance(generate(scenario, 1))
    paths = write_csv_dir(instance, tmp_path)
    assert sorted(p.name for p in paths) == sorted([f"{k}.csv" for k, t in TABLES.items() if not t.optional]
                                                   + ["policy.json"])
    files = {p.stem: p for p in paths if p.suffix == ".csv"}
    result = import_instance(files, policy=tmp_path / "policy.json", name=instance.name)
    assert result.errors == []
    assert result.instance is not None
    assert_same(instance, result.instance)


#: Texts as agencies' exports hold them: formula starts, quotes, separators, line breaks, accents.
TEXT = st.text(st.one_of(st.sampled_from("=+-@'\t\r\n\",; |"),
                         st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))), max_size=12)


@st.composite
def instances_with_texts(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = draw(instances())
    raw["name"] = draw(TEXT)
    for member in raw["members"]:
        member["name"] = draw(TEXT)
    for employer in raw["employers"]:
        employer["name"] = draw(TEXT)
    for event in raw["events"]:
        event["name"] = draw(TEXT)
    for cancellation in raw.get("cancellations", []):
        cancellation["comment"] = draw(TEXT)
    return raw


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_texts())
def test_random_instances_round_trip(raw: dict[str, Any]) -> None:
    instance = parse_instance(raw)
    assert_same(instance, reimport(instance))


@given(st.text())
def test_unescape_undoes_escape(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_list_item_with_the_separator_cannot_be_exported() -> None:
    instance = parse_instance({"members": [{"id": "M1", "seniority_date": "2000-01-01",
                                            "certifications": ["k9;bike"]}],
                               "events": [{"id": "EV1", "employer": "E1"}], "employers": [{"id": "E1"}]})
    with pytest.raises(ValueError, match="cannot be written in one cell"):
        dict(export_files(instance))
