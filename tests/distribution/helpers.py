"""Tiny hand-built instances for the distribution tests (raw dicts through `parse_instance`).

Conventions: Sunday 2026-09-13, daylight time (-05:00); one employer `E1`; events have venue
`none` (no staffing floor) unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

from offduty.models import Instance, parse_instance
from offduty.solver.params import EngineParams, SolveParams
from offduty.solver.result import Result
from offduty.solver.solve import solve

Raw = dict[str, Any]
STRATEGY_NAMES = ("seniority", "first_come", "hours", "rotation", "balanced")


def t(hm: str, day: str = "2026-09-13") -> str:
    """`"10:00"` -> `"2026-09-13T10:00:00-05:00"`."""
    return f"{day}T{hm}:00-05:00"


def member(mid: str, seniority: str = "2010-01-01", **kw: Any) -> Raw:
    return {"id": mid, "seniority_date": seniority, **kw}


def position(pid: str, count: int = 1, **kw: Any) -> Raw:
    return {"id": pid, "count": count, **kw}


def shift(sid: str, start: str, end: str, positions: list[Raw] | None = None) -> Raw:
    return {"id": sid, "start": t(start), "end": t(end),
            "positions": positions if positions is not None else [position(f"{sid}-P")]}


def instance(members: list[Raw], shifts: list[Raw], applications: list[Raw] | None = None,
             policy: Raw | None = None, **event_kw: Any) -> Instance:
    raw: Raw = {
        "name": "tiny",
        "members": members,
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV1", "employer": "E1", "shifts": shifts, **event_kw}],
        "applications": applications or [],
    }
    if policy is not None:
        raw["policy"] = policy
    return parse_instance(raw)


def apply(mid: str, sid: str, at: str) -> Raw:
    """An application of `mid` to `sid` at `at` (HH:MM on 2026-09-01)."""
    return {"member": mid, "shift": sid, "at": t(at, "2026-09-01")}


def run(inst: Instance, strategy: str, **kw: Any) -> Result:
    params = SolveParams(strategy=strategy, time_limit=10, engine=EngineParams(workers=1, seed=0), **kw)
    return solve(inst, params)


def chosen(result: Result) -> set[str]:
    return {a.member for a in result.assignments}


def distinguishing_instance(**policy: Any) -> Instance:
    """One 4-hour slot and five members, each the favourite of exactly one strategy.

    | member | seniority | applied | hours ytd | last worked | favourite of            |
    |--------|-----------|---------|-----------|-------------|-------------------------|
    | A      | 1st       | 5th     | 100       | newest      | seniority               |
    | B      | 3rd       | 1st     | 90        | 4th         | first_come              |
    | C      | 4th       | 4th     | 0         | 3rd         | hours                   |
    | D      | 5th       | 3rd     | 80        | never       | rotation                |
    | E      | 2nd       | 2nd     | 10        | 2nd         | balanced (second in all)|
    """
    members = [
        member("A", "2000-01-01", hours_ytd=100, last_worked=t("20:00", "2026-09-10")),
        member("B", "2010-01-01", hours_ytd=90, last_worked=t("20:00", "2026-09-09")),
        member("C", "2012-01-01", hours_ytd=0, last_worked=t("20:00", "2026-09-08")),
        member("D", "2014-01-01", hours_ytd=80),
        member("E", "2001-01-01", hours_ytd=10, last_worked=t("20:00", "2026-01-01")),
    ]
    apps = [apply("B", "S1", "08:00"), apply("E", "S1", "08:01"), apply("D", "S1", "08:02"),
            apply("C", "S1", "08:03"), apply("A", "S1", "08:04")]
    return instance(members, [shift("S1", "10:00", "14:00")], apps,
                    policy={"balanced_weights": policy} if policy else None)


EXPECTED = {"seniority": "A", "first_come": "B", "hours": "C", "rotation": "D", "balanced": "E"}
