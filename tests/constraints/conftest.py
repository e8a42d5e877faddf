"""Builders of tiny hand-made instances for the rule tests, and a solve helper that checks every
solution the tests get with the independent verifier (`solver.verify`).

Every builder returns a plain dict in the instance format of DESIGN.md; `run()` parses it with
`parse_instance`, solves it with `SolveParams(time_limit=10)` with one worker and seed 0 and verifies the
answer. The test modules import these helpers (`from tests.constraints.conftest import ...`).

Conventions of the tiny instances:
- `DAY` (Sunday 2026-09-13) is in daylight time, offset -05:00, far from any clock change;
- the default detail is shift `S1` 10:00–14:00 of event `EV1` (employer `E1`), position `P1`;
- `S` is a senior member (seniority 2000-01-01), `J` a junior one (2015-01-01): the default
  strategy (seniority) prefers `S`, so a rule that excludes `S` is seen binding when `J` gets the
  position instead (and, with two slots, when one of them stays empty).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from offduty.models.instance import Instance
from offduty.models.solution import SolveStatus, UnfilledOut
from offduty.models.validation import parse_instance
from offduty.solver.params import EngineParams, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve

DAY = "2026-09-13"
CDT = "-05:00"
CST = "-06:00"
SENIOR_DATE = "2000-01-01"
JUNIOR_DATE = "2015-01-01"

Raw = dict[str, Any]

#: Whether `run()` starts the solver from the greedy list solution. Every test runs both ways
#: (ids `greedy-hint` and `no-hint`), so each rule is seen binding with and without the greedy
#: list.
GREEDY_HINT = True


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every test of this directory over the greedy-hint setting."""
    if "_greedy_hint" not in metafunc.fixturenames:
        return
    metafunc.parametrize("_greedy_hint", [True, False], ids=["greedy-hint", "no-hint"], indirect=True)


@pytest.fixture(autouse=True)
def _greedy_hint(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set `GREEDY_HINT` for one run of a test (a test may still pin `greedy_hint` itself)."""
    import tests.constraints.conftest as helpers  # the module the tests import `run` from

    monkeypatch.setattr(helpers, "GREEDY_HINT", getattr(request, "param", True))


# --- builders --------------------------------------------------------------------------------


def at(clock: str, day: str = DAY, offset: str = CDT) -> str:
    """An ISO 8601 time with its UTC offset: `at("10:00")` is 2026-09-13T10:00:00-05:00."""
    return f"{day}T{clock}:00{offset}"


def member(id: str, seniority: str = SENIOR_DATE, **fields: Any) -> Raw:
    """A member: sworn active officer with active privileges unless `fields` say otherwise."""
    return {"id": id, "seniority_date": seniority, **fields}


def senior(**fields: Any) -> Raw:
    """Member `S`, the most senior one (2000-01-01): the seniority strategy wants them first."""
    return member("S", SENIOR_DATE, **fields)


def junior(**fields: Any) -> Raw:
    """Member `J`, junior to `S` (2015-01-01): takes a position only when `S` cannot."""
    return member("J", JUNIOR_DATE, **fields)


def tour(start: str, end: str, **fields: Any) -> Raw:
    """An on-duty tour [start, end) (a member with tours also needs an `hour_plan`)."""
    return {"start": start, "end": end, **fields}


def leave(kind: str, start: str, end: str, **fields: Any) -> Raw:
    """A leave of `kind` over [start, end)."""
    return {"kind": kind, "start": start, "end": end, **fields}


def employer(id: str = "E1", **fields: Any) -> Raw:
    """An approved, unrestricted, non-tavern employer unless `fields` say otherwise."""
    return {"id": id, **fields}


def position(id: str = "P1", count: int = 1, **fields: Any) -> Raw:
    """A position with `count` slots (min rank officer, no certifications, priority 1)."""
    return {"id": id, "count": count, **fields}


def shift(id: str, start: str, end: str, *positions: Raw) -> Raw:
    """A shift [start, end) holding `positions`."""
    return {"id": id, "start": start, "end": end, "positions": list(positions)}


def event(id: str, *shifts: Raw, employer: str = "E1", **fields: Any) -> Raw:
    """An event of `employer` (law-enforcement pool detail inside the city limits by default)."""
    return {"id": id, "employer": employer, "shifts": list(shifts), **fields}


def instance(members: Iterable[Raw], events: Iterable[Raw], employers: Iterable[Raw] | None = None,
             policy: Raw | None = None, **fields: Any) -> Raw:
    """A whole instance; one default employer `E1` unless `employers` are given."""
    raw: Raw = {
        "name": "constraint-test",
        "members": list(members),
        "employers": list(employers) if employers is not None else [employer()],
        "events": list(events),
        **fields,
    }
    if policy is not None:
        raw["policy"] = policy
    return raw


def one_slot(members: Iterable[Raw], *, count: int = 1, start: str | None = None,
             end: str | None = None, position_fields: Raw | None = None,
             event_fields: Raw | None = None, employer_fields: Raw | None = None,
             **instance_fields: Any) -> Raw:
    """One event `EV1` of employer `E1` with one shift `S1` (10:00–14:00 on DAY unless `start`
    / `end` are given) and one position `P1` with `count` slots; `members` compete for it."""
    return instance(
        members,
        [event("EV1", shift("S1", start or at("10:00"), end or at("14:00"),
                            position("P1", count, **(position_fields or {}))),
               **(event_fields or {}))],
        employers=[employer("E1", **(employer_fields or {}))],
        **instance_fields,
    )


def duel(senior_fields: Raw | None = None, *, count: int = 1, junior_fields: Raw | None = None,
         **one_slot_kw: Any) -> Raw:
    """`one_slot` with exactly the senior `S` (with `senior_fields`) and the junior `J`."""
    return one_slot([senior(**(senior_fields or {})), junior(**(junior_fields or {}))], count=count,
                    **one_slot_kw)


# --- solving and checking --------------------------------------------------------------------


def assert_verified(inst: Instance, pairs: Iterable[tuple[str, str]], *,
                    candidates: str = "all_eligible", allow_understaffed: bool = False) -> None:
    """The independent verifier finds no violation in `pairs` (imported lazily: it is written
    concurrently and must not break the collection of these tests)."""
    from offduty.solver.verify import verify

    violations = verify(inst, list(pairs), candidates=str(candidates),
                        allow_understaffed=allow_understaffed)
    assert violations == [], "verifier: " + "; ".join(str(v) for v in violations)


def run(raw: Raw, **params: Any) -> Result:
    """Parse `raw`, solve it with the test parameters (workers 1, seed 0, 10 s, the current
    greedy-hint setting; `params` override them), and verify any solution found."""
    inst = parse_instance(raw)
    engine = EngineParams(workers=1, seed=0, greedy_hint=params.pop("greedy_hint", GREEDY_HINT))
    settings: dict[str, Any] = {"time_limit": 10, "engine": engine, **params}
    result = solve(inst, SolveParams(**settings))
    if result.has_solution:
        assert_verified(inst, result.pairs(), candidates=settings.get("candidates", "all_eligible"),
                        allow_understaffed=settings.get("allow_understaffed", False))
    return result


def greedy_pairs(raw: Raw, **params: Any) -> set[tuple[str, str]]:
    """The greedy list's roster for `raw` (test parameters, `params` override them), checked by
    the verifier like `run`'s solutions (staffing floors aside: the greedy list does not plan
    for them)."""
    from offduty.solver.greedy import solve_greedy

    inst = parse_instance(raw)
    result = solve_greedy(inst, SolveParams(engine=EngineParams(workers=1, seed=0), **params))
    assert_verified(inst, result.pairs(), candidates=params.get("candidates", "all_eligible"),
                    allow_understaffed=True)
    return set(result.pairs())


def verdict(raw: Raw, roster: Iterable[tuple[str, str]], **verify_kw: Any) -> list[str]:
    """The codes the independent verifier reports for `roster` on `raw` ([] when it is valid)."""
    from offduty.solver.verify import verify

    return [v.code for v in verify(parse_instance(raw), list(roster), **verify_kw)]


def pairs(result: Result) -> set[tuple[str, str]]:
    """The solution's (member, position) pairs as a set."""
    return set(result.pairs())


