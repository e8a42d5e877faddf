"""Chiefs home game at GEHA Field at Arrowhead Stadium: one stadium-scale detail.

Sunday 2026-09-13, noon kickoff, 73,000 attendance (employer "Kansas City Chiefs", approved, not a
tavern). The KCPD detail at Arrowhead is staggered around the crowd: traffic posts on I-70,
Blue Ridge Cutoff and Raytown Road open early and turn around for egress, parking-lot details at
the Truman Sports Complex start before the lots open at 07:30, gate and perimeter security runs from
before the gates open until the stadium empties, and crowd control takes the field at the end.
Sergeants supervise every shift and two captains command the gate shift.

Shifts (local time) and position rows (``count`` x ``min_rank`` / certification):

=========  =============  ===================================================================
S1         07:00-13:00    traffic 40 (traffic), traffic sergeants 3
S2         12:30-17:30    traffic 44 (traffic), traffic sergeants 3
S3         09:00-16:30    gate 58, perimeter 36, concourse 29, K-9 3 (k9), mounted 2 (mounted),
                          gate sergeants 8, command 2 (captain)
S4         07:30-15:00    lots 32, lot sergeants 2
S5         11:00-17:30    lots 26, bike 6 (bike), lot sergeants 2
S6         15:00-17:00    field crowd control 10 (crowd_control), field sergeant 1
=========  =============  ===================================================================

307 positions. The event window is 09:30-16:30 (gates open to egress); the §IV.A.13 floor under
DESIGN defaults is 3 + ceil(73000 / 1500) = 52 members at every instant, and S3 alone offers 138
positions over the whole window. Pay is 55-65 an hour for officers, 72 for sergeants, 85 for
captains; traffic and supervisor rows have priority 2.

The pool is 1,300 members (:mod:`benchmarks.scenarios.pool`) with tours from 2026-09-06 to
2026-09-20, so the game day has real on-duty conflicts and the 16-hour work-day cap binds for
some (an 11-hour night tour Saturday 19:00 to Sunday 06:00 leaves only 5 hours of that work day).
About 55 % of the eligible-looking members who are free for some shift apply to 1-3 shifts, in a
sign-up rush after the job is posted on Sunday 2026-08-30 at 08:00. No assignments, no
cancellations: the roster is to be made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from offduty.benchmarks.scenarios._common import (
    ApplyPlan,
    Builder,
    Clock,
    Pos,
    assemble,
    hm,
    make_applications,
    spawn,
)
from offduty.benchmarks.scenarios.pool import build_pool

GAME_DAY = dt.date(2026, 9, 13)
ATTENDANCE = 73000
STADIUM = "GEHA Field at Arrowhead Stadium"
OPPONENTS = (
    "Las Vegas Raiders",
    "Denver Broncos",
    "Los Angeles Chargers",
    "Buffalo Bills",
    "Baltimore Ravens",
    "Cincinnati Bengals",
    "Houston Texans",
)

#: (start, end, rows) of the game-day shifts; see the module docstring.
SHIFTS: tuple[tuple[str, str, tuple[Pos, ...]], ...] = (
    (
        "07:00",
        "13:00",
        (
            Pos("traffic", 40, 62.0, certs=("traffic",), priority=2),
            Pos("traffic-sgt", 3, 72.0, "sergeant", priority=2),
        ),
    ),
    (
        "12:30",
        "17:30",
        (
            Pos("traffic", 44, 62.0, certs=("traffic",), priority=2),
            Pos("traffic-sgt", 3, 72.0, "sergeant", priority=2),
        ),
    ),
    (
        "09:00",
        "16:30",
        (
            Pos("gate", 58, 58.0),
            Pos("perimeter", 36, 58.0),
            Pos("concourse", 29, 58.0),
            Pos("k9", 3, 65.0, certs=("k9",)),
            Pos("mounted", 2, 65.0, certs=("mounted",)),
            Pos("gate-sgt", 8, 72.0, "sergeant", priority=2),
            Pos("command", 2, 85.0, "captain", priority=2),
        ),
    ),
    (
        "07:30",
        "15:00",
        (
            Pos("lot", 32, 55.0),
            Pos("lot-sgt", 2, 72.0, "sergeant", priority=2),
        ),
    ),
    (
        "11:00",
        "17:30",
        (
            Pos("lot", 26, 55.0),
            Pos("bike", 6, 60.0, certs=("bike",)),
            Pos("lot-sgt", 2, 72.0, "sergeant", priority=2),
        ),
    ),
    (
        "15:00",
        "17:00",
        (
            Pos("crowd", 10, 64.0, certs=("crowd_control",)),
            Pos("field-sgt", 1, 72.0, "sergeant", priority=2),
        ),
    ),
)
WINDOW = ("09:30", "16:30")


def add_chiefs_game(
    b: Builder,
    day: dt.date,
    *,
    opponent: str,
    attendance: int = ATTENDANCE,
    posted: int | None = None,
    fraction: float = 0.55,
) -> str:
    """Add a noon Chiefs home game on ``day`` to ``b``; returns the event id.

    ``posted`` (epoch minutes) defaults to 08:00 fourteen days before the game.
    """
    clock = b.clock

    def t(text: str) -> int:
        return clock.at(day, *hm(text))

    if posted is None:
        posted = clock.at(day - dt.timedelta(days=14), 8)
    employer = b.employer("Kansas City Chiefs")
    shifts = [(t(s), t(e), list(rows)) for s, e, rows in SHIFTS]
    return b.event(
        employer,
        f"Chiefs vs {opponent} ({STADIUM})",
        shifts,
        apply=ApplyPlan(posted=posted, fraction=fraction, delay_hours=18.0),
        venue="sporting_alcohol",
        attendance=attendance,
        window=(t(WINDOW[0]), t(WINDOW[1])),
    )


def generate(seed: int = 1) -> dict[str, Any]:
    """The chiefs-game scenario for ``seed``."""
    ev_rng, pool_rng, app_rng = spawn(seed)
    b = Builder(Clock())
    opponent = OPPONENTS[int(ev_rng.integers(len(OPPONENTS)))]
    add_chiefs_game(b, GAME_DAY, opponent=opponent)
    pool = build_pool(
        pool_rng,
        1300,
        start=dt.date(2026, 9, 6),
        days=15,
        employer_ids=[e["id"] for e in b.employers],
    )
    apps = make_applications(app_rng, pool, b)
    slug = opponent.split()[-1].lower()
    return assemble(f"chiefs-vs-{slug}-{GAME_DAY.isoformat()}", pool, b, apps)


__all__ = ["ATTENDANCE", "GAME_DAY", "SHIFTS", "add_chiefs_game", "generate"]
