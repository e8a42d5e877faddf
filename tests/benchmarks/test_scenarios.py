"""Tests of the seeded scenario generators (pure data; no solver involved)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from offduty.benchmarks.scenarios import SCENARIOS, generate, make_pool

CHICAGO = ZoneInfo("America/Chicago")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

KEYS = {
    "top": {"name", "policy", "members", "employers", "events", "applications", "assignments",
            "cancellations"},
    "policy": {"work_day_cap_hours", "work_day_lead_hours", "max_secondary_hours_per_week",
               "min_rest_hours", "tavern_min_officers", "minimum_pay_rate", "staffing_ratios",
               "timezone"},
    "member": {"id", "name", "kind", "rank", "status", "privileges", "seniority_date",
               "certifications", "hour_plan", "tours", "leaves", "hours_ytd", "last_worked",
               "open_closeouts", "private_officer_license", "reserve_hours_met", "cap_exception",
               "conflicts"},
    "tour": {"start", "end", "exception_hours"},
    "leave": {"kind", "start", "end", "medical_appointment"},
    "employer": {"id", "name", "approved", "tavern", "restricted"},
    "event": {"id", "employer", "name", "venue", "attendance", "window", "law_enforcement",
              "in_city_limits", "pool", "commander_approved", "understaffing_approved", "shifts"},
    "window": {"start", "end"},
    "shift": {"id", "start", "end", "positions"},
    "position": {"id", "count", "min_rank", "certifications", "pay_rate", "priority"},
    "application": {"member", "shift", "at"},
}  # fmt: skip
KINDS = {"sworn", "reserve", "non_sworn"}
RANKS = ["officer", "sergeant", "captain", "major", "deputy_chief"]
RANK_LEVEL = {"civilian": 0, **{r: i for i, r in enumerate(RANKS)}}
STATUSES = {"active", "probationary", "lateral_break_in", "entrant"}
PRIVILEGES = {"active", "suspended", "revoked"}
LEAVES = {"fmla_self", "fmla_family", "funeral", "injury", "sick", "military", "unpaid",
          "limited_duty", "leave_pool", "suspension"}
RESTRICTED = {"labor_dispute", "felony_owner", "unlawful", "gambling", "nudity", "marijuana",
              "private_security"}
RATIOS = {"reserved_no_alcohol": (3000, 1), "sporting_alcohol": (1500, 3),
          "reserved_family_alcohol": (1500, 2), "reserved_adult_alcohol": (1250, 3),
          "open_air_alcohol": (750, 3), "nightclub": (500, 3)}
VENUES = {*RATIOS, "none"}
CERTS = {"traffic", "crowd_control", "bike", "mounted", "k9", "supervisor_training"}


@pytest.fixture(scope="module")
def instances() -> dict[str, dict[str, Any]]:
    return {name: make(1) for name, make in SCENARIOS.items()}


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def positions_total(inst: dict[str, Any]) -> int:
    return sum(p["count"] for e in inst["events"] for s in e["shifts"] for p in s["positions"])


def iter_times(inst: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for m in inst["members"]:
        for x in m["tours"]:
            yield f"{m['id']} tour", x["start"]
            yield f"{m['id']} tour", x["end"]
        for x in m["leaves"]:
            yield f"{m['id']} leave", x["start"]
            yield f"{m['id']} leave", x["end"]
        if m["last_worked"] is not None:
            yield f"{m['id']} last_worked", m["last_worked"]
    for e in inst["events"]:
        yield e["id"], e["window"]["start"]
        yield e["id"], e["window"]["end"]
        for s in e["shifts"]:
            yield s["id"], s["start"]
            yield s["id"], s["end"]
    for a in inst["applications"]:
        yield f"application {a['member']}", a["at"]


def floor_of(event: dict[str, Any]) -> int:
    if event.get("attendance") is None or event["venue"] not in RATIOS:
        return 0
    per, core = RATIOS[event["venue"]]
    return core + math.ceil(event["attendance"] / per)


def min_coverage(event: dict[str, Any]) -> int:
    """Fewest positions (sum of counts) on duty at any instant of the event's window."""
    ws, we = t(event["window"]["start"]), t(event["window"]["end"])
    spans = [(t(s["start"]), t(s["end"]), sum(p["count"] for p in s["positions"]))
             for s in event["shifts"]]
    points = sorted({ws, *(x for s, e, _ in spans for x in (s, e) if ws <= x < we)})
    return min(sum(c for s, e, c in spans if s <= p < e) for p in points)


