"""Each strategy picks its own favourite where all five disagree, and each one's specifics."""

from __future__ import annotations

import numpy as np
import pytest

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.base import Strategy
from offduty.distribution.first_come import first_come_ranks
from offduty.distribution.registry import STRATEGIES, get_strategy
from offduty.models import InstanceArrays
from offduty.solver.greedy import solve_greedy
from offduty.solver.params import SolveParams
from tests.distribution.helpers import (
    EXPECTED,
    STRATEGY_NAMES,
    apply,
    chosen,
    distinguishing_instance,
    instance,
    member,
    position,
    run,
    shift,
)


def test_registry_has_all_five() -> None:
    assert set(STRATEGIES) == set(STRATEGY_NAMES)
    for name in STRATEGY_NAMES:
        strategy = get_strategy(name)
        assert isinstance(strategy, Strategy) and strategy.name == name
        assert strategy.summary()
    with pytest.raises(ValueError, match="unknown strategy"):
        get_strategy("lottery")


def test_the_five_favourites_differ() -> None:
    assert len(set(EXPECTED.values())) == len(STRATEGY_NAMES)


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_optimizer_picks_the_strategy_favourite(name: str) -> None:
    result = run(distinguishing_instance(), name)
    assert result.status == "optimal"
    assert chosen(result) == {EXPECTED[name]}


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_greedy_list_picks_the_strategy_favourite(name: str) -> None:
    result = solve_greedy(distinguishing_instance(), SolveParams(strategy=name))
    assert chosen(result) == {EXPECTED[name]}


@pytest.mark.parametrize("only", ["seniority", "first_come", "hours", "rotation"])
def test_balanced_with_one_weight_is_that_strategy(only: str) -> None:
    weights = {w: (1.0 if w == only else 0.0) for w in ("seniority", "first_come", "hours", "rotation")}
    result = run(distinguishing_instance(**weights), "balanced")
    assert chosen(result) == {EXPECTED[only]}


def test_first_come_puts_non_applicants_last() -> None:
    # S is senior, has no hours and never worked, but did not apply; J applied late.
    inst = instance([member("S", "2000-01-01"), member("J", "2015-01-01", hours_ytd=300)],
                    [shift("S1", "10:00", "14:00")], [apply("J", "S1", "23:59")])
    assert chosen(run(inst, "first_come")) == {"J"}
    assert chosen(run(inst, "seniority")) == {"S"}


def test_first_come_ranks_are_dense_per_shift_and_use_the_earliest_application() -> None:
    members = [member(m) for m in "ABCD"]
    apps = [apply("A", "S1", "09:00"), apply("B", "S1", "08:00"), apply("C", "S1", "09:00"),
            apply("A", "S1", "07:00"),  # A's earliest counts
            apply("D", "S2", "12:00")]
    inst = instance(members, [shift("S1", "10:00", "14:00"), shift("S2", "15:00", "19:00")], apps)
    ranks = first_come_ranks(InstanceArrays.build(inst))
    m = np.arange(4)
    assert ranks.of(m, np.zeros(4, dtype=np.int64)).tolist() == [1, 2, 3, 4]  # D did not apply
    assert ranks.of(m, np.ones(4, dtype=np.int64)).tolist() == [2, 2, 2, 1]


def test_first_come_ties_share_a_rank() -> None:
    inst = instance([member("A"), member("B"), member("C")], [shift("S1", "10:00", "14:00")],
                    [apply("A", "S1", "08:00"), apply("B", "S1", "08:00")])
    ranks = first_come_ranks(InstanceArrays.build(inst))
    assert ranks.of(np.arange(3), np.zeros(3, dtype=np.int64)).tolist() == [1, 1, 2]


def test_rotation_prefers_never_worked_then_oldest() -> None:
    inst = instance([member("OLD", last_worked=t_("2025-01-01")),
                     member("NEW", last_worked=t_("2026-09-01")),
                     member("NEVER", "2020-01-01")],
                    [shift("S1", "10:00", "14:00", [position("P", count=2)])])
    assert chosen(run(inst, "rotation")) == {"NEVER", "OLD"}


def t_(day: str) -> str:
    return f"{day}T12:00:00-05:00"


def test_hours_spreads_work_where_a_linear_order_would_not() -> None:
    # X has fewer hours than Y, so a "fewest hours first" list gives X both details
    # (totals 8 and 3); the convex penalty gives one each (totals 4 and 7): max 7 < 8.
    inst = instance([member("X", "2000-01-01", hours_ytd=0), member("Y", "2010-01-01", hours_ytd=3)],
                    [shift("S1", "10:00", "14:00"), shift("S2", "15:00", "19:00")])
    hours = run(inst, "hours")
    assert sorted((a.member, a.shift) for a in hours.assignments) in (
        [("X", "S1"), ("Y", "S2")], [("X", "S2"), ("Y", "S1")])
    greedy = solve_greedy(inst, SolveParams(strategy="hours"))
    assert chosen(greedy) == {"X"}
    assert chosen(run(inst, "seniority")) == {"X"}


def test_hours_penalty_equals_the_sum_of_squared_totals() -> None:
    inst = instance([member("X", hours_ytd=1.5), member("Y", hours_ytd=2), member("Z", hours_ytd=9)],
                    [shift("S1", "10:00", "14:00", [position("P", count=2)]),
                     shift("S2", "14:00", "16:30")])
    result = run(inst, "hours")
    assert result.status == "optimal"
    ytd = {"X": 90, "Y": 120, "Z": 540}
    new = dict.fromkeys(ytd, 0)
    for a in result.assignments:
        new[a.member] += round(a.hours * 60)
    assert result.objective[1] == sum((ytd[m] + new[m]) ** 2 - ytd[m] ** 2 for m in ytd)


def test_hours_greedy_order_is_fewest_hours_first() -> None:
    inst = distinguishing_instance()
    arrays = InstanceArrays.build(inst)
    pairs = compute_eligibility(arrays).pairs
    key = get_strategy("hours").pair_order_key(arrays, pairs.member, pairs.position)
    order = [arrays.member_ids[m] for m in pairs.member[np.argsort(key, kind="stable")]]
    assert order == ["C", "E", "D", "B", "A"]


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_strategies_handle_an_instance_without_eligible_pairs(name: str) -> None:
    inst = instance([member("A", privileges="suspended")], [shift("S1", "10:00", "14:00")])
    result = run(inst, name)
    assert result.assignments == []
    assert result.metrics["filled"] == 0
