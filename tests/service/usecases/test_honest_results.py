"""Honest results from the use-case layer, with stops placed deterministically: a tier that was
never solved, a time limit shorter than the preparation. Each time the roster is verified, the
status claims optimality only with every tier proven, and the gap is the worst tier's or None."""

from __future__ import annotations

import threading

import pytest

from offduty.benchmarks.scenarios import generate
from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.service.usecases import Progress, Result, SolveParams, solve_verified, strategy_scores
from offduty.solver import verify


@pytest.fixture(scope="module")
def game() -> Instance:
    return parse_instance(generate("chiefs-game", 1))


def check_true(instance: Instance, params: SolveParams, result: Result) -> None:
    assert result.has_solution
    assert verify(instance, result.pairs()) == []
    proven = all(t.status == "optimal" for t in result.tiers)
    assert (result.status.value == "optimal") == proven
    gaps = [t.gap for t in result.tiers]
    assert result.gap == (None if None in gaps else max(g for g in gaps if g is not None))
    assert all((t.bound is None) == (t.gap is None) for t in result.tiers)
    (score,) = strategy_scores(instance, params, [result])
    assert result.tiers[1].objective in (None, score)


def stop_after(calls: int) -> tuple[threading.Event, list[Progress], object]:
    stop, seen = threading.Event(), []

    def progress(p: Progress) -> None:
        seen.append(p)
        if len(seen) >= calls:
            stop.set()
    return stop, seen, progress


def test_a_stop_after_the_greedy_roster_returns_it_unproven(game: Instance) -> None:
    params = SolveParams(time_limit=60)
    stop, _, progress = stop_after(1)  # the greedy roster's report comes first
    result = solve_verified(game, params, progress=progress, stop=stop)  # type: ignore[arg-type]
    assert result.status.value == "feasible"
    assert result.gap is None
    assert [t.status for t in result.tiers] == ["optimal", "unknown"]  # nothing unfilled that could be
    assert result.tiers[1].objective is None and result.tiers[1].bound is None
    assert any("greedy list roster is returned" in line for line in result.explanation)
    check_true(game, params, result)


def test_a_tier_never_solved_has_no_bound_and_no_proof(game: Instance) -> None:
    params = SolveParams(time_limit=60)
    stop, seen, progress = stop_after(2)  # the greedy roster, then coverage proven by the shortcut
    result = solve_verified(game, params, progress=progress, stop=stop)  # type: ignore[arg-type]
    assert [p.tier_index for p in seen[:2]] == [0, 0]
    assert any("tier 'seniority' not run: stopped by request" in line for line in result.explanation)
    assert result.status.value == "feasible"
    assert result.gap is None
    seniority = result.tiers[1]
    assert (seniority.status, seniority.bound, seniority.gap) == ("unknown", None, None)
    assert seniority.objective is not None  # the model was built: the roster's value is known
    check_true(game, params, result)


def test_a_time_limit_shorter_than_the_preparation(game: Instance) -> None:
    params = SolveParams(time_limit=0.001)
    result = solve_verified(game, params)
    assert result.status.value == "feasible"
    assert result.gap is None
    assert any("time limit of 0.001 s reached" in line for line in result.explanation)
    check_true(game, params, result)


def test_a_full_solve_is_proven(game: Instance) -> None:
    params = SolveParams(time_limit=60)
    result = solve_verified(game, params)
    assert result.status.value == "optimal" and result.gap == 0
    check_true(game, params, result)