# --- registry -------------------------------------------------------------------------------


def test_registry_names() -> None:
    assert set(SCENARIOS) == {"chiefs-game", "royals-homestand", "kc-week", "kc-month", "kc-quarter"}
    with pytest.raises(ValueError, match="chiefs-game"):
        generate("super-bowl")


def test_generate_by_name_matches_function(instances: dict[str, dict[str, Any]]) -> None:
    assert generate("chiefs-game") == instances["chiefs-game"]


# --- determinism and serialisation ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_deterministic(name: str, instances: dict[str, dict[str, Any]]) -> None:
    again = SCENARIOS[name](1)
    assert json.dumps(again) == json.dumps(instances[name])
    other = SCENARIOS[name](2)
    assert json.dumps(other) != json.dumps(instances[name])


def _builtins_only(x: Any, path: str = "") -> None:
    if isinstance(x, dict):
        for k, v in x.items():
            assert type(k) is str, path
            _builtins_only(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _builtins_only(v, f"{path}[{i}]")
    else:
        assert x is None or type(x) in (str, int, float, bool), f"{path}: {type(x)}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_round_trip(name: str, instances: dict[str, dict[str, Any]]) -> None:
    inst = instances[name]
    _builtins_only(inst)
    assert json.loads(json.dumps(inst)) == inst


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fields_and_enums(name: str, instances: dict[str, dict[str, Any]]) -> None:
    inst = instances[name]
    assert set(inst) <= KEYS["top"]
    assert "assignments" not in inst and "cancellations" not in inst
    assert set(inst["policy"]) <= KEYS["policy"]
    assert inst["policy"]["timezone"] == "America/Chicago"
    assert inst["policy"]["minimum_pay_rate"] == 38.0
    for m in inst["members"]:
        assert set(m) == KEYS["member"]
        assert m["kind"] in KINDS and m["status"] in STATUSES and m["privileges"] in PRIVILEGES
        assert m["rank"] == "civilian" if m["kind"] == "non_sworn" else m["rank"] in RANKS
        assert m["hour_plan"] in (8, 10, 11)
        assert set(m["certifications"]) <= CERTS
        assert dt.date.fromisoformat(m["seniority_date"])
        assert 0 <= m["hours_ytd"] <= 600 and m["open_closeouts"] >= 0
        for x in m["tours"]:
            assert set(x) == KEYS["tour"] and 0 <= x["exception_hours"] <= 2
        for x in m["leaves"]:
            assert set(x) == KEYS["leave"] and x["kind"] in LEAVES
    for e in inst["employers"]:
        assert set(e) == KEYS["employer"] and set(e["restricted"]) <= RESTRICTED
    for ev in inst["events"]:
        assert set(ev) == KEYS["event"] and set(ev["window"]) == KEYS["window"]
        assert ev["venue"] in VENUES
        for s in ev["shifts"]:
            assert set(s) == KEYS["shift"]
            for p in s["positions"]:
                assert set(p) == KEYS["position"]
                assert p["min_rank"] in RANKS and set(p["certifications"]) <= CERTS
                assert p["count"] >= 0 and p["priority"] >= 1
                assert isinstance(p["pay_rate"], float) and p["pay_rate"] >= 38.0
    for a in inst["applications"]:
        assert set(a) == KEYS["application"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_ids_unique_and_references(name: str, instances: dict[str, dict[str, Any]]) -> None:
    inst = instances[name]
    member_ids = [m["id"] for m in inst["members"]]
    employer_ids = [e["id"] for e in inst["employers"]]
    event_ids = [e["id"] for e in inst["events"]]
    shift_ids = [s["id"] for e in inst["events"] for s in e["shifts"]]
    position_ids = [p["id"] for e in inst["events"] for s in e["shifts"] for p in s["positions"]]
    for ids in (member_ids, employer_ids, event_ids, shift_ids, position_ids):
        assert len(ids) == len(set(ids))
    assert not set(shift_ids) & set(position_ids)
    assert all(re.fullmatch(r"M\d{4}", i) for i in member_ids)
    members, employers, shifts = set(member_ids), set(employer_ids), set(shift_ids)
    for e in inst["events"]:
        assert e["employer"] in employers
    for m in inst["members"]:
        assert set(m["conflicts"]) <= employers
    pairs = [(a["member"], a["shift"]) for a in inst["applications"]]
    assert len(pairs) == len(set(pairs))
    for mid, sid in pairs:
        assert mid in members and sid in shifts


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_times_have_correct_offsets(name: str, instances: dict[str, dict[str, Any]]) -> None:
    for where, text in iter_times(instances[name]):
        assert ISO.match(text), (where, text)
        value = t(text)
        assert value.utcoffset() == value.astimezone(CHICAGO).utcoffset(), (where, text)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_intervals_ordered_and_tours_disjoint(
    name: str, instances: dict[str, dict[str, Any]]
) -> None:
    inst = instances[name]
    for m in inst["members"]:
        tours = sorted((t(x["start"]), t(x["end"])) for x in m["tours"])
        for s, e in tours:
            assert e - s == dt.timedelta(hours=m["hour_plan"])
        for (_, e1), (s2, _) in itertools.pairwise(tours):
            assert e1 <= s2, m["id"]
        for x in m["leaves"]:
            assert t(x["end"]) > t(x["start"])
    for ev in inst["events"]:
        assert t(ev["window"]["end"]) > t(ev["window"]["start"])
        for s in ev["shifts"]:
            assert t(s["end"]) > t(s["start"])
    shift_start = {s["id"]: t(s["start"]) for e in inst["events"] for s in e["shifts"]}
    for a in inst["applications"]:
        assert t(a["at"]) < shift_start[a["shift"]]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_staffing_floors_are_coverable(name: str, instances: dict[str, dict[str, Any]]) -> None:
    """Every event with a §IV.A.13 floor offers more positions than the floor at every instant,
    and events nobody may work carry no floor."""
    inst = instances[name]
    employers = {e["id"]: e for e in inst["employers"]}
    for ev in inst["events"]:
        emp = employers[ev["employer"]]
        barred = (not emp["approved"] or emp["restricted"]
                  or (ev["law_enforcement"] and not ev["in_city_limits"])
                  or (emp["tavern"] and not ev["commander_approved"]))
        floor = floor_of(ev)
        if barred:
            assert floor == 0, ev["name"]
        if floor:
            assert min_coverage(ev) >= floor, (ev["id"], ev["name"], floor)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_applications_are_plausible(name: str, instances: dict[str, dict[str, Any]]) -> None:
    """Applicants look eligible, qualify for some position and are not on duty at the time."""
    inst = instances[name]
    members = {m["id"]: m for m in inst["members"]}
    shifts = {s["id"]: (e, s) for e in inst["events"] for s in e["shifts"]}
    for a in inst["applications"]:
        m = members[a["member"]]
        ev, s = shifts[a["shift"]]
        assert m["status"] == "active" and m["privileges"] == "active"
        if ev["law_enforcement"]:
            assert m["kind"] != "non_sworn" or m["private_officer_license"]
        assert any(RANK_LEVEL[m["rank"]] >= RANK_LEVEL[p["min_rank"]]
                   and set(p["certifications"]) <= set(m["certifications"])
                   for p in s["positions"])
        s0, s1 = t(s["start"]), t(s["end"])
        for x in m["tours"]:
            assert not (t(x["start"]) < s1 and t(x["end"]) > s0), (a, x)


# --- sizes and shapes -----------------------------------------------------------------------


def test_chiefs_game_shape(instances: dict[str, dict[str, Any]]) -> None:
    inst = instances["chiefs-game"]
    assert len(inst["members"]) == 1300
    (ev,) = inst["events"]
    (emp,) = inst["employers"]
    assert emp["name"] == "Kansas City Chiefs" and emp["approved"] and not emp["tavern"]
    assert ev["venue"] == "sporting_alcohol" and ev["attendance"] == 73000
    assert ev["law_enforcement"] and ev["in_city_limits"] and ev["pool"]
    assert t(ev["window"]["start"]) == dt.datetime(2026, 9, 13, 9, 30, tzinfo=CHICAGO)
    assert t(ev["window"]["end"]) == dt.datetime(2026, 9, 13, 16, 30, tzinfo=CHICAGO)
    assert 250 <= positions_total(inst) <= 350
    assert len(ev["shifts"]) >= 5
    for s in ev["shifts"]:
        assert len(s["positions"]) >= 2
        assert all(1 <= p["count"] <= 60 for p in s["positions"])
    ranks = Counter(p["min_rank"] for s in ev["shifts"] for p in s["positions"])
    assert ranks["sergeant"] >= 4 and ranks["captain"] >= 1
    certs = {c for s in ev["shifts"] for p in s["positions"] for c in p["certifications"]}
    assert {"traffic", "crowd_control"} <= certs
    # The floor is 3 + ceil(73000 / 1500) = 52 and the window is well covered.
    assert floor_of(ev) == 52
    assert min_coverage(ev) >= 52 * 2
    # Game-day conflicts: many members are on duty during the game.
    game = (t(ev["window"]["start"]), t(ev["window"]["end"]))
    on_duty = sum(any(t(x["start"]) < game[1] and t(x["end"]) > game[0] for x in m["tours"])
                  for m in inst["members"])
    assert 200 <= on_duty <= 800
    # A sign-up rush after posting on 2026-08-30 08:00, before the game.
    ats = sorted(t(a["at"]) for a in inst["applications"])
    assert ats[0] >= dt.datetime(2026, 8, 30, 8, tzinfo=CHICAGO)
    assert ats[-1] < dt.datetime(2026, 9, 13, tzinfo=CHICAGO)
    applicants = {a["member"] for a in inst["applications"]}
    assert 450 <= len(applicants) <= 800
    assert Counter(a["member"] for a in inst["applications"]).most_common(1)[0][1] <= 3


def test_royals_homestand_shape(instances: dict[str, dict[str, Any]]) -> None:
    inst = instances["royals-homestand"]
    assert len(inst["members"]) == 1300
    events = inst["events"]
    assert len(events) == 6
    days = sorted(t(e["window"]["start"]).date() for e in events)
    assert len(set(days)) == 6 and (days[-1] - days[0]).days == 6
    for e in events:
        assert e["venue"] == "sporting_alcohol" and 18000 <= e["attendance"] <= 32000
        assert 30 <= sum(p["count"] for s in e["shifts"] for p in s["positions"]) <= 50
        assert t(e["window"]["start"]).hour >= 16  # evening games


def test_kc_week_shape(instances: dict[str, dict[str, Any]]) -> None:
    inst = instances["kc-week"]
    assert 700 <= positions_total(inst) <= 900
    employers = {e["id"]: e for e in inst["employers"]}
    tavern = [e for e in inst["events"] if employers[e["employer"]]["tavern"]]
    assert 16 <= len(tavern) <= 24
    for e in tavern:
        assert e["venue"] == "nightclub"
        assert t(e["window"]["start"]).weekday() in (4, 5)
        assert e["attendance"] is None or 300 <= e["attendance"] <= 1500
        for s in e["shifts"]:
            assert 3 <= sum(p["count"] for p in s["positions"]) <= 6
    approved = [e["commander_approved"] for e in tavern]
    assert any(approved) and not all(approved) and sum(approved) > len(approved) / 2
    restricted = {r for e in inst["employers"] for r in e["restricted"]}
    assert {"labor_dispute", "gambling"} <= restricted
    assert any(not e["approved"] for e in inst["employers"])
    assert any(not e["in_city_limits"] for e in inst["events"])
    chiefs = [e for e in inst["events"] if e["name"].startswith("Chiefs")]
    assert len(chiefs) == 1 and t(chiefs[0]["window"]["start"]).date() == dt.date(2026, 9, 20)
    assert sum(e["name"].startswith("Royals") for e in inst["events"]) >= 3
    assert {"open_air_alcohol", "reserved_adult_alcohol"} <= {e["venue"] for e in inst["events"]}
    small = [e for e in inst["events"] if e["venue"] == "none"
             and sum(p["count"] for s in e["shifts"] for p in s["positions"]) <= 3]
    assert len(small) >= 35
    first = min(t(e["window"]["start"]) for e in inst["events"])
    last = max(t(s["start"]) for e in inst["events"] for s in e["shifts"])
    assert first.date() >= dt.date(2026, 9, 14) and last.date() <= dt.date(2026, 9, 20)


def test_kc_month_shape(instances: dict[str, dict[str, Any]]) -> None:
    inst = instances["kc-month"]
    assert positions_total(inst) >= 3000
    names = [e["name"] for e in inst["events"]]
    assert sum(n.startswith("Royals") for n in names) == 13
    assert sum(n.startswith("Chiefs") for n in names) == 2
    employers = {e["id"]: e for e in inst["employers"]}
    tavern_nights = {t(e["window"]["start"]).date() for e in inst["events"]
                     if employers[e["employer"]]["tavern"]}
    assert len(tavern_nights) == 8  # every Friday and Saturday of September 2026
    days = {t(s["start"]).date() for e in inst["events"] for s in e["shifts"]}
    assert days == {dt.date(2026, 9, d) for d in range(1, 31)}


def test_kc_month_is_fast() -> None:
    started = time.perf_counter()
    SCENARIOS["kc-month"](7)
    assert time.perf_counter() - started < 5.0


# --- the pool -------------------------------------------------------------------------------


def test_pool_mix() -> None:
    members = make_pool(np.random.default_rng(11), 1300, start=dt.date(2026, 9, 6), days=15,
                        employer_ids=["E1", "E2", "E3"])
    n = len(members)
    assert n == 1300 and members[0]["id"] == "M1001" and members[-1]["id"] == "M2300"
    kinds = Counter(m["kind"] for m in members)
    assert abs(kinds["sworn"] / n - 0.88) < 0.02
    assert abs(kinds["reserve"] / n - 0.05) < 0.01
    assert abs(kinds["non_sworn"] / n - 0.07) < 0.01
    sworn = [m for m in members if m["kind"] == "sworn"]
    ranks = Counter(m["rank"] for m in sworn)
    assert abs(ranks["officer"] / len(sworn) - 0.78) < 0.04
    assert abs(ranks["sergeant"] / len(sworn) - 0.15) < 0.04
    status = Counter(m["status"] for m in members)
    assert abs(status["probationary"] / n - 0.04) < 0.01
    assert status["lateral_break_in"] > 0 and status["entrant"] > 0
    privileges = Counter(m["privileges"] for m in members)
    assert privileges["suspended"] > privileges["revoked"] > 0
    traffic = sum("traffic" in m["certifications"] for m in members) / n
    assert 0.25 < traffic < 0.45
    plans = Counter(m["hour_plan"] for m in members)
    assert plans[10] > plans[8] > plans[11]
    with_leave = sum(bool(m["leaves"]) for m in members) / n
    assert 0.02 <= with_leave <= 0.04
    leave_kinds = Counter(x["kind"] for m in members for x in m["leaves"])
    assert leave_kinds.most_common(1)[0][0] == "sick"
    assert any(x["medical_appointment"] for m in members for x in m["leaves"])
    assert 0.05 <= sum(m["last_worked"] is None for m in members) / n <= 0.15
    assert 0 < sum(m["open_closeouts"] > 0 for m in members) / n < 0.06
    assert any(m["conflicts"] for m in members)
    assert any(x["exception_hours"] > 0 for m in members for x in m["tours"])
    assert any(m["kind"] == "non_sworn" and m["private_officer_license"] for m in members)
    reserves = [m for m in members if m["kind"] == "reserve"]
    assert 0 < sum(not m["reserve_hours_met"] for m in reserves) < len(reserves) / 2
    seniority = sorted(m["seniority_date"] for m in members)
    assert seniority[0] >= "1996-09-01" and seniority[-1] < "2026-09-06"
    for m in members:
        for x in m["tours"]:
            start = t(x["start"]).date()
            assert dt.date(2026, 9, 6) <= start < dt.date(2026, 9, 21)


def test_pool_tours_across_daylight_saving_change() -> None:
    """Tours over the 2026-11-01 fall-back keep their wall start and their length."""
    members = make_pool(np.random.default_rng(3), 200, start=dt.date(2026, 10, 28), days=8)
    offsets = set()
    for m in members:
        for x in m["tours"]:
            s, e = t(x["start"]), t(x["end"])
            assert e - s == dt.timedelta(hours=m["hour_plan"])
            assert s.utcoffset() == s.astimezone(CHICAGO).utcoffset()
            assert e.utcoffset() == e.astimezone(CHICAGO).utcoffset()
            assert s.minute == 0
            offsets.add(x["start"][-6:])
    assert offsets == {"-05:00", "-06:00"}


# --- optional: the project's own validator, when present -------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_parses_with_models(name: str, instances: dict[str, dict[str, Any]]) -> None:
    validation = pytest.importorskip("offduty.models.validation")
    instance = validation.parse_instance(instances[name])
    assert len(instance.members) == len(instances[name]["members"])
