"""A quarter of KCPD secondary employment: 13 weeks, 2026-09-01 to 2026-11-30.

The kc-month calendar of details (:mod:`benchmarks.scenarios.kc_month`) in each of September,
October and November, by day of the month: Chiefs home games on the 13th and 27th, Royals
homestands, the festivals, concerts, KC Current matches, taverns every Friday and Saturday night,
small details every day, and the employer-rule cases. The same 1,300-member pool, with tours
from Sunday 2026-08-30 for the whole quarter (across the 2026-11-01 fall-back), so about three
times the month's eligible pairs: the top of the engine's scaling table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from offduty.benchmarks.scenarios._common import Builder, Clock, assemble, make_applications, spawn
from offduty.benchmarks.scenarios.kc_month import add_days
from offduty.benchmarks.scenarios.pool import build_pool

FIRST_DAY = dt.date(2026, 9, 1)
DAYS = 91  # 13 weeks


def generate(seed: int = 1) -> dict[str, Any]:
    """The kc-quarter scenario for ``seed``."""
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
    return assemble("kc-quarter-2026-q4", pool, b, apps)
