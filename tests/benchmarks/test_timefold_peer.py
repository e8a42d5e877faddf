"""The `timefold` peer: its facts (no JVM), its runs on a tiny instance whose optimum offduty proves,
and the verifier check that catches a roster from a weakened constraint stream.

The tiny instance is seven independent traps, one per hard rule the peer writes as a constraint
stream. In each, the tiers alone (coverage first, then seniority) would break the rule, so the
rule's stream is what keeps the roster valid: drop it (`--weaken CODE`) and the roster Timefold
returns breaks exactly that rule, which the verifier must report (status `invalid`, the codes).
Each Timefold run is a child process (JVM start and translation included, stopped 2 s after
its last improvement), three in all; every test that needs one skips, saying why, where no JDK
is found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from offduty.benchmarks.timefold_facts import CapParts, build_facts, week_parts, work_day_parts
from offduty.benchmarks.timefold_peer import timefold_available
from offduty.constraints.eligibility import compute_eligibility
from offduty.models.arrays import InstanceArrays
from offduty.models.validation import parse_instance

ROOT = Path(__file__).resolve().parents[2]
DAY, MONDAY, TUESDAY = "2026-09-13", "2026-09-14", "2026-09-15"
HARD_CODES = ("C-OVERLAP", "C-REST", "C-WORK-DAY-CAP", "C-WEEKLY-CAP", "C-TAVERN-MIN",
              "C-STAFFING-RATIO", "C-LOCKED")

Raw = dict[str, Any]


def at(clock: str, day: str = DAY) -> str:
    return f"{day}T{clock}:00-05:00"


def member(id: str, year: int, *certs: str, **fields: Any) -> Raw:
    """A member; earlier `year` of seniority ranks first. `certs` tie them to one trap."""
    return {"id": id, "seniority_date": f"{year}-01-01", "certifications": list(certs), **fields}


def slot(id: str, start: str, end: str, cert: str, count: int = 1, priority: int = 1) -> Raw:
    """A shift `id` holding one position `id-p` that needs certification `cert`."""
    return {"id": id, "start": start, "end": end,
            "positions": [{"id": f"{id}-p", "count": count, "certifications": [cert], "priority": priority}]}


def event(id: str, *shifts: Raw, employer: str = "E1", **fields: Any) -> Raw:
    return {"id": id, "employer": employer, "shifts": list(shifts), **fields}


def traps() -> Raw:
    """Seven traps, each with its own certification so that they do not interact. `A*` members
    are senior to `Z*` ones; policy: rest 2 h, work day cap 12 h, 10 h a week, tavern minimum 3."""
    members = [
        # C-OVERLAP: O1 and O2 overlap; A1 would take both
        member("A1", 2001, "o"), member("Z1", 2021, "o"),
        # C-WORK-DAY-CAP: A2's 8-h tour (day 22:00-22:00) + 2 h + 3 h = 13 h > 12; each alone fits
        member("A2", 2002, "w", hour_plan=8, tours=[{"start": at("06:00"), "end": at("14:00")}]),
        member("Z2", 2022, "w"),
        # C-REST: R1 ends 12:00, R2 starts 13:00 (1 h < 2 h); A3 would take both
        member("A3", 2003, "r"), member("Z3", 2023, "r"),
        # C-WEEKLY-CAP: 6 h on Monday + 6 h on Tuesday > 10 h in one ISO week
        member("A4", 2004, "k"), member("Z4", 2024, "k"),
        # C-LOCKED: Z5 is locked on L1; A5 is senior and free
        member("A5", 2005, "l"), member("Z5", 2025, "l"),
        # C-TAVERN-MIN: T (3 slots) needs 0 or 3; C6 is also the only one for X (priority 5)
        member("A6", 2006, "t"), member("B6", 2016, "t"), member("C6", 2026, "t", "x"),
        # C-STAFFING-RATIO: F (floor 2) needs both; B7 is also the only one for Y (priority 5)
        member("A7", 2007, "f"), member("B7", 2017, "f", "y"),
    ]
    events = [
        event("EV-O", slot("O1", at("10:00"), at("14:00"), "o"), slot("O2", at("12:00"), at("16:00"), "o")),
        event("EV-W", slot("W1", at("14:00"), at("16:00"), "w"), slot("W2", at("18:00"), at("21:00"), "w")),
        event("EV-R", slot("R1", at("10:00"), at("12:00"), "r"), slot("R2", at("13:00"), at("15:00"), "r")),
        event("EV-K", slot("K1", at("08:00", MONDAY), at("14:00", MONDAY), "k"),
              slot("K2", at("08:00", TUESDAY), at("14:00", TUESDAY), "k")),
        event("EV-L", slot("L1", at("10:00"), at("12:00"), "l")),
        event("EV-T", slot("T1", at("20:00"), at("23:00"), "t", count=3), employer="E2",
              commander_approved=True),
        event("EV-X", slot("X1", at("20:00"), at("23:00"), "x", priority=5)),
        event("EV-F", slot("F1", at("14:00"), at("16:00"), "f", count=2), venue="reserved_no_alcohol",
              attendance=1),
        event("EV-Y", slot("Y1", at("14:00"), at("16:00"), "y", priority=5)),
    ]
    return {
        "name": "timefold-traps",
        "policy": {"min_rest_hours": 2, "work_day_cap_hours": 12, "max_secondary_hours_per_week": 10,
                   "tavern_min_officers": 3},
        "members": members,
        "employers": [{"id": "E1"}, {"id": "E2", "tavern": True}],
        "events": events,
        "assignments": [{"member": "Z5", "position": "L1-p", "locked": True}],
    }


@cache
def offduty_optimum(strategy: str) -> tuple[list[float], frozenset[tuple[str, str]]]:
    """offduty's proven optimum of the traps: tier values and roster."""
    from offduty.solver.params import EngineParams, SolveParams
    from offduty.solver.solve import solve

    params = SolveParams(strategy=strategy, time_limit=20, engine=EngineParams(workers=1, seed=0))
    result = solve(parse_instance(traps()), params)
    assert result.status.value == "optimal", result.explanation
    return list(result.objective or []), frozenset(result.pairs())


