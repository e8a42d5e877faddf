"""Scenarios `mass-cancel` and `mass-cancel-month`: a roster was solved and published, then
many members cancel (§IV.D self-cancellations); re-solve (`SolveParams(resolve=Resolve())`).

- `mass-cancel`: the Chiefs game; a quarter of its assigned members cancel two days before it.
- `mass-cancel-month`: the kc-month roster (offduty's solve within `MONTH_PUBLISH_LIMIT` s); 30 %
  of the members working the weekend of the first Chiefs game (Saturday 12 and Sunday 13
  September 2026) cancel their details of that weekend two days before it.

The instance is the `chiefs-game` instance of the same seed plus
- `assignments`: offduty's seniority roster for it, every row `locked: false` (the published
  roster, which a re-solve may change: its tier 3 minimizes the changes);
- `cancellations`: a seeded 25 % of the assigned members, each for every position they hold,
  at a seeded time of the day two days before the game, with a reason from the SEP's drop-down
  list and the required comment (§IV.D.3.b-c: no details of a personal illness).

Solving the roster takes a second or two, so the instance is cached on disk keyed by seed (and
by the generator sources): `instance_path(seed)`.

    python -m offduty.benchmarks.mass_cancel --seed 1 --out mass-cancel.json
    python -m offduty.benchmarks.mass_cancel --month --seed 1 --out mass-cancel-month.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

NAME = "mass-cancel"
BASE = "chiefs-game"
CANCEL_FRACTION = 0.25
DAYS_BEFORE = 2
MONTH_NAME = "mass-cancel-month"
MONTH_BASE = "kc-month"
MONTH_CANCEL_FRACTION = 0.30
#: The weekend of the month scenario's first Chiefs game (local dates).
MONTH_WEEKEND = (dt.date(2026, 9, 12), dt.date(2026, 9, 13))
#: Seconds for the solve that publishes the month's roster (its seniority tier is not proven).
MONTH_PUBLISH_LIMIT = 20.0
#: (reason, comment) as a member would pick and write them in the SEP.
REASONS: tuple[tuple[str, str], ...] = (
    ("illness", "Unable to work due to illness."),
    ("family emergency", "Family emergency out of town, cannot make the game."),
    ("court", "Subpoenaed for a court appearance that morning."),
    ("on-duty assignment", "Held over for a special on-duty assignment by my division."),
    ("personal", "Personal matter; coordinator notified by phone."),
)
_REASON_P = np.array([0.45, 0.2, 0.1, 0.15, 0.1])


def published_roster(base: dict[str, Any], strategy: str = "seniority",
                     time_limit: float = 60.0) -> list[tuple[str, str]]:
    """(member, position) of offduty's solution of `base` (imports the engine)."""
    from offduty.models.validation import parse_instance
    from offduty.solver.params import SolveParams
    from offduty.solver.solve import solve

    result = solve(parse_instance(base), SolveParams(strategy=strategy, time_limit=time_limit))
    if not result.has_solution:
        raise RuntimeError(f"{BASE} has no solution to publish: {result.status} {result.explanation}")
    return result.pairs()


def shift_starts(base: dict[str, Any]) -> dict[str, dt.datetime]:
    """Position id -> the start of its shift."""
    out: dict[str, dt.datetime] = {}
    for event in base["events"]:
        for shift in event["shifts"]:
            start = dt.datetime.fromisoformat(shift["start"])
            for position in shift["positions"]:
                out[position["id"]] = start
    return out


