"""Royals homestand at Kauffman Stadium: six evening games in seven evenings.

Tuesday 2026-09-15 to Monday 2026-09-21 with Thursday off (employer "Kansas City Royals"):
two games against one club, three over the weekend against another, and a Monday makeup game.
First pitch is 18:40 on weeknights and 18:10 on the weekend. Each game is a ``sporting_alcohol``
event of 18,000-32,000 fans (more on Friday fireworks nights and Saturdays), so the §IV.A.13
floor is 3 + ceil(attendance / 1500), i.e. 15-25 members from gates open (90 minutes before first
pitch) until the stands have emptied (about 3 h 35 min after).

Per game, about 40 positions in four shifts staggered around first pitch (FP):

* traffic-in, FP-2:40 to FP+0:20: traffic posts on I-70 / Blue Ridge Cutoff (traffic), a sergeant;
* gates, FP-1:50 to FP+3:50: gates and stands, one or two sergeants;
* lots, FP-2:10 to FP+3:50: parking lots, two bike officers (bike);
* traffic-out, FP+2:30 to FP+4:30: egress traffic (traffic), a sergeant.

Gates and lots alone cover the window with 3-5 positions more than the floor. Pay is 52-60 an
hour for officers and about 8 more for sergeants. The pool is 1,300 members with tours from
Sunday 2026-09-13 to Wednesday 2026-09-23; the whole homestand is posted on 2026-09-01 and draws
about 2.5 applicants per position.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from offduty.benchmarks.scenarios._common import (
    ApplyPlan,
    Builder,
    Clock,
    Pos,
    assemble,
    hm,
    make_applications,
    pay,
    spawn,
    staffing_floor,
)
from offduty.benchmarks.scenarios.pool import build_pool

STADIUM = "Kauffman Stadium"
OPPONENTS = (
    "Detroit Tigers",
    "Minnesota Twins",
    "Cleveland Guardians",
    "Chicago White Sox",
    "New York Yankees",
    "Seattle Mariners",
    "Houston Astros",
    "Texas Rangers",
)


def royals_attendance(rng: np.random.Generator, day: dt.date) -> int:
    """Realistic crowd by weekday: 18-26 k midweek, 26-32 k Friday/Saturday."""
    if day.weekday() in (4, 5):
        return int(round(rng.uniform(26000, 32000), -2))
    if day.weekday() == 6:
        return int(round(rng.uniform(22000, 30000), -2))
    return int(round(rng.uniform(18000, 26000), -2))


def first_pitch(day: dt.date) -> str:
    return "18:10" if day.weekday() >= 5 else "18:40"


def add_royals_game(
    b: Builder,
    rng: np.random.Generator,
    day: dt.date,
    *,
    opponent: str,
    attendance: int,
    pitch: str | None = None,
    posted: int | None = None,
    ratio: float = 2.5,
) -> str:
    """Add one Royals home game to ``b``; returns the event id."""
    clock = b.clock
    fp = clock.at(day, *hm(pitch or first_pitch(day)))
    if posted is None:
        posted = clock.at(day - dt.timedelta(days=14), 8)
    floor = staffing_floor("sporting_alcohol", attendance)
    needed = floor + int(rng.integers(3, 6))
    gate_total = round(0.62 * needed)
    gate_sgt = 1 if floor < 20 else 2
    bike = 2
    lots = needed - gate_total - bike
    officer = pay(rng, 52, 60)
    sgt = officer + 8.0
    shifts = [
        (
            fp - 160,
            fp + 20,
            [
                Pos("traffic", int(rng.integers(6, 10)), officer + 2, certs=("traffic",),
                    priority=2),
                Pos("traffic-sgt", 1, sgt, "sergeant", priority=2),
            ],
        ),
        (
            fp - 110,
            fp + 230,
            [
                Pos("gate", gate_total - gate_sgt, officer),
                Pos("gate-sgt", gate_sgt, sgt, "sergeant", priority=2),
            ],
        ),
        (
            fp - 130,
            fp + 230,
            [Pos("lot", lots, officer - 2), Pos("bike", bike, officer, certs=("bike",))],
        ),
        (
            fp + 150,
            fp + 270,
            [
                Pos("traffic", int(rng.integers(5, 9)), officer + 2, certs=("traffic",),
                    priority=2),
                Pos("traffic-sgt", 1, sgt, "sergeant", priority=2),
            ],
        ),
    ]
    return b.event(
        b.employer("Kansas City Royals"),
        f"Royals vs {opponent} ({STADIUM})",
        shifts,
        apply=ApplyPlan(posted=posted, ratio=ratio, delay_hours=30.0),
        venue="sporting_alcohol",
        attendance=attendance,
        window=(fp - 90, fp + 215),
    )


HOMESTAND: tuple[dt.date, ...] = (
    dt.date(2026, 9, 15),
    dt.date(2026, 9, 16),
    dt.date(2026, 9, 18),
    dt.date(2026, 9, 19),
    dt.date(2026, 9, 20),
    dt.date(2026, 9, 21),
)


def generate(seed: int = 1) -> dict[str, Any]:
    """The royals-homestand scenario for ``seed``."""
    ev_rng, pool_rng, app_rng = spawn(seed)
    clock = Clock()
    b = Builder(clock)
    clubs = ev_rng.choice(len(OPPONENTS), size=3, replace=False)
    series = (0, 0, 1, 1, 1, 2)
    posted = clock.at(dt.date(2026, 9, 1), 8)
    for day, s in zip(HOMESTAND, series, strict=True):
        add_royals_game(
            b,
            ev_rng,
            day,
            opponent=OPPONENTS[int(clubs[s])],
            attendance=royals_attendance(ev_rng, day),
            posted=posted,
        )
    pool = build_pool(
        pool_rng,
        1300,
        start=dt.date(2026, 9, 13),
        days=11,
        employer_ids=[e["id"] for e in b.employers],
    )
    apps = make_applications(app_rng, pool, b)
    return assemble(f"royals-homestand-{HOMESTAND[0].isoformat()}", pool, b, apps)
