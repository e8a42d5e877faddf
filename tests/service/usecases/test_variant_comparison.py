"""Policy what-if through `compare`: each variant's roster verified under its own policy, a
variant that lowers the cap fills no more than the base, who loses or gains hours; strategies ×
variants in one table; each strategy's own score for the optimizer and the greedy list."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from offduty.models.validation import parse_instance
from offduty.service.usecases import (
    BASE,
    ComparisonReport,
    apply_variant,
    compare,
    parse_variant,
    plan_comparison,
    run_key,
    strategy_scores,
    variant_changes,
)
from offduty.service.usecases.variants import VariantError
from offduty.solver import EngineParams, SolveParams, verify
from tests.distribution.helpers import distinguishing_instance

DAY = "2026-09-13"


def at(clock: str, day: str = DAY) -> str:
    return f"{day}T{clock}:00-05:00"


def on_duty_day() -> dict[str, Any]:
    """Six members; A–D worked a 10-hour tour 00:00–10:00 (day from 17:00 the day before, plan 10),
    E and F are free. A 4-hour detail 14:00–18:00 needs four: under a 16-hour cap everyone fits;
    under a 12-hour cap A–D (10 + 4 = 14 h in their work day) cannot; with 8 hours of rest, A–D
    (4 hours after their tour) cannot either."""
    touring = [{"id": m, "seniority_date": f"200{i}-01-01", "hour_plan": 10,
                "tours": [{"start": at("00:00"), "end": at("10:00")}]} for i, m in enumerate("ABCD")]
    free = [{"id": m, "seniority_date": f"201{i}-01-01"} for i, m in enumerate("EF")]
    return {"name": "on-duty day", "members": touring + free, "employers": [{"id": "E1"}],
            "events": [{"id": "EV1", "employer": "E1", "shifts": [
                {"id": "S1", "start": at("14:00"), "end": at("18:00"),
                 "positions": [{"id": "P1", "count": 4, "pay_rate": 50}]}]}]}


VARIANTS = ["cap12: work_day_cap_hours=12", "rest8: min_rest_hours=8", "cap16: work_day_cap_hours=16"]


@pytest.fixture(scope="module")
def report() -> ComparisonReport:
    instance = parse_instance(on_duty_day())
    params = SolveParams(time_limit=20, engine=EngineParams())
    variants = [parse_variant(v) for v in VARIANTS]
    plan = plan_comparison(instance, ["seniority", "hours"], params, variants=variants)
    return compare(plan, parallel=False)


def test_strategies_times_variants_in_one_table(report: ComparisonReport) -> None:
    keys = set(zip(report.table.variant, report.table.strategy, report.table.method, strict=True))
    assert keys == {(v, s, m) for v in (BASE, "cap12", "rest8", "cap16") for s in ("seniority", "hours")
                    for m in ("optimizer", "greedy")}
    assert not report.table.drop(columns=["explanation"]).astype(str).isin(["nan", "NaN"]).any().any()


def test_each_variants_roster_is_verified_under_its_own_policy(report: ComparisonReport) -> None:
    instance = parse_instance(on_duty_day())
    for (variant, _, _), result in report.results.items():
        policy = instance if variant == BASE else apply_variant(
            instance, parse_variant(next(v for v in VARIANTS if v.startswith(variant + ":"))))
        assert verify(policy, result.pairs()) == []
    # the base roster breaks the tighter variant's cap: the policy really changed
    base = report.results[(BASE, "seniority", "optimizer")]
    assert verify(apply_variant(instance, parse_variant(VARIANTS[0])), base.pairs())


def test_a_lower_cap_fills_no_more_than_the_base(report: ComparisonReport) -> None:
    t = report.table.set_index(["variant", "strategy", "method"])
    for strategy in ("seniority", "hours"):
        for method in ("optimizer", "greedy"):
            base = t.loc[(BASE, strategy, method), "filled"]
            assert t.loc[("cap12", strategy, method), "filled"] <= base
            assert t.loc[("rest8", strategy, method), "filled"] <= base
            assert t.loc[("cap16", strategy, method), "filled"] == base  # the default cap, restated
    assert t.loc[(BASE, "seniority", "optimizer"), "filled"] == 4
    assert t.loc[("cap12", "seniority", "optimizer"), "filled"] == 2  # only E and F fit


def test_who_loses_and_who_gains_hours(report: ComparisonReport) -> None:
    """Seniority gives the base detail to A–D (the senior ones); under cap12 they may not work it,
    and E and F take two of its slots."""
    changes = variant_changes(report, "cap12", "seniority")
    assert dict(zip(changes.member, changes.change, strict=True)) == {
        "A": -4.0, "B": -4.0, "C": -4.0, "D": -4.0, "E": 4.0, "F": 4.0}
    row = report.table[(report.table.variant == "cap12") & (report.table.strategy == "seniority")
                       & (report.table.method == "optimizer")].iloc[0]
    assert (row.members_losing, row.members_gaining) == (4, 2)
    assert variant_changes(report, "cap16", "seniority").empty


def test_scores_are_each_strategys_own_objective(report: ComparisonReport) -> None:
    """The optimizer's score is its reported tier value, never worse than the greedy list's."""
    for (variant, strategy, method), result in report.results.items():
        row = report.table[(report.table.variant == variant) & (report.table.strategy == strategy)
                           & (report.table.method == method)].iloc[0]
        if method == "optimizer":
            assert row.score == result.tiers[1].objective
            greedy = report.table[(report.table.variant == variant) & (report.table.strategy == strategy)
                                  & (report.table.method == "greedy")].iloc[0]
            assert row.score <= greedy.score


def test_score_of_a_greedy_roster_matches_the_optimizer_model() -> None:
    """The score, computed without the rules' rows, equals the value the solve's model reports."""
    instance = distinguishing_instance()
    from offduty.solver import solve

    for strategy in ("seniority", "first_come", "hours", "rotation", "balanced"):
        params = SolveParams(strategy=strategy, time_limit=10)
        result = solve(instance, params)
        assert strategy_scores(instance, params, [result]) == [result.tiers[1].objective]


def test_bad_plans_are_refused_before_solving() -> None:
    instance = parse_instance(on_duty_day())
    params = SolveParams()
    with pytest.raises(ValueError, match="unknown strategies lottery"):
        plan_comparison(instance, ["lottery"], params)
    with pytest.raises(ValueError, match="must differ"):
        plan_comparison(instance, ["seniority"], params, variants=[parse_variant("base: min_rest_hours=1")])
    with pytest.raises(ValueError, match="letters, digits"):
        plan_comparison(instance, ["seniority"], params, variants=[parse_variant("a b: min_rest_hours=1")])
    with pytest.raises(VariantError, match="at most 24"):
        plan_comparison(instance, ["seniority"], params, variants=[parse_variant("x: min_rest_hours=30")])
    with pytest.raises(ValueError, match="not compared"):
        run_key("cap12/seniority", ["seniority"], [])
    assert run_key("cap12/hours:greedy", ["hours"], ["cap12"]) == ("cap12", "hours", "greedy")


def test_variant_changes_is_empty_without_a_roster() -> None:
    empty = pd.DataFrame(index=pd.Index([], name="member"))
    report = ComparisonReport("x", ["seniority"], pd.DataFrame(), empty, pd.Series(dtype=float))
    assert variant_changes(report, "cap12").empty
