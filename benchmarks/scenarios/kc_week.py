"""A week of KCPD secondary employment: Monday 2026-09-14 to Sunday 2026-09-20.

Every kind of detail the Secondary Employment Section schedules in a busy September week:

* **Chiefs** home game on Sunday 2026-09-20 at GEHA Field at Arrowhead (the shifts of
  :mod:`benchmarks.scenarios.chiefs_game`, 307 positions, floor 52);
* **Royals** at Kauffman Stadium Tuesday to Thursday evenings (about 40 positions each);
* the **Plaza Art Fair** Friday evening to Sunday afternoon (open-air with alcohol);
* **concerts** at T-Mobile Center, Starlight Theatre, the Midland and the Uptown, and a
  **KC Current** match at CPKC Stadium;
* about 20 **tavern/nightclub** details on Friday and Saturday nights (Power & Light, Westport,
  Crossroads, West Bottoms...; employer ``tavern: true``, venue ``nightclub``, 300-1,500
  patrons, 3-6 positions per shift, most commander-approved, some not, a few with
  understaffing approved);
* about 40 **small details** (church traffic, retail and grocery security, hospitals, apartment
  complexes, work zones, high-school football, weekend runs, a few non-law-enforcement parking
  jobs; venue ``none``, 1-3 positions, some not pool jobs);
* the **employer rules**: a warehouse in a labor dispute (restricted ``labor_dispute``), a casino
  (``gambling``), an unapproved employer, and a concert in Independence outside the city limits.

About 700-900 positions. Events nobody may work carry no attendance, and every event with a
§IV.A.13 floor offers more positions than its floor at every instant of its window, so a careful
optimizer can satisfy all floors. The pool is 1,300 members with tours from Saturday 2026-09-12
to Monday 2026-09-21; applicants are drawn per event (see ``_common.make_applications``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from offduty.benchmarks.scenarios import _city
from offduty.benchmarks.scenarios._common import Builder, Clock, assemble, make_applications, spawn
from offduty.benchmarks.scenarios.chiefs_game import OPPONENTS as NFL_OPPONENTS
from offduty.benchmarks.scenarios.chiefs_game import add_chiefs_game
from offduty.benchmarks.scenarios.pool import build_pool
from offduty.benchmarks.scenarios.royals_homestand import OPPONENTS as MLB_OPPONENTS
from offduty.benchmarks.scenarios.royals_homestand import add_royals_game, royals_attendance

FIRST_DAY = dt.date(2026, 9, 14)
DAYS = 7


def generate(seed: int = 1) -> dict[str, Any]:
    """The kc-week scenario for ``seed``."""
    rng, pool_rng, app_rng = spawn(seed)
    b = Builder(Clock())
    mlb = MLB_OPPONENTS[int(rng.integers(len(MLB_OPPONENTS)))]
    nfl = NFL_OPPONENTS[int(rng.integers(len(NFL_OPPONENTS)))]
    for k in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=k)
        wd = day.weekday()
        if wd == 0:
            _city.add_labor_dispute(b, rng, day)
        if wd == 1:
            _city.add_labor_dispute(b, rng, day)
        if 1 <= wd <= 3:
            add_royals_game(b, rng, day, opponent=mlb, attendance=royals_attendance(rng, day))
        if wd == 2:
            _city.add_concert(b, rng, day, "tmobile")
        if wd == 3:
            _city.add_concert(b, rng, day, "uptown")
            _city.add_dispensary(b, rng, day)
        if wd == 4:
            _city.add_festival_day(b, rng, day, "plaza", "17:00", "22:00")
            _city.add_concert(b, rng, day, "starlight")
            _city.add_casino(b, rng, day)
        if wd == 5:
            _city.add_festival_day(b, rng, day, "plaza", "10:00", "22:00")
            _city.add_concert(b, rng, day, "midland")
            _city.add_current_match(b, rng, day, "19:00")
            _city.add_unapproved(b, rng, day)
            _city.add_outside_city(b, rng, day)
        if wd in (4, 5):
            _city.add_taverns(b, rng, day, 10)
        if wd == 6:
            add_chiefs_game(b, day, opponent=nfl)
            _city.add_festival_day(b, rng, day, "plaza", "10:00", "17:00")
        _city.add_small_details(b, rng, day, int(rng.integers(5, 8)))
    pool = build_pool(
        pool_rng,
        1300,
        start=FIRST_DAY - dt.timedelta(days=2),
        days=DAYS + 3,
        employer_ids=[e["id"] for e in b.employers],
    )
    apps = make_applications(app_rng, pool, b)
    return assemble(f"kc-week-{FIRST_DAY.isoformat()}", pool, b, apps)
