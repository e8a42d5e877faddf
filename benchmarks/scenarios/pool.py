"""A seeded member pool shaped like the Kansas City Missouri Police Department.

KCPD has roughly 1,300 sworn and civilian members who may work secondary employment through the
SEP. :func:`make_pool` draws such a pool in the DESIGN.md member format:

* **Kinds and ranks.** About 88 % sworn, 5 % reserve, 7 % non-sworn (rank ``civilian``; a few hold
  a private officer license, §IV.C.4). Sworn ranks are about 78 % officer, 15 % sergeant,
  5 % captain, 1.5 % major, 0.5 % deputy chief; reserves are officers.
* **Status and privileges.** Mostly ``active``; about 4 % probationary and 1.5 % lateral officers
  in their break-in period (both recent hires), 0.5 % entrants (academy recruits, who are not yet
  sworn: §IV.C.6 sits under non-sworn members). About 1.5 % have secondary-employment privileges
  suspended and 0.5 % revoked (§III.S).
* **Seniority** spreads over 30 years and clusters on academy graduation dates (three classes a
  year), so ties occur as they do in the real seniority list; supervisors and commanders are more
  senior.
* **Certifications**: ``traffic`` is common (~35 %), ``crowd_control`` (~14 %), ``bike`` (~8 %),
  ``k9`` (~3 %) and ``mounted`` (~2 %) are rarer, ``supervisor_training`` goes with stripes.
* **Hour plans and tours.** 8/10/11-hour plans (~40/45/15 %). Patrol members rotate on a fixed
  watch: 8-hour plan five on / two off at 07:00, 15:00 or 23:00; 10-hour plan four on / three off
  at 06:00, 14:00 or 20:00; 11-hour plan a 14-day 2-2-3 cycle (3.5 tours a week) at 06:00, 15:00
  or 19:00. Commanders and most civilians work weekday day tours; reserves volunteer a tour now
  and then. About 6 % of tours carry 0.5-2 h of exception time (court, held over). A member's
  tours never overlap. Night tours mean real on-duty conflicts and, with the §II.H work day, the
  16-hour cap (§IV.A.12) binds for some members on the day of a detail.
* **Leaves** (§V): about 3 % of members have one over part of the horizon. ``sick`` is the most
  common (one tour, sometimes only its second half; some, on day tours, medical appointments), then
  ``fmla_family`` (covering a tour), and multi-day ``fmla_self``, ``injury``, ``funeral``,
  ``military``, ``limited_duty``, ``leave_pool``, ``unpaid``, ``suspension``.
* **History**: ``hours_ytd`` 0-600, right-skewed; ``last_worked`` within the 30 days before the
  horizon (null for those who have not worked a detail, about 10 %); ``open_closeouts`` 1-2 for
  about 3 %; ``reserve_hours_met`` false for about 20 % of reserves; ``cap_exception`` for about
  1 %; a few members have conflicts with some of the caller's employer ids (§III.N.3).

All times are ISO 8601 with the America/Chicago offset of that instant (``-05:00`` in CDT,
``-06:00`` in CST). Everything is drawn from the generator passed in; nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from offduty.benchmarks.scenarios._common import CERT_BIT, CERTIFICATIONS, CHICAGO, RANKS, Clock

FIRST_NAMES = (
    "Dana", "Marcus", "Keisha", "Tyler", "Brandon", "Maria", "Jose", "Ashley", "Kevin", "Latoya",
    "Ryan", "Megan", "Andre", "Sarah", "Luis", "Jennifer", "DeShawn", "Nicole", "Cody", "Angela",
    "Travis", "Monique", "Jason", "Kayla", "Darnell", "Rachel", "Miguel", "Stephanie", "Eric",
    "Tamika", "Justin", "Brittany", "Antonio", "Heather", "Derrick", "Amanda", "Carlos", "Lauren",
    "Terrence", "Emily", "Patrick", "Crystal", "Nathan", "Vanessa", "Dustin", "Erica", "Shawn",
    "Alicia", "Chad", "Tiffany", "Michael", "Jessica", "Christopher", "Kimberly", "Daniel", "Lisa",
    "Matthew", "Rebecca", "Anthony", "Michelle", "Joshua", "Hannah", "Adam", "Courtney", "Samuel",
    "Gabriela", "Isaiah", "Danielle", "Trevor", "Aisha",
)
LAST_NAMES = (
    "Reyes", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez",
    "Wilson", "Martinez", "Anderson", "Taylor", "Thomas", "Hernandez", "Moore", "Martin",
    "Jackson", "Thompson", "White", "Lopez", "Lee", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards",
    "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper",
    "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson",
    "Brooks", "Bennett", "Gray", "James", "Hughes", "Price", "Sanders", "Myers", "Long", "Ross",
    "Foster", "Schmidt", "Kowalski", "O'Brien", "Sullivan", "Washington", "Okafor", "Pham",
)  # fmt: skip
TITLES = {
    "officer": "P.O.",
    "sergeant": "Sgt.",
    "captain": "Capt.",
    "major": "Maj.",
    "deputy_chief": "Deputy Chief",
}

#: Watch start hours (day, evening, night) and rotation cycles by hour plan.
WATCH_STARTS: dict[int, tuple[int, int, int]] = {8: (7, 15, 23), 10: (6, 14, 20), 11: (6, 15, 19)}
CYCLES: dict[int, tuple[int, ...]] = {
    8: (1, 1, 1, 1, 1, 0, 0),  # five on, two off
    10: (1, 1, 1, 1, 0, 0, 0),  # four on, three off
    11: (1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0),  # 2-2-3: 3.5 tours a week
}
LEAVE_KINDS = (
    "sick", "fmla_family", "fmla_self", "injury", "funeral", "military", "limited_duty",
    "leave_pool", "unpaid", "suspension",
)  # fmt: skip
LEAVE_WEIGHTS = np.array([0.40, 0.10, 0.08, 0.08, 0.07, 0.07, 0.07, 0.05, 0.04, 0.04])
#: Length in days (low, high inclusive) of the multi-day leave kinds.
LEAVE_DAYS: dict[str, tuple[int, int]] = {
    "fmla_self": (3, 14),
    "injury": (5, 21),
    "funeral": (1, 3),
    "military": (2, 14),
    "limited_duty": (7, 30),
    "leave_pool": (5, 30),
    "unpaid": (1, 5),
    "suspension": (1, 10),
}
#: Leaves a member knows about in advance (and so does not apply for details during them).
KNOWN_LEAVES = frozenset(LEAVE_DAYS)

SWORN, RESERVE, NON_SWORN = 0, 1, 2
KIND_NAMES = ("sworn", "reserve", "non_sworn")
MAX_TOUR_MINUTES = 11 * 60

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Pool:
    """The member dicts plus the numeric view the application generator works on."""

    members: list[dict[str, Any]]
    ids: list[str]
    rank_level: IntArray  # civilian and officer 0, sergeant 1, ...
    cert_mask: IntArray
    looking_le: BoolArray  # would see and apply for law-enforcement details
    looking_any: BoolArray  # would see and apply for non-law-enforcement details
    propensity: FloatArray  # relative appetite for details
    tour_start: IntArray  # epoch minutes, sorted by start
    tour_end: IntArray
    tour_member: IntArray
    leave_start: IntArray  # known (multi-day) leaves only
    leave_end: IntArray
    leave_member: IntArray

    @property
    def n(self) -> int:
        return len(self.ids)

    def busy(self, start: int, end: int) -> BoolArray:
        """Members on duty or on a known leave at some time in [start, end)."""
        out = np.zeros(self.n, dtype=bool)
        lo = int(np.searchsorted(self.tour_start, start - MAX_TOUR_MINUTES, side="left"))
        hi = int(np.searchsorted(self.tour_start, end, side="left"))
        sel = self.tour_end[lo:hi] > start
        out[self.tour_member[lo:hi][sel]] = True
        sel_l = (self.leave_start < end) & (self.leave_end > start)
        out[self.leave_member[sel_l]] = True
        return out


def _exact_pick(
    rng: np.random.Generator, candidates: IntArray, count: int
) -> IntArray:
    count = min(count, candidates.size)
    return np.sort(rng.choice(candidates, size=count, replace=False))


def _apportion(names: Sequence[str], weights: FloatArray, total: int) -> list[str]:
    """``total`` names in proportion to ``weights`` (largest remainder): a stable mix."""
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(np.int64)
    for k in np.argsort(-(quota - counts), kind="stable")[: total - int(counts.sum())]:
        counts[k] += 1
    return [name for name, c in zip(names, counts, strict=True) for _ in range(int(c))]


def _academy_date(d: dt.date) -> dt.date:
    """Snap a hire date to the nearest academy graduation (Feb, Jun, Oct classes)."""
    options = [
        dt.date(y, m, 10 + (y * 7 + m) % 15)
        for y in (d.year - 1, d.year, d.year + 1)
        for m in (2, 6, 10)
    ]
    return min(options, key=lambda o: abs((o - d).days))


def build_pool(
    rng: np.random.Generator,
    n_members: int = 1300,
    *,
    start: dt.date,
    days: int,
    tz: dt.tzinfo = CHICAGO,
    employer_ids: Sequence[str] = (),
    first_id: int = 1001,
) -> Pool:
    """Draw a pool; see the module docstring. Tours cover ``days`` days from ``start``."""
    n = int(n_members)
    clock = Clock(tz)
    idx = np.arange(n)

    # --- kinds, ranks, status, privileges ------------------------------------------------
    n_res, n_civ = round(0.05 * n), round(0.07 * n)
    kind = np.full(n, SWORN, dtype=np.int64)
    perm = rng.permutation(n)
    kind[perm[:n_res]] = RESERVE
    kind[perm[n_res : n_res + n_civ]] = NON_SWORN
    sworn_rank = rng.choice(5, size=n, p=[0.78, 0.15, 0.05, 0.015, 0.005])
    rank_level = np.where(kind == SWORN, sworn_rank, 0).astype(np.int64)
    status = np.zeros(n, dtype=np.int64)  # 0 active 1 probationary 2 lateral 3 entrant
    officers = idx[(kind == SWORN) & (rank_level == 0)]
    picked = rng.permutation(officers)
    n_prob, n_lat = round(0.04 * n), round(0.015 * n)
    status[picked[:n_prob]] = 1
    status[picked[n_prob : n_prob + n_lat]] = 2
    status[_exact_pick(rng, idx[kind == NON_SWORN], round(0.005 * n))] = 3
    privileges = np.zeros(n, dtype=np.int64)  # 0 active 1 suspended 2 revoked
    pool_priv = rng.permutation(idx[(kind != NON_SWORN) & (status == 0)])
    n_susp, n_rev = round(0.015 * n), round(0.005 * n)
    privileges[pool_priv[:n_susp]] = 1
    privileges[pool_priv[n_susp : n_susp + n_rev]] = 2
    license_ = (kind == NON_SWORN) & (status == 0) & (rng.random(n) < 0.15)

    # --- certifications -----------------------------------------------------------------
    u = rng.random((n, len(CERTIFICATIONS)))
    law = kind != NON_SWORN
    sworn_line = (kind == SWORN) & (rank_level <= 1)
    rates = np.zeros((n, len(CERTIFICATIONS)))
    rates[:, 0] = np.where(law, 0.35, 0.08)  # traffic
    rates[:, 1] = np.where(law, 0.14, 0.0)  # crowd_control
    rates[:, 2] = np.where(sworn_line, 0.09, np.where(kind == RESERVE, 0.04, 0.0))  # bike
    rates[:, 3] = np.where(sworn_line, 0.025, 0.0)  # mounted
    rates[:, 4] = np.where(sworn_line & (rank_level == 0), 0.04, 0.0)  # k9
    rates[:, 5] = np.where(rank_level >= 1, 0.85, np.where(kind == SWORN, 0.04, 0.0))
    has = u < rates
    has[status != 0, 1:] = False  # recent hires: at most traffic
    cert_mask = (has * (1 << np.arange(len(CERTIFICATIONS)))).sum(axis=1).astype(np.int64)

    # --- seniority ----------------------------------------------------------------------
    years = np.where(
        rank_level == 0,
        1.0 + rng.gamma(2.0, 4.0, n),
        np.choose(
            np.clip(rank_level - 1, 0, 3),
            [
                6.0 + rng.gamma(2.5, 3.5, n),
                13.0 + rng.gamma(2.5, 2.5, n),
                18.0 + rng.gamma(2.0, 2.0, n),
                21.0 + rng.gamma(2.0, 1.5, n),
            ],
        ),
    )
    years = np.where(kind == RESERVE, 0.5 + rng.uniform(0, 25, n), years)
    years = np.where(kind == NON_SWORN, rng.uniform(0.2, 30, n), years)
    years = np.where(status == 1, rng.uniform(0.15, 1.0, n), years)
    years = np.where(status == 2, rng.uniform(0.05, 0.45, n), years)
    years = np.where(status == 3, rng.uniform(0.02, 0.4, n), years)
    years = np.clip(years, 0.02, 30.0)
    snap = (kind == SWORN) & (status != 2) & (rng.random(n) < 0.6)
    seniority: list[str] = []
    earliest = start - dt.timedelta(days=int(30 * 365.25))
    for i in range(n):
        d = start - dt.timedelta(days=int(years[i] * 365.25))
        if snap[i]:
            d = min(max(_academy_date(d), earliest), start - dt.timedelta(days=7))
        seniority.append(d.isoformat())

    # --- hour plans and tours -----------------------------------------------------------
    plan = rng.choice(np.array([8, 10, 11]), size=n, p=[0.40, 0.45, 0.15])
    watch = rng.choice(3, size=n, p=[0.38, 0.34, 0.28])
    phase = rng.integers(0, 14, size=n)
    admin = (rank_level >= 2) | ((kind == NON_SWORN) & (rng.random(n) < 0.75))
    admin_start = rng.choice(np.array([6, 7, 8]), size=n, p=[0.2, 0.5, 0.3])
    weekday0 = start.weekday()
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    tours: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
    exc_draw = rng.random((n, days))
    exc_val = rng.choice(np.array([0.5, 1.0, 1.5, 2.0]), size=(n, days))
    reserve_on = rng.random((n, days)) < 0.12
    reserve_start = rng.choice(np.array([8, 17]), size=(n, days))
    for i in range(n):
        p = int(plan[i])
        length = p * 60
        for k, day in enumerate(dates):
            wd = (weekday0 + k) % 7
            if kind[i] == RESERVE:
                if not reserve_on[i, k]:
                    continue
                hour = int(reserve_start[i, k])
            elif admin[i]:
                if p == 8:
                    on = wd < 5
                elif p == 10:
                    on = wd < 4 if phase[i] % 2 == 0 else 1 <= wd < 5
                else:  # 11: Mon-Wed, plus Thursday every other week
                    on = wd < 3 or (wd == 3 and (day.toordinal() // 7 + phase[i]) % 2 == 0)
                if not on:
                    continue
                hour = int(admin_start[i])
            else:
                cyc = CYCLES[p]
                if not cyc[(day.toordinal() + int(phase[i])) % len(cyc)]:
                    continue
                hour = WATCH_STARTS[p][int(watch[i])]
            s = clock.at(day, hour)
            exc = float(exc_val[i, k]) if exc_draw[i, k] < 0.06 else 0.0
            tours[i].append((s, s + length, exc))

    # --- leaves -------------------------------------------------------------------------
    leaves: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    known: list[tuple[int, int, int]] = []

    def not_night(i: int) -> list[int]:
        """Tours starting 05:00-16:59 local: when a medical appointment can fall."""
        return [k for k, (s, _, _) in enumerate(tours[i]) if 5 <= int(clock.iso(s)[11:13]) < 17]

    on_leave = _exact_pick(rng, idx, round(0.03 * n))
    kinds_l = rng.permutation(_apportion(LEAVE_KINDS, LEAVE_WEIGHTS, on_leave.size))
    kinds_l = np.array(
        [k if k not in ("sick", "fmla_family") or tours[i] else "funeral"
         for i, k in zip(on_leave, kinds_l, strict=True)]
    )
    sick_day = [int(i) for i, k in zip(on_leave, kinds_l, strict=True)
                if k == "sick" and not_night(int(i))]
    n_medical = min(len(sick_day), max(1, round(0.25 * int((kinds_l == "sick").sum()))))
    medical_members = set(rng.choice(sick_day, size=n_medical, replace=False).tolist())

    def tour_leave(i: int, kind_l: str, k: int, medical: bool) -> None:
        s, e, _ = tours[i][k]
        if medical:
            s = s + int(rng.integers(1, 4)) * 60
            e = min(e, s + int(rng.integers(2, 4)) * 60)
        elif kind_l == "sick" and rng.random() < 0.3:
            s = s + int(rng.integers(2, 6)) * 60  # went home sick mid-tour
        leaves[i].append(
            {"kind": kind_l, "start": clock.iso(s), "end": clock.iso(e),
             "medical_appointment": medical}
        )

    for i_, kind_ in zip(on_leave, kinds_l, strict=True):
        i, kind_l = int(i_), str(kind_)
        if kind_l in ("sick", "fmla_family"):
            medical = i in medical_members
            choices = not_night(i) if medical else list(range(len(tours[i])))
            k = int(rng.choice(choices))
            tour_leave(i, kind_l, k, medical)
            others = [x for x in range(len(tours[i])) if x != k]
            if others and rng.random() < 0.1:  # a second sick call in the horizon
                tour_leave(i, "sick", int(rng.choice(others)), False)
        else:
            lo, hi = LEAVE_DAYS[kind_l]
            first = int(rng.integers(-3, max(days - 1, 1)))
            length_d = int(rng.integers(lo, hi + 1))
            s = clock.at(start + dt.timedelta(days=first), 0)
            e = clock.at(start + dt.timedelta(days=first + length_d), 0)
            leaves[i].append(
                {"kind": kind_l, "start": clock.iso(s), "end": clock.iso(e),
                 "medical_appointment": False}
            )
            known.append((s, e, i))
        leaves[i].sort(key=lambda x: x["start"])

    # --- history and flags --------------------------------------------------------------
    hours = np.clip(rng.gamma(1.3, 95.0, n), 0, 600)
    never = rng.random(n) < 0.04
    hours = np.where(never | (status != 0), 0.0, np.round(hours * 4) / 4)
    no_last = hours == 0
    last_day = rng.integers(1, 31, size=n)
    last_end = rng.choice(np.arange(11, 24), size=n)
    closeouts = np.where(rng.random(n) < 0.03, rng.integers(1, 3, size=n), 0)
    reserve_met = ~((kind == RESERVE) & (rng.random(n) < 0.2))
    cap_exc = (kind == SWORN) & (rng.random(n) < 0.01)
    conflicts: list[list[str]] = [[] for _ in range(n)]
    if employer_ids:
        emp = list(employer_ids)
        for i in _exact_pick(rng, idx, max(1, round(0.015 * n))):
            k_c = min(len(emp), int(rng.integers(1, 3)))
            conflicts[int(i)] = sorted(
                (str(x) for x in rng.choice(emp, size=k_c, replace=False)),
                key=lambda s: (len(s), s),
            )
    propensity = rng.lognormal(0.0, 0.6, n) * (0.6 + hours / 250.0)

    first_names = rng.choice(len(FIRST_NAMES), size=n)
    last_names = rng.choice(len(LAST_NAMES), size=n)
    status_names = ("active", "probationary", "lateral_break_in", "entrant")
    priv_names = ("active", "suspended", "revoked")

    members: list[dict[str, Any]] = []
    ids = [f"M{first_id + i}" for i in range(n)]
    iso = clock.iso
    for i in range(n):
        kname = KIND_NAMES[kind[i]]
        rank = "civilian" if kind[i] == NON_SWORN else RANKS[rank_level[i]]
        person = f"{FIRST_NAMES[first_names[i]]} {LAST_NAMES[last_names[i]]}"
        if kind[i] == SWORN:
            name = f"{TITLES[rank]} {person}"
        elif kind[i] == RESERVE:
            name = f"Res. P.O. {person}"
        else:
            name = f"Entrant {person}" if status[i] == 3 else person
        if no_last[i]:
            last_worked = None
        else:
            d = start - dt.timedelta(days=int(last_day[i]))
            last_worked = iso(clock.at(d, int(last_end[i])))
        members.append(
            {
                "id": ids[i],
                "name": name,
                "kind": kname,
                "rank": rank,
                "status": status_names[status[i]],
                "privileges": priv_names[privileges[i]],
                "seniority_date": seniority[i],
                "certifications": [c for c in CERTIFICATIONS if cert_mask[i] & CERT_BIT[c]],
                "hour_plan": int(plan[i]),
                "tours": [
                    {"start": iso(s), "end": iso(e), "exception_hours": x}
                    for s, e, x in tours[i]
                ],
                "leaves": leaves[i],
                "hours_ytd": float(hours[i]),
                "last_worked": last_worked,
                "open_closeouts": int(closeouts[i]),
                "private_officer_license": bool(license_[i]),
                "reserve_hours_met": bool(reserve_met[i]),
                "cap_exception": bool(cap_exc[i]),
                "conflicts": conflicts[i],
            }
        )

    t_s = np.array([s for ts in tours for s, _, _ in ts], dtype=np.int64)
    t_e = np.array([e for ts in tours for _, e, _ in ts], dtype=np.int64)
    t_m = np.array([i for i, ts in enumerate(tours) for _ in ts], dtype=np.int64)
    order = np.argsort(t_s, kind="stable")
    active = (status == 0) & (privileges == 0)
    looking_le = active & ((kind != NON_SWORN) | license_)
    return Pool(
        members=members,
        ids=ids,
        rank_level=rank_level,
        cert_mask=cert_mask,
        looking_le=looking_le,
        looking_any=active.copy(),
        propensity=propensity.astype(np.float64),
        tour_start=t_s[order],
        tour_end=t_e[order],
        tour_member=t_m[order],
        leave_start=np.array([s for s, _, _ in known], dtype=np.int64),
        leave_end=np.array([e for _, e, _ in known], dtype=np.int64),
        leave_member=np.array([m for _, _, m in known], dtype=np.int64),
    )


def make_pool(
    rng: np.random.Generator,
    n_members: int = 1300,
    *,
    start: dt.date,
    days: int,
    tz: dt.tzinfo = CHICAGO,
    employer_ids: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """``n_members`` member dicts (ids ``M1001``...) with tours over ``days`` days from ``start``.

    ``employer_ids`` are the ids a few members get conflicts with (§III.N.3).
    """
    return build_pool(
        rng, n_members, start=start, days=days, tz=tz, employer_ids=employer_ids
    ).members