# --- facts, no JVM -------------------------------------------------------------------------------


def test_offduty_proves_the_traps_optimum() -> None:
    """The known optimum: X and Y win their members (priority 5), so the tavern shift stays empty
    (3 unfilled) and F's floor of 2 takes B7 from Y (5 unfilled): coverage 8; seniority 101 is
    every other trap filled by one A and one Z (ranks by seniority year)."""
    objective, roster = offduty_optimum("seniority")
    assert objective == [8, 101]
    assert {("A1", "O1-p"), ("Z1", "O2-p")} <= roster or {("A1", "O2-p"), ("Z1", "O1-p")} <= roster
    assert ("Z5", "L1-p") in roster and ("B7", "F1-p") in roster and ("C6", "X1-p") in roster
    assert not any(p == "T1-p" for _, p in roster)


def test_work_day_parts_count_minutes_inside_each_day() -> None:
    """A2's tour 06:00-14:00 (8-h plan) opens its work day at 22:00 the evening before: 8 h of
    on-duty time inside it leave 4 h (240 min) of room under the 12-h cap; W1 (2 h) and W2 (3 h)
    lie inside that day. Z2 has calendar days and 12 h of room: no binding day."""
    arrays = InstanceArrays.build(parse_instance(traps()))
    parts = work_day_parts(arrays, compute_eligibility(arrays).pairs)
    assert parts.bucket_room.tolist() == [240]
    got = sorted((arrays.member_ids[m], arrays.shift_ids[s], int(mi))
                 for m, s, mi in zip(parts.part_member, parts.part_shift, parts.part_minutes, strict=True))
    assert got == [("A2", "W1", 120), ("A2", "W2", 180)]


def _parts_of(parts: CapParts, arrays: InstanceArrays, member_id: str) -> list[tuple[str, int]]:
    mine = parts.part_member == arrays.member_index[member_id]
    shifts, minutes = parts.part_shift[mine].tolist(), parts.part_minutes[mine].tolist()
    return sorted((arrays.shift_ids[s], m) for s, m in zip(shifts, minutes, strict=True))


def test_parts_split_a_detail_across_midnight() -> None:
    """M has no tours, so calendar days: the night detail M1 (Sunday 20:00 to Monday 04:00) puts
    4 h in Sunday and 4 h in Monday, where M2 (14:00-22:00) adds 8 h: 12 h > 10, so Monday binds
    and Sunday does not. Weeks split at Monday midnight the same way (10 h a week)."""
    raw = traps()
    raw["members"].append(member("M", 2019, "m"))
    raw["events"].append(event("EV-M", slot("M1", at("20:00"), at("04:00", MONDAY), "m"),
                               slot("M2", at("14:00", MONDAY), at("22:00", MONDAY), "m")))
    raw["policy"]["work_day_cap_hours"] = 10
    arrays = InstanceArrays.build(parse_instance(raw))
    pairs = compute_eligibility(arrays).pairs
    assert _parts_of(work_day_parts(arrays, pairs), arrays, "M") == [("M1", 240), ("M2", 480)]
    assert _parts_of(week_parts(arrays, pairs), arrays, "M") == [("M1", 240), ("M2", 480)]


