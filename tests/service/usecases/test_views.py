"""The web page's view data: the roster by event and shift, the timeline against the staffing
floor, fairness, vacated positions."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from offduty.service.usecases import SolveParams, load, solve_verified, views
from offduty.solver import Result
from tests.service.conftest import scenario


@pytest.fixture(scope="module")
def game() -> tuple[Any, Result, dict[str, Any]]:
    raw = scenario("chiefs-game")
    raw["events"][0]["shifts"][0]["positions"][0]["count"] = 400  # more than can be filled
    instance = load(raw)
    result = solve_verified(
        instance, SolveParams(strategy="seniority", time_limit=20, allow_understaffed=True)
    )
    assert result.has_solution and result.unfilled
    return instance, result, raw


def test_the_roster_by_event_and_shift(game: tuple[Any, Result, dict[str, Any]]) -> None:
    instance, result, _ = game
    [event] = views.roster_by_event(instance, result)
    rows = [r for s in event.shifts for r in s.rows]
    assert sum(1 for r in rows if not r.unfilled) == len(result.assignments)
    assert sum(1 for r in rows if r.unfilled) == sum(u.missing for u in result.unfilled) == event.unfilled
    unfilled = next(r for r in rows if r.unfilled)
    assert unfilled.reason == views.reason_words(unfilled.codes, instance, result.unfilled[0].eligible)
    assert "without a required certification" in unfilled.reason


def test_the_timeline_counts_the_roster_against_the_floor(game: tuple[Any, Result, dict[str, Any]]) -> None:
    instance, result, _ = game
    [timeline] = views.timelines(instance, result)
    by_shift = Counter(a.shift for a in result.assignments)
    assert {b.shift: b.staffed for b in timeline.bars} == {
        s.id: by_shift[s.id] for s in instance.events[0].shifts
    }
    assert timeline.floor == 52 and timeline.steps
    assert all(0 <= s.start < s.end <= timeline.span for s in timeline.steps)
    assert not any(s.short for s in timeline.steps)  # the solver met the floor


def test_fairness(game: tuple[Any, Result, dict[str, Any]]) -> None:
    instance, result, _ = game
    fair = views.fairness(instance, result)
    assert fair.lorenz[0] == (0.0, 0.0) and fair.lorenz[-1][0] == 1.0 and abs(fair.lorenz[-1][1] - 1) < 1e-9
    assert all(b[1] >= a[1] for a, b in zip(fair.lorenz, fair.lorenz[1:], strict=False))
    assert sum(c for _, _, c in fair.histogram) == len(fair.hours)
    assert abs(sum(fair.hours) - sum(a.hours for a in result.assignments)) < 1e-6


def test_vacated_positions(game: tuple[Any, Result, dict[str, Any]]) -> None:
    _, result, raw = game
    short = views.vacated_positions(json.dumps(raw), result.pairs())
    assert {p for p, _, _ in short} == {u.position for u in result.unfilled}
