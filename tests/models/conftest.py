"""A small valid instance (plain dict in the DESIGN.md format) that the model tests mutate."""

from __future__ import annotations

from typing import Any

import pytest

Raw = dict[str, Any]


def at(clock: str, day: str = "2026-09-13", offset: str = "-05:00") -> str:
    """`at("10:00")` is 2026-09-13T10:00:00-05:00 (daylight time, far from a clock change)."""
    return f"{day}T{clock}:00{offset}"


def valid_raw() -> Raw:
    """Two members (A with a 06:00–16:00 tour on a 10-hour plan, B without tours), one employer,
    one event with one shift S1 10:00–14:00 holding position P1 (2 slots, $50)."""
    return {
        "name": "tiny",
        "members": [
            {"id": "A", "seniority_date": "2000-01-01", "hour_plan": 10,
             "tours": [{"start": at("06:00"), "end": at("16:00")}]},
            {"id": "B", "seniority_date": "2010-01-01"},
        ],
        "employers": [{"id": "E1", "name": "Chiefs"}],
        "events": [{
            "id": "EV1", "employer": "E1",
            "shifts": [{"id": "S1", "start": at("10:00"), "end": at("14:00"),
                        "positions": [{"id": "P1", "count": 2, "pay_rate": 50.0}]}],
        }],
    }


@pytest.fixture
def raw() -> Raw:
    return valid_raw()
