"""Shared machinery of the scenario generators: local clock, instance builder, applications.

Times are handled as integer epoch minutes (UTC) internally and written out as ISO 8601 strings
with the local UTC offset of the agency's time zone (America/Chicago), so that a wall time such as
07:00 carries ``-05:00`` in summer and ``-06:00`` in winter. Wall times are built with
:mod:`zoneinfo`; durations are added in absolute time, so a night tour across a daylight-saving
change still lasts its plan's hours.

:class:`Builder` collects employers and events (with their shifts and positions) and keeps, per
event, the metadata the application generator needs (minutes, rank and certification
requirements, when the detail was posted, how popular it is). :func:`make_applications` then
draws applicants who are *plausible* for a shift: they look eligible in the SEP (kind, status,
privileges), hold the rank and certifications of at least one of its positions, and are neither
on duty nor on a known leave at the time. Facts the member may not think of (open close-outs,
missed reserve hours, a conflict with the employer, a sick call, the 16-hour work-day cap) are
deliberately not filtered, so some applicants turn out ineligible, as in real sign-ups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

if TYPE_CHECKING:
    from offduty.benchmarks.scenarios.pool import Pool

CHICAGO = ZoneInfo("America/Chicago")

RANKS: tuple[str, ...] = ("officer", "sergeant", "captain", "major", "deputy_chief")
#: Rank levels used for ``min_rank`` checks; ``civilian`` counts as ``officer`` (DESIGN E-RANK).
RANK_LEVEL: dict[str, int] = {"civilian": 0, **{r: i for i, r in enumerate(RANKS)}}
CERTIFICATIONS: tuple[str, ...] = (
    "traffic",
    "crowd_control",
    "bike",
    "mounted",
    "k9",
    "supervisor_training",
)
CERT_BIT: dict[str, int] = {c: 1 << i for i, c in enumerate(CERTIFICATIONS)}

#: DESIGN.md policy defaults, written out, plus the ``timezone`` extension.
STAFFING_RATIOS: dict[str, dict[str, int]] = {
    "reserved_no_alcohol": {"attendees_per_officer": 3000, "core": 1},
    "sporting_alcohol": {"attendees_per_officer": 1500, "core": 3},
    "reserved_family_alcohol": {"attendees_per_officer": 1500, "core": 2},
    "reserved_adult_alcohol": {"attendees_per_officer": 1250, "core": 3},
    "open_air_alcohol": {"attendees_per_officer": 750, "core": 3},
    "nightclub": {"attendees_per_officer": 500, "core": 3},
}


def default_policy() -> dict[str, Any]:
    """DESIGN.md defaults, explicit, with ``timezone``."""
    return {
        "work_day_cap_hours": 16,
        "work_day_lead_hours": {"8": 8, "10": 7, "11": 6},
        "max_secondary_hours_per_week": None,
        "min_rest_hours": 0,
        "tavern_min_officers": 3,
        "minimum_pay_rate": 38.0,
        "staffing_ratios": {k: dict(v) for k, v in STAFFING_RATIOS.items()},
        "timezone": "America/Chicago",
    }


def staffing_floor(venue: str, attendance: int | None) -> int:
    """C-STAFFING-RATIO floor under the default ratios (0 when none applies)."""
    ratio = STAFFING_RATIOS.get(venue)
    if ratio is None or attendance is None:
        return 0
    per = ratio["attendees_per_officer"]
    return ratio["core"] + -(-attendance // per)


class Clock:
    """Local wall times <-> epoch minutes, with cached ISO strings."""

    def __init__(self, tz: dt.tzinfo = CHICAGO) -> None:
        self.tz = tz
        self._at: dict[tuple[int, int, int], int] = {}
        self._iso: dict[int, str] = {}

    def at(self, day: dt.date, hour: int, minute: int = 0) -> int:
        """Epoch minutes of local wall time ``hour:minute`` on ``day`` (hour may exceed 23)."""
        key = (day.toordinal(), hour, minute)
        got = self._at.get(key)
        if got is None:
            d = day + dt.timedelta(days=hour // 24)
            local = dt.datetime(d.year, d.month, d.day, hour % 24, minute, tzinfo=self.tz)
            got = int(local.timestamp()) // 60
            self._at[key] = got
        return got

    def iso(self, minute: int) -> str:
        got = self._iso.get(minute)
        if got is None:
            got = dt.datetime.fromtimestamp(minute * 60, self.tz).isoformat()
            self._iso[minute] = got
        return got

    def iso_seconds(self, second: int) -> str:
        return dt.datetime.fromtimestamp(second, self.tz).isoformat()


def hm(text: str) -> tuple[int, int]:
    """``"07:30"`` -> ``(7, 30)``; hours above 23 mean the next day (``"27:00"`` is 03:00)."""
    h, m = text.split(":")
    return int(h), int(m)


@dataclass(frozen=True)
class Pos:
    """One position row of a shift (id suffix ``key``)."""

    key: str
    count: int
    pay: float
    min_rank: str = "officer"
    certs: tuple[str, ...] = ()
    priority: int = 1


@dataclass
class ShiftMeta:
    id: str
    start: int
    end: int
    positions: list[Pos]


@dataclass
class ApplyPlan:
    """How an event attracts applications.

    ``fraction``: that share of the eligible-looking members apply (stadium sign-up rush; only
    those free for some shift can, so it is capped by their number); ``ratio``: about ``ratio``
    applicants per position. ``delay_hours`` is the scale of the exponential delay after
    posting (epoch minutes ``posted``).
    """

    posted: int
    ratio: float = 2.5
    fraction: float | None = None
    delay_hours: float = 30.0


@dataclass
class EventMeta:
    id: str
    law_enforcement: bool
    shifts: list[ShiftMeta]
    apply: ApplyPlan


@dataclass
class Builder:
    """Collects employers and events in the DESIGN.md format, with numeric metadata."""

    clock: Clock
    employers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    meta: list[EventMeta] = field(default_factory=list)
    _by_name: dict[str, str] = field(default_factory=dict)

    def employer(
        self,
        name: str,
        *,
        approved: bool = True,
        tavern: bool = False,
        restricted: tuple[str, ...] = (),
    ) -> str:
        """The id of the employer of that name, created on first use."""
        got = self._by_name.get(name)
        if got is not None:
            return got
        eid = f"E{len(self.employers) + 1}"
        self.employers.append(
            {
                "id": eid,
                "name": name,
                "approved": approved,
                "tavern": tavern,
                "restricted": list(restricted),
            }
        )
        self._by_name[name] = eid
        return eid

    def event(
        self,
        employer: str,
        name: str,
        shifts: list[tuple[int, int, list[Pos]]],
        *,
        apply: ApplyPlan,
        venue: str = "none",
        attendance: int | None = None,
        window: tuple[int, int] | None = None,
        law_enforcement: bool = True,
        in_city_limits: bool = True,
        pool: bool = True,
        commander_approved: bool = False,
        understaffing_approved: bool = False,
    ) -> str:
        evid = f"EV{len(self.events) + 1}"
        if window is None:
            window = (min(s for s, _, _ in shifts), max(e for _, e, _ in shifts))
        iso = self.clock.iso
        shift_dicts: list[dict[str, Any]] = []
        metas: list[ShiftMeta] = []
        for i, (start, end, rows) in enumerate(shifts, start=1):
            if end <= start:
                raise ValueError(f"{name}: shift {i} ends before it starts")
            sid = f"{evid}-S{i}"
            shift_dicts.append(
                {
                    "id": sid,
                    "start": iso(start),
                    "end": iso(end),
                    "positions": [
                        {
                            "id": f"{sid}-{p.key}",
                            "count": int(p.count),
                            "min_rank": p.min_rank,
                            "certifications": list(p.certs),
                            "pay_rate": float(p.pay),
                            "priority": int(p.priority),
                        }
                        for p in rows
                    ],
                }
            )
            metas.append(ShiftMeta(sid, start, end, list(rows)))
        ev: dict[str, Any] = {
            "id": evid,
            "employer": employer,
            "name": name,
            "venue": venue,
            "attendance": attendance,
            "window": {"start": iso(window[0]), "end": iso(window[1])},
            "law_enforcement": law_enforcement,
            "in_city_limits": in_city_limits,
            "pool": pool,
            "commander_approved": commander_approved,
            "understaffing_approved": understaffing_approved,
            "shifts": shift_dicts,
        }
        self.events.append(ev)
        self.meta.append(EventMeta(evid, law_enforcement, metas, apply))
        return evid

    def positions_total(self) -> int:
        return sum(p.count for m in self.meta for s in m.shifts for p in s.positions)


def pay(rng: np.random.Generator, low: float, high: float) -> float:
    """A pay rate in [low, high] on a 50-cent grid."""
    return float(round(rng.uniform(low, high) * 2) / 2)


# ---------------------------------------------------------------------------------------------
# applications

_K_PROBS = np.array([0.5, 0.3, 0.2])


def _shift_masks(pool: Pool, sm: ShiftMeta, law_enforcement: bool) -> tuple[Any, Any, Any]:
    """(plausible, specialist, appeal) member arrays for one shift.

    ``appeal`` is the square root of the slots the member qualifies for, specialist slots (a
    rank or certification asked for) counting four times: big shifts draw more interest, and
    members go for the posts that need their stripes or certifications.
    """
    level = pool.rank_level
    certs = pool.cert_mask
    qual = np.zeros(pool.n, dtype=bool)
    special = np.zeros(pool.n, dtype=bool)
    slots = np.zeros(pool.n)
    for p in sm.positions:
        if p.count <= 0:
            continue
        need = 0
        for c in p.certs:
            need |= CERT_BIT[c]
        ok = (level >= RANK_LEVEL[p.min_rank]) & ((certs & need) == need)
        qual |= ok
        is_special = bool(need) or RANK_LEVEL[p.min_rank] > 0
        if is_special:
            special |= ok
        slots += ok * (p.count * (4.0 if is_special else 1.0))
    looking = pool.looking_le if law_enforcement else pool.looking_any
    plaus = looking & qual & ~pool.busy(sm.start, sm.end)
    return plaus, special & plaus, np.sqrt(slots) * plaus


def make_applications(rng: np.random.Generator, pool: Pool, b: Builder) -> list[dict[str, Any]]:
    """Applications for every event of ``b`` by plausible members of ``pool``.

    Each applicant applies to 1-3 of the event's shifts they are plausible for, preferring big
    shifts and shifts where their rank or certification is asked for. Timestamps are the posting
    time plus an exponential delay (the sign-up rush), a few minutes apart for one member's
    picks, and at least 12 hours before the earliest picked shift starts.
    """
    rows: list[tuple[int, int, str, str]] = []  # (second, member index, member id, shift id)
    for em in b.meta:
        n_shifts = len(em.shifts)
        plaus = np.zeros((n_shifts, pool.n), dtype=bool)
        special = np.zeros((n_shifts, pool.n), dtype=bool)
        appeal = np.zeros((n_shifts, pool.n))
        for j, sm in enumerate(em.shifts):
            plaus[j], special[j], appeal[j] = _shift_masks(pool, sm, em.law_enforcement)
        cand = np.flatnonzero(plaus.any(axis=0))
        if cand.size == 0:
            continue
        ap = em.apply
        if ap.fraction is not None:
            looking = pool.looking_le if em.law_enforcement else pool.looking_any
            n_apply = round(ap.fraction * int(looking.sum()))
        else:
            total = sum(p.count for sm in em.shifts for p in sm.positions)
            n_apply = round(ap.ratio * total)
        n_apply = int(min(cand.size, max(n_apply, 1)))
        # Specialists (a rank or certification asked for) are recruited: twice as likely.
        w = pool.propensity[cand] * (1.0 + special[:, cand].any(axis=0))
        chosen = rng.choice(cand, size=n_apply, replace=False, p=w / w.sum())
        chosen.sort()
        # Shift picks: Gumbel top-k on the log of their appeal (weighted, without replacement).
        weight = appeal[:, chosen].T
        with np.errstate(divide="ignore"):
            keys = np.log(weight) + rng.gumbel(size=weight.shape)
        order = np.argsort(-keys, axis=1)
        n_plaus = plaus[:, chosen].sum(axis=0)
        k = np.minimum(rng.choice(3, size=chosen.size, p=_K_PROBS) + 1, n_plaus)
        # Timing: posting + exponential delay, limited before the earliest picked shift.
        delay = rng.exponential(ap.delay_hours * 3600.0, size=chosen.size)
        gaps = rng.uniform(15.0, 240.0, size=(chosen.size, 3)).cumsum(axis=1)
        late_frac = rng.uniform(0.0, 1.0, size=chosen.size)
        jitter = rng.integers(0, 60, size=chosen.size)
        posted_s = ap.posted * 60
        starts = np.array([sm.start for sm in em.shifts])
        for i, m in enumerate(chosen):
            picks = order[i, : k[i]]
            limit = (int(starts[picks].min()) - 12 * 60) * 60 - 600  # room for the gaps
            t0 = posted_s + int(delay[i]) + int(jitter[i])
            if t0 > limit:
                t0 = min(limit, posted_s + int(late_frac[i] * max(limit - posted_s, 0)))
            mid = pool.ids[m]
            for r, j in enumerate(picks):
                t = t0 if r == 0 else t0 + int(gaps[i, r - 1])
                rows.append((t, int(m), mid, em.shifts[j].id))
    rows.sort()
    iso = b.clock.iso_seconds
    return [{"member": mid, "shift": sid, "at": iso(t)} for t, _, mid, sid in rows]


def spawn(seed: int, parts: int = 3) -> list[np.random.Generator]:
    """Independent streams (events, pool, applications) from one seed: changing the number of
    events does not reshuffle the pool."""
    return list(np.random.default_rng(seed).spawn(parts))


def assemble(
    name: str, pool: Pool, b: Builder, applications: list[dict[str, Any]]
) -> dict[str, Any]:
    """The instance dict in DESIGN.md order (no assignments, no cancellations)."""
    return {
        "name": name,
        "policy": default_policy(),
        "members": pool.members,
        "employers": b.employers,
        "events": b.events,
        "applications": applications,
    }