def with_cancellations(base: dict[str, Any], roster: list[tuple[str, str]], seed: int,
                       fraction: float = CANCEL_FRACTION,
                       affected: set[str] | None = None) -> dict[str, Any]:
    """`base` plus the published `roster` (unlocked) and seeded cancellations of `fraction` of
    the members holding an `affected` position (default: any), each for every affected position
    they hold. Pure: no solver."""
    rng = np.random.default_rng([seed, 630_9])
    tz = ZoneInfo(base.get("policy", {}).get("timezone", "America/Chicago"))
    shift_start = shift_starts(base)
    hit = [(m, p) for m, p in roster if affected is None or p in affected]
    members = sorted({m for m, _ in hit})
    n_cancel = round(fraction * len(members))
    cancelling = set(rng.choice(np.asarray(members, dtype=object), size=n_cancel, replace=False).tolist())
    first_start = min(shift_start[p] for _, p in hit) if hit else None
    cancellations: list[tuple[dt.datetime, dict[str, Any]]] = []
    for member in sorted(cancelling):
        reason, comment = REASONS[int(rng.choice(len(REASONS), p=_REASON_P))]
        assert first_start is not None
        day = (first_start.astimezone(tz) - dt.timedelta(days=DAYS_BEFORE)).date()
        minute = int(rng.integers(7 * 60, 22 * 60))
        at = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                         int(rng.integers(60)), tzinfo=tz)
        for m, position in hit:
            if m == member:
                cancellations.append((at, {"member": member, "position": position, "at": at.isoformat(),
                                           "reason": reason, "comment": comment}))
    cancellations.sort(key=lambda c: (c[0], c[1]["member"], c[1]["position"]))
    out = dict(base)
    out["name"] = f"{base.get('name', BASE)}-mass-cancel"
    out["assignments"] = [{"member": m, "position": p, "locked": False} for m, p in roster]
    out["cancellations"] = [c for _, c in cancellations]
    return out


def generate(seed: int = 1, *, strategy: str = "seniority", time_limit: float = 60.0) -> dict[str, Any]:
    """The mass-cancel instance for `seed` (solves the chiefs-game roster: not cached)."""
    from offduty.benchmarks.scenarios import generate as generate_scenario

    base = generate_scenario(BASE, seed)
    return with_cancellations(base, published_roster(base, strategy, time_limit), seed)


def weekend_positions(base: dict[str, Any], days: tuple[dt.date, ...] = MONTH_WEEKEND) -> set[str]:
    """The positions of the events whose window starts on one of `days` (local dates)."""
    tz = ZoneInfo(base.get("policy", {}).get("timezone", "America/Chicago"))
    out: set[str] = set()
    for event in base["events"]:
        starts = [dt.datetime.fromisoformat(s["start"]) for s in event["shifts"]]
        if starts and min(starts).astimezone(tz).date() in days:
            out.update(p["id"] for s in event["shifts"] for p in s["positions"])
    return out


def generate_month(seed: int = 1, *, strategy: str = "seniority",
                   time_limit: float = MONTH_PUBLISH_LIMIT) -> dict[str, Any]:
    """The mass-cancel-month instance for `seed` (solves kc-month for `time_limit` s: not cached)."""
    from offduty.benchmarks.scenarios import generate as generate_scenario

    base = generate_scenario(MONTH_BASE, seed)
    roster = published_roster(base, strategy, time_limit)
    out = with_cancellations(base, roster, seed, MONTH_CANCEL_FRACTION, weekend_positions(base))
    out["name"] = f"{base.get('name', MONTH_BASE)}-mass-cancel-weekend"
    return out


def instance_path(seed: int = 1, directory: str | Path | None = None, name: str = NAME) -> Path:
    """The cached instance file of `name` (mass-cancel or mass-cancel-month) for `seed`,
    generated on first use."""
    from offduty.benchmarks.instances import cached, source_key

    make = {NAME: lambda: generate(seed), MONTH_NAME: lambda: generate_month(seed)}[name]
    return cached(name, seed, make, source_key(Path(__file__)), directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.mass_cancel", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--month", action="store_true", help="mass-cancel-month instead of mass-cancel")
    parser.add_argument("--out", help="write the instance here (default: print the cache path)")
    args = parser.parse_args(argv)
    path = instance_path(args.seed, name=MONTH_NAME if args.month else NAME)
    if args.out:
        Path(args.out).write_text(json.dumps(json.loads(path.read_text()), indent=1), encoding="utf-8")
    else:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
