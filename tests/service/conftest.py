"""Instances shared by the service tests (small on purpose: the suite stays fast)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from offduty.benchmarks.scenarios import generate as generate_scenario

Raw = dict[str, Any]


def at(clock: str, day: str = "2026-09-13") -> str:
    return f"{day}T{clock}:00-05:00"


TINY: Raw = {
    "name": "tiny",
    "members": [
        {"id": "A", "seniority_date": "2000-01-01"},
        {"id": "B", "seniority_date": "2005-01-01"},
        {"id": "C", "seniority_date": "2010-01-01", "rank": "sergeant"},
    ],
    "employers": [{"id": "E1", "name": "Chiefs"}],
    "events": [
        {
            "id": "EV1",
            "employer": "E1",
            "name": "Preseason",
            "shifts": [
                {
                    "id": "S1",
                    "start": at("10:00"),
                    "end": at("14:00"),
                    "positions": [
                        {"id": "P1", "count": 2, "pay_rate": 50.0},
                        {"id": "P2", "count": 1, "min_rank": "sergeant", "pay_rate": 60.0},
                    ],
                }
            ],
        }
    ],
}


@pytest.fixture
def tiny() -> Raw:
    return copy.deepcopy(TINY)


_CACHE: dict[tuple[str, int], Raw] = {}


def scenario(name: str, seed: int = 1) -> Raw:
    if (name, seed) not in _CACHE:
        _CACHE[(name, seed)] = generate_scenario(name, seed)
    return copy.deepcopy(_CACHE[(name, seed)])
