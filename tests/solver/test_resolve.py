"""Re-solves (`SolveParams(resolve=Resolve(...))`): tiers coverage, changes, the strategy over
the newcomers; freeze and max_changes; the neighbourhood narrowing is exact.

Every roster is checked by the independent verifier; tier values by brute force on small random
instances (the rosters the verifier accepts, ordered by the re-solve's tiers)."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from offduty.benchmarks import mass_cancel
from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus
from offduty.models.validation import parse_instance
from offduty.solver.params import EngineParams, Resolve, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve
from offduty.solver.verify import verify
from tests.constraints.conftest import at, instance, member, position, shift
from tests.constraints.conftest import event as make_event
from tests.solver.test_properties import (
    PROPERTY_SETTINGS,
    candidate_rosters,
    seniority_ranks,
    weighted_unfilled,
)
from tests.strategies import instances

Pair = tuple[str, str]


def resolve_params(greedy_hint: bool = True, **options: Any) -> SolveParams:
    return SolveParams(time_limit=20, resolve=Resolve(**options),
                       engine=EngineParams(workers=1, seed=0, greedy_hint=greedy_hint))


def checked(inst: Instance, result: Result) -> Result:
    assert result.has_solution, (result.status, result.explanation)
    assert verify(inst, result.pairs()) == []
    return result


def tier(result: Result, name: str) -> Any:
    return next(t for t in result.tiers if t.name == name)


def changes(published: set[Pair], cancelled: set[Pair], roster: set[Pair]) -> int:
    """The symmetric difference of the rosters, cancelled pairs not counted."""
    return len((published - cancelled) ^ roster)


# --- the hand-built move -----------------------------------------------------------------------


def move_case() -> Instance:
    """One shift, three positions: P (anyone), V1 (needs k9), V2 (anyone). Published: A (the only
    free k9 handler) on P, X on V1, Y on V2; X and Y cancel. B and C are free, without k9. Both
    vacancies are filled only if A moves from P to V1 and B, C take P and V2."""
    raw = instance(
        [member("A", "2001-01-01", certifications=["k9"]), member("B", "2002-01-01"),
         member("C", "2003-01-01"), member("X", "2004-01-01", certifications=["k9"]),
         member("Y", "2005-01-01")],
        [make_event("EV1", shift("S1", at("10:00"), at("14:00"), position("P"),
                                 position("V1", certifications=["k9"]), position("V2")))],
        assignments=[{"member": "A", "position": "P"}, {"member": "X", "position": "V1"},
                     {"member": "Y", "position": "V2"}],
        cancellations=[{"member": "X", "position": "V1", "at": at("09:00", "2026-09-11")},
                       {"member": "Y", "position": "V2", "at": at("09:00", "2026-09-11")}],
    )
    return parse_instance(raw)


@pytest.mark.parametrize("greedy_hint", [True, False], ids=["greedy-hint", "no-hint"])
def test_moving_one_member_fills_both_vacancies(greedy_hint: bool) -> None:
    inst = move_case()
    result = checked(inst, solve(inst, resolve_params(greedy_hint)))
    roster = set(result.pairs())
    assert ("A", "V1") in roster and ("A", "P") not in roster
    assert {m for m, p in roster if p in ("P", "V2")} == {"B", "C"}
    assert result.proven
    assert [t.name for t in result.tiers] == ["coverage", "changes", "seniority"]
    # the move counts two, the two newcomers one each
    assert tier(result, "coverage").objective == 0
    assert tier(result, "changes").objective == 4 == changes({("A", "P"), ("X", "V1"), ("Y", "V2")},
                                                             {("X", "V1"), ("Y", "V2")}, roster)


def test_freeze_keeps_everyone_in_place() -> None:
    inst = move_case()
    result = checked(inst, solve(inst, resolve_params(freeze=True)))
    roster = set(result.pairs())
    assert ("A", "P") in roster
    assert {u.position for u in result.unfilled} == {"V1"}
    assert tier(result, "changes").objective == 1
    assert result.proven


@pytest.mark.parametrize(("limit", "filled", "made"), [(0, 1, 0), (1, 2, 1), (3, 2, 1), (4, 3, 4)])
def test_max_changes_is_a_hard_limit(limit: int, filled: int, made: int) -> None:
    """Coverage gives way to the limit: with fewer than 4 changes the move is out of reach, and
    filling V2 alone (1 change) is then as good as moving A (3 changes, P refilled)."""
    inst = move_case()
    result = checked(inst, solve(inst, resolve_params(max_changes=limit)))
    assert result.metrics["filled"] == filled
    assert tier(result, "changes").objective == made <= limit
    assert result.proven


def test_forced_changes_beyond_max_changes_are_infeasible() -> None:
    raw = move_case().model_dump(mode="json")
    raw["members"][0]["leaves"] = [{"kind": "injury", "start": at("08:00"), "end": at("20:00")}]
    inst = parse_instance(raw)  # A may not keep P any more: one change is forced
    result = solve(inst, resolve_params(max_changes=0))
    assert result.status == SolveStatus.INFEASIBLE
    assert "more than the 0 changes allowed" in " ".join(result.explanation)


def test_a_plain_solve_keeps_the_design_order() -> None:
    """Without `resolve` the strategy comes before the changes (DESIGN.md tier 3)."""
    inst = move_case()
    result = checked(inst, solve(inst, SolveParams(time_limit=20)))
    assert [t.name for t in result.tiers] == ["coverage", "seniority", "changes"]


def test_the_strategy_ranks_newcomers_only() -> None:
    """Among the newcomers the most senior is chosen; the kept members weigh nothing."""
    raw = instance(
        [member("K", "2010-01-01"), member("N1", "2001-01-01"), member("N2", "2002-01-01"),
         member("Z", "2000-01-01")],
        [make_event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1"), position("P2")))],
        assignments=[{"member": "K", "position": "P1"}, {"member": "Z", "position": "P2"}],
        cancellations=[{"member": "Z", "position": "P2"}],
    )
    inst = parse_instance(raw)
    result = checked(inst, solve(inst, resolve_params()))
    assert set(result.pairs()) == {("K", "P1"), ("N1", "P2")}
    # ranks: Z 1, N1 2, N2 3, K 4; only the newcomer N1 counts (with K it would be 6)
    assert tier(result, "seniority").objective == 2
    assert tier(result, "changes").objective == 1


# --- the Chiefs game after 25 % cancellations -------------------------------------------------


@functools.cache
def chiefs_mass_cancel() -> Instance:
    return parse_instance(mass_cancel.generate(1))


@functools.cache
def chiefs_resolved(greedy_hint: bool) -> Result:
    return solve(chiefs_mass_cancel(), resolve_params(greedy_hint))


def test_mass_cancel_keeps_every_other_assignment() -> None:
    inst = chiefs_mass_cancel()
    result = checked(inst, chiefs_resolved(True))
    published = {(a.member, a.position) for a in inst.assignments}
    cancelled = {(c.member, c.position) for c in inst.cancellations}
    assert len({m for m, _ in cancelled}) == round(0.25 * len({m for m, _ in published}))
    roster = set(result.pairs())
    assert published - cancelled <= roster  # every other assignment kept
    assert not roster & cancelled
    # the changes are exactly the vacated places refilled, and that is proven minimal
    refilled = roster - published
    assert len(refilled) == len(cancelled) == tier(result, "changes").objective
    assert changes(published, cancelled, roster) == len(cancelled)
    assert tier(result, "changes").status == "optimal"
    assert tier(result, "changes").bound == len(cancelled)
    assert result.proven and result.metrics["filled"] == result.metrics["required"]


@pytest.mark.parametrize("strategy", ["seniority", "first_come", "hours", "rotation", "balanced"])
def test_the_neighbourhood_is_exact(strategy: str) -> None:
    """Narrowed (greedy hint) and whole (no hint, so no narrowing) re-solves prove the same tier
    values, for every strategy (`balanced` scales its criteria by the whole problem's pairs)."""
    if strategy == "seniority":
        narrowed, whole = chiefs_resolved(True), chiefs_resolved(False)
    else:
        narrowed, whole = (solve(chiefs_mass_cancel(), replace(resolve_params(hint), strategy=strategy))
                           for hint in (True, False))
    checked(chiefs_mass_cancel(), whole)
    assert narrowed.proven and whole.proven
    assert narrowed.objective == whole.objective


# --- brute force on small random instances ------------------------------------------------------


def resolve_key(inst: Instance, roster: tuple[Pair, ...]) -> tuple[int, int, int]:
    """(weighted unfilled, changes, seniority ranks of the newcomers) of a roster."""
    published = {(a.member, a.position) for a in inst.assignments}
    cancelled = {(c.member, c.position) for c in inst.cancellations}
    rank = seniority_ranks(inst)
    newcomers = set(roster) - published
    return (weighted_unfilled(inst, list(roster)), changes(published, cancelled, set(roster)),
            sum(rank[m] for m, _ in newcomers))


@st.composite
def published_instances(draw: st.DrawFn) -> dict[str, Any]:
    """A small instance with a published roster (offduty's plain solve of it, unlocked) and
    cancellations of some of its assignments."""
    raw = draw(instances(max_members=5))
    raw.pop("assignments", None)
    raw.pop("cancellations", None)
    base = parse_instance(raw)
    plain = solve(base, SolveParams(time_limit=10, allow_understaffed=True,
                                    engine=EngineParams(workers=1, seed=0)))
    roster = plain.pairs()
    cancelled = draw(st.lists(st.sampled_from(roster), unique=True, max_size=len(roster))) if roster else []
    raw["assignments"] = [{"member": m, "position": p} for m, p in roster]
    raw["cancellations"] = [{"member": m, "position": p} for m, p in cancelled]
    return raw


@PROPERTY_SETTINGS
@given(raw=published_instances())
def test_resolve_tiers_equal_the_brute_force_optimum(raw: dict[str, Any]) -> None:
    inst = parse_instance(raw)
    rosters = candidate_rosters(inst, "all_eligible")
    event(f"enumerable: {rosters is not None}")
    if rosters is None:
        return
    valid = [r for r in rosters if not verify(inst, r, allow_understaffed=True)]
    params = SolveParams(time_limit=10, allow_understaffed=True, resolve=Resolve(),
                         engine=EngineParams(workers=1, seed=0))
    result = checked_understaffed(inst, solve(inst, params))
    best = min(resolve_key(inst, r) for r in valid)
    assert result.proven, (result.status, result.explanation)
    assert tuple(round(v or 0) for v in result.objective) == best, (result.pairs(), best)
    assert resolve_key(inst, tuple(result.pairs())) == best


def checked_understaffed(inst: Instance, result: Result) -> Result:
    assert result.has_solution, (result.status, result.explanation)
    assert verify(inst, result.pairs(), allow_understaffed=True) == []
    return result