def test_exception_hours_count_pro_rata_inside_the_day() -> None:
    """N (8-h plan) has a night tour 20:00-06:00 (10 h, 2 exception hours) and a day tour 10:00-
    18:00 on Monday. The day tour's work day opens 02:00 and cuts the night tour's day there:
    4 h of the night tour lie in Monday's day, counting 4 x 8/10 = 3.2 h, plus the 8-h day tour:
    11.2 h leave 48 min under the 12-h cap. Two 30-min details that evening each fit, both do
    not: the day binds with a room of 48 min."""
    raw = traps()
    tours = [{"start": at("20:00"), "end": at("06:00", MONDAY), "exception_hours": 2},
             {"start": at("10:00", MONDAY), "end": at("18:00", MONDAY)}]
    raw["members"].append(member("N", 2019, "n", hour_plan=8, tours=tours))
    raw["events"].append(event("EV-N", slot("N1", at("18:00", MONDAY), at("18:30", MONDAY), "n"),
                               slot("N2", at("19:00", MONDAY), at("19:30", MONDAY), "n")))
    arrays = InstanceArrays.build(parse_instance(raw))
    parts = work_day_parts(arrays, compute_eligibility(arrays).pairs)
    assert _parts_of(parts, arrays, "N") == [("N1", 30), ("N2", 30)]
    mine = parts.part_member == arrays.member_index["N"]
    assert set(parts.bucket_room[parts.part_bucket[mine]].tolist()) == {48}


def test_facts_carry_floors_taverns_locks_and_ranks() -> None:
    arrays = InstanceArrays.build(parse_instance(traps()))
    facts = build_facts(arrays, compute_eligibility(arrays), "seniority")
    t1 = arrays.shift_index["T1"]
    assert facts.tavern_minimum[t1] == 3 and facts.tavern_minimum.sum() == 3
    f1 = arrays.shift_index["F1"]
    assert [facts.floors.floor[s] for s in facts.floors.segment_of_shift[f1]] == [2]
    assert facts.locked == [(arrays.member_index["Z5"], arrays.position_index["L1-p"])]
    assert facts.previous == [] and facts.min_rest == 120
    assert facts.weeks.bucket_room.tolist() == [600, 600]  # the week of A4 and of Z4: 10 h each
    first = facts.pairs.member == arrays.member_index["A1"]
    assert set(facts.pair_cost[first].tolist()) == {1}  # A1 is the most senior: rank 1


def test_balanced_is_refused_with_a_reason() -> None:
    arrays = InstanceArrays.build(parse_instance(traps()))
    with pytest.raises(ValueError, match="balanced"):
        build_facts(arrays, compute_eligibility(arrays), "balanced")


# --- Timefold runs (a JDK is needed) -----------------------------------------------------------------

AVAILABLE, WHY = timefold_available()
needs_jdk = pytest.mark.skipif(not AVAILABLE, reason=f"timefold peer cannot run here: {WHY}")


@cache
def _instance_file() -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="offduty-timefold-")) / "traps.json"
    path.write_text(json.dumps(traps()), encoding="utf-8")
    return path


@cache
def timefold(strategy: str = "seniority", weaken: tuple[str, ...] = ()) -> dict[str, Any]:
    """One run of the peer's command line on the traps (60 s limit; stops 2 s after the last
    improvement, which on this instance comes within the first second of solving)."""
    out = _instance_file().with_name(f"result-{strategy}-{'-'.join(weaken) or 'full'}.json")
    args = [sys.executable, "-m", "offduty.benchmarks.timefold_peer", "--instance", str(_instance_file()),
            "--scenario", "traps", "--strategy", strategy, "--time-limit", "60", "--unimproved", "2",
            "--out", str(out), *(f"--weaken={code}" for code in weaken)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


@needs_jdk
def test_timefold_reaches_the_known_optimum_and_the_verifier_accepts_it() -> None:
    result = timefold()
    objective, _ = offduty_optimum("seniority")
    assert result["status"] == "feasible", result["extra"]
    assert result["violations"] == {}
    assert result["objective"] == objective == [8, 101]
    assert result["extra"]["score_agrees"] == "yes"
    assert result["filled"] == 12 and result["required"] == 16
    assert result["first_feasible_s"] is not None and result["best_s"] >= result["first_feasible_s"]
    assert result["peak_mb"] > 100  # the JVM lives in this process


@needs_jdk
def test_hours_penalty_matches_offdutys_hours_tier() -> None:
    """The hours strategy's soft level (f(Y + N) - f(Y) per member, in minutes) is offduty's
    tier-2 objective: same optimum, and Timefold's own score agrees with offduty's terms."""
    result = timefold("hours")
    objective, _ = offduty_optimum("hours")
    assert result["status"] == "feasible" and result["violations"] == {}
    assert result["objective"] == objective
    assert result["extra"]["score_agrees"] == "yes"


@needs_jdk
def test_every_dropped_hard_stream_is_caught_by_the_verifier() -> None:
    """With every hard stream dropped, each trap's roster breaks its rule and the verifier names
    each one (plus C-POSITION-COUNT: without C-OVERLAP one member fills several slots of a
    position). The row is `invalid` and carries no objective: it is never scored."""
    result = timefold(weaken=HARD_CODES)
    assert result["status"] == "invalid" and result["objective"] == []
    found = result["violations"]
    assert set(HARD_CODES) <= set(found) <= {*HARD_CODES, "C-POSITION-COUNT"}, result["extra"]["violations"]
    assert found["C-WORK-DAY-CAP"] == 1 and found["C-LOCKED"] == 1
