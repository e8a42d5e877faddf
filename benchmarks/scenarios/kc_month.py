"""A month of KCPD secondary employment: 2026-09-01 to 2026-09-30.

The kc-week mix over thirty days, 3,000+ positions, for solver scaling:

* four big weekends: **KC Irish Fest** at Crown Center over Labor Day weekend (Fri 4 - Sun 6),
  **Chiefs** home games on Sundays 13 and 27 at GEHA Field at Arrowhead (307 positions each,
  floor 52), and the **Plaza Art Fair** (Fri 18 - Sun 20);
* thirteen **Royals** games at Kauffman Stadium in three homestands (1-4, 15-20 with a Sunday
  afternoon game, 22-24), never on a Chiefs Sunday since both use the Truman Sports Complex lots;
* two **KC Current** matches at CPKC Stadium and about a dozen **concerts** (T-Mobile Center,
  Starlight Theatre, the Midland, the Uptown, the Kauffman Center);
* **taverns and nightclubs** every Friday and Saturday night (12-13 a night, §IV.A.18);
* **small details** every day (church traffic on Sundays, retail, hospitals, apartments, work
  zones, Friday-night football, weekend runs, First Friday in the Crossroads...);
* the employer-rule cases: a week-long labor dispute at a warehouse, a casino on weekend nights,
  a dispensary, an unapproved employer, and concerts outside the city limits.

Floors are always satisfiable by construction (see :mod:`benchmarks.scenarios._city`). The pool is
1,300 members with tours from Sunday 2026-08-30 to Friday 2026-10-02; applicants are drawn per
event, so members apply to several events over the month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from offduty.benchmarks.scenarios import _city
from offduty.benchmarks.scenarios._common import Builder, Clock, assemble, make_applications, spawn
from offduty.benchmarks.scenarios.chiefs_game import OPPONENTS as NFL_OPPONENTS
from offduty.benchmarks.scenarios.chiefs_game import add_chiefs_game
from offduty.benchmarks.scenarios.pool import build_pool
from offduty.benchmarks.scenarios.royals_homestand import OPPONENTS as MLB_OPPONENTS
from offduty.benchmarks.scenarios.royals_homestand import add_royals_game, royals_attendance

FIRST_DAY = dt.date(2026, 9, 1)
DAYS = 30

#: Royals home dates (day of month) -> first pitch; one opponent per homestand series.
ROYALS: dict[int, str] = {
    1: "18:40", 2: "18:40", 3: "18:40", 4: "18:40",
    15: "18:40", 16: "18:40", 17: "18:40", 18: "18:40", 19: "18:10", 20: "13:10",
    22: "18:40", 23: "18:40", 24: "18:40",
}  # fmt: skip
SERIES: dict[int, int] = {1: 0, 2: 0, 3: 0, 4: 1, 15: 2, 16: 2, 17: 2, 18: 3, 19: 3, 20: 3,
                          22: 4, 23: 4, 24: 4}
CHIEFS_DAYS = (13, 27)
FESTIVAL_DAYS: dict[int, tuple[str, str, str]] = {
    4: ("irish", "17:00", "23:00"),
    5: ("irish", "11:00", "23:00"),
    6: ("irish", "11:00", "21:00"),
    18: ("plaza", "17:00", "22:00"),
    19: ("plaza", "10:00", "22:00"),
    20: ("plaza", "10:00", "17:00"),
}
CURRENT_DAYS = (12, 26)
CONCERTS: dict[int, tuple[str, ...]] = {
    2: ("starlight",),
    5: ("tmobile",),
    9: ("midland", "starlight"),
    11: ("tmobile", "uptown"),
    12: ("starlight",),
    16: ("kauffman", "tmobile"),
    19: ("midland", "uptown"),
    23: ("tmobile", "midland"),
    25: ("starlight", "uptown"),
    26: ("kauffman",),
}
LABOR_DISPUTE_DAYS = range(8, 15)
UNAPPROVED_DAYS = (12, 26)
OUTSIDE_CITY_DAYS = (10, 24)
DISPENSARY_DAYS = (3, 17)


def generate(seed: int = 1) -> dict[str, Any]:
    """The kc-month scenario for ``seed``."""
    rng, pool_rng, app_rng = spawn(seed)
    b = Builder(Clock())
    add_days(b, rng, FIRST_DAY, DAYS)
    pool = build_pool(
        pool_rng,
        1300,
        start=FIRST_DAY - dt.timedelta(days=2),
        days=DAYS + 4,
        employer_ids=[e["id"] for e in b.employers],
    )
    apps = make_applications(app_rng, pool, b)
    return assemble("kc-month-2026-09", pool, b, apps)


def add_days(b: Builder, rng: np.random.Generator, first_day: dt.date, days: int) -> None:
    """The month's details for ``days`` days from ``first_day``, by day of the month: the same
    calendar repeats in every month (the Chiefs play on the 13th and 27th, and so on)."""
    mlb = rng.choice(len(MLB_OPPONENTS), size=5, replace=False)
    nfl = rng.choice(len(NFL_OPPONENTS), size=len(CHIEFS_DAYS), replace=False)
    for k in range(days):
        day = first_day + dt.timedelta(days=k)
        d, wd = day.day, day.weekday()
        if d in LABOR_DISPUTE_DAYS:
            _city.add_labor_dispute(b, rng, day)
        if d in ROYALS:
            add_royals_game(
                b,
                rng,
                day,
                opponent=MLB_OPPONENTS[int(mlb[SERIES[d]])],
                attendance=royals_attendance(rng, day),
                pitch=ROYALS[d],
            )
        if d in CHIEFS_DAYS:
            add_chiefs_game(b, day, opponent=NFL_OPPONENTS[int(nfl[CHIEFS_DAYS.index(d)])])
        if d in FESTIVAL_DAYS:
            key, opens, closes = FESTIVAL_DAYS[d]
            _city.add_festival_day(b, rng, day, key, opens, closes)
        if d in CURRENT_DAYS:
            _city.add_current_match(b, rng, day, "19:00")
        for venue in CONCERTS.get(d, ()):
            _city.add_concert(b, rng, day, venue)
        if d in DISPENSARY_DAYS:
            _city.add_dispensary(b, rng, day)
        if d in UNAPPROVED_DAYS:
            _city.add_unapproved(b, rng, day)
        if d in OUTSIDE_CITY_DAYS:
            _city.add_outside_city(b, rng, day)
        if wd in (4, 5):
            _city.add_casino(b, rng, day)
            _city.add_taverns(b, rng, day, int(rng.integers(13, 16)))
        _city.add_small_details(b, rng, day, int(rng.integers(14, 19)))