def unfilled(result: Result) -> dict[str, UnfilledOut]:
    """The unfilled positions of a solution, by position id."""
    return {u.position: u for u in result.unfilled}


def solved(raw: Raw, **params: Any) -> Result:
    """`run` that also requires a proven optimal solution."""
    result = run(raw, **params)
    assert result.status == SolveStatus.OPTIMAL, (result.status, result.explanation)
    return result


def infeasible(raw: Raw, **params: Any) -> str:
    """`run` that requires status `infeasible`; returns the explanation as one string."""
    result = run(raw, **params)
    assert result.status == SolveStatus.INFEASIBLE, (result.status, result.pairs())
    assert result.explanation, "an infeasible answer must explain itself"
    return "\n".join(result.explanation)


# --- the two standard checks of an eligibility rule ------------------------------------------


def assert_senior_excluded(code: str, **duel_kw: Any) -> None:
    """With `duel(**duel_kw)`, `S` (senior, breaking rule `code`) never gets P1:
    - one slot: the seniority tier would prefer `S`, yet `J` gets it;
    - two slots: the coverage tier would fill both with `S` and `J`, yet only `J` is assigned and
      P1's `reasons` name exactly `code` for the one excluded member."""
    one = solved(duel(count=1, **duel_kw))
    assert pairs(one) == {("J", "P1")}
    two = solved(duel(count=2, **duel_kw))
    assert pairs(two) == {("J", "P1")}
    gap = unfilled(two)["P1"]
    assert gap.missing == 1
    assert gap.reasons == {code: 1}


def assert_senior_chosen(**duel_kw: Any) -> None:
    """The control of `assert_senior_excluded`: the rule does not apply, so `S` gets the one slot
    and both members fill two slots (the better choice is made: the test could fail)."""
    one = solved(duel(count=1, **duel_kw))
    assert pairs(one) == {("S", "P1")}
    two = solved(duel(count=2, **duel_kw))
    assert pairs(two) == {("S", "P1"), ("J", "P1")}
    assert two.unfilled == []


def assert_everyone_excluded(code: str, **duel_kw: Any) -> None:
    """For rules on the event or employer: neither member gets P1 (two slots), though filling it
    would score better, and the reasons count both members under `code`."""
    res = solved(duel(count=2, **duel_kw))
    assert pairs(res) == set()
    gap = unfilled(res)["P1"]
    assert gap.missing == 2
    assert gap.reasons == {code: 2}
