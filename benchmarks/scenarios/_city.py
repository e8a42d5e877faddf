"""Kansas City detail catalogue shared by the kc-week and kc-month scenarios.

Besides the stadiums (:mod:`chiefs_game`, :mod:`royals_homestand`), KCPD secondary employment is
mostly small and steady: church traffic on Sunday mornings, retail and grocery security, hospital
emergency departments at night, apartment complexes, construction work zones, high-school football
on Friday nights, runs and parades on weekend mornings. Weekend nights add taverns and nightclubs
in the Power & Light District, Westport, the Crossroads and the West Bottoms (employer
``tavern: true``, venue ``nightclub``; §IV.A.18 asks for three officers or none and commander
approval first). Arenas and theatres (T-Mobile Center, Starlight Theatre, the Midland, the Uptown,
the Kauffman Center) and festivals (Irish Fest at Crown Center, the Plaza Art Fair) bring
staffing floors of their own, as does the KC Current at CPKC Stadium.

A few details exercise the employer rules: an unapproved employer, a warehouse in a labor dispute
(restricted ``labor_dispute``), a casino (``gambling``), a dispensary (``marijuana``), and a
concert at Cable Dahmer Arena in Independence, outside the city limits (§IV.A.11). So that a
careful optimizer can always satisfy every §IV.A.13 floor, events that no member may work
(unapproved or restricted employer, outside the city limits, tavern without commander approval)
carry no attendance figure, and every event with a floor has at least floor + 2 positions at
every instant of its window. Tavern and bar names are fictional; districts and public venues are
real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from offduty.benchmarks.scenarios._common import ApplyPlan, Builder, Pos, hm, pay, staffing_floor

TAVERNS: tuple[tuple[str, str, int], ...] = (
    ("Copper Still Saloon", "Power & Light District", 1400),
    ("Neon Armadillo Dance Hall", "Power & Light District", 1200),
    ("Rooftop 1300", "Power & Light District", 900),
    ("Club Meridian", "Power & Light District", 1500),
    ("Blue Heron Lounge", "Westport", 600),
    ("Gas Light Tap House", "Westport", 450),
    ("Velvet Fox Nightclub", "Westport", 1100),
    ("Red Brick Cantina", "Westport", 700),
    ("Mercury Room", "Crossroads", 500),
    ("Stockyards Social", "West Bottoms", 800),
    ("Riverfront Draft House", "River Market", 400),
    ("Bluebird Dance Hall", "18th & Vine", 650),
    ("Union Hill Taproom", "Union Hill", 300),
    ("Northland Roadhouse", "Northland", 550),
    ("Brookside Alehouse", "Brookside", 350),
    ("Midtown Lanes & Lounge", "Midtown", 400),
)


@dataclass(frozen=True)
class Template:
    """A kind of small detail (venue ``none``, 1-3 positions)."""

    kind: str
    employers: tuple[str, ...]
    weekdays: frozenset[int]
    times: tuple[tuple[str, str], ...]
    count: tuple[int, int]
    pay: tuple[float, float]
    certs: tuple[str, ...] = ()
    law_enforcement: bool = True
    weight: float = 1.0
    max_mday: int = 31  # 7: only in the first week of the month (First Fridays)


ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
SMALL: tuple[Template, ...] = (
    Template(
        "church traffic",
        (
            "Cathedral of the Immaculate Conception",
            "St. Peter's Parish (Brookside)",
            "Colonial Presbyterian Church",
            "Visitation Parish",
            "Second Baptist Church",
            "Morning Star Missionary Baptist Church",
            "Our Lady of Guadalupe Shrine",
        ),
        frozenset({6}),
        (("08:00", "12:30"), ("09:30", "13:30")),
        (1, 2),
        (44, 50),
        certs=("traffic",),
        weight=5.0,
    ),
    Template(
        "retail security",
        (
            "Country Club Plaza Merchants Association",
            "Zona Rosa",
            "Ward Parkway Center",
            "Hy-Vee (Shoal Creek Parkway)",
            "Price Chopper (Red Bridge)",
            "Cosentino's Downtown Market",
            "Crown Center Shops",
            "Walmart Supercenter (NE Antioch Rd)",
        ),
        ALL_DAYS,
        (("12:00", "20:00"), ("16:00", "22:00"), ("10:00", "16:00")),
        (1, 2),
        (44, 52),
        weight=3.0,
    ),
    Template(
        "hospital security",
        (
            "University Health Truman Medical Center",
            "Saint Luke's Hospital of Kansas City",
            "Research Medical Center",
            "Children's Mercy Hospital",
        ),
        ALL_DAYS,
        (("19:00", "27:00"), ("23:00", "31:00")),
        (1, 2),
        (48, 55),
        weight=2.0,
    ),
    Template(
        "apartment complex patrol",
        (
            "Briarcliff Pointe Apartments",
            "Quality Hill Lofts",
            "Riverfront Commons",
            "Swope Parkway Courts",
            "Hickman Mills Gardens",
            "Independence Avenue Flats",
        ),
        frozenset({3, 4, 5, 6}),
        (("20:00", "26:00"), ("21:00", "25:00")),
        (1, 1),
        (42, 48),
        weight=2.0,
    ),
    Template(
        "work-zone traffic",
        (
            "KC Water main replacement (Troost Ave)",
            "Evergy line work (Prospect Ave)",
            "KC Streetcar track maintenance (Main St)",
            "Spire gas main project (Broadway Blvd)",
        ),
        WEEKDAYS,
        (("07:00", "15:00"), ("08:00", "16:00")),
        (1, 2),
        (50, 55),
        certs=("traffic",),
        weight=2.0,
    ),
    Template(
        "high school football",
        (
            "Southeast High School",
            "Northeast High School",
            "Rockhurst High School",
            "Lincoln College Preparatory Academy",
            "Staley High School",
        ),
        frozenset({4}),
        (("18:00", "22:30"),),
        (2, 3),
        (45, 50),
        weight=8.0,
    ),
    Template(
        "run / parade traffic",
        (
            "Brookside 5K",
            "Loose Park Charity Walk",
            "Hispanic Heritage Parade (Southwest Blvd)",
            "Plaza Fall Fun Run",
            "Swope Park Trail Run",
            "Westport Pub Crawl 5K",
        ),
        frozenset({5, 6}),
        (("06:30", "11:00"), ("07:00", "12:00")),
        (2, 3),
        (52, 56),
        certs=("traffic",),
        weight=3.0,
    ),
    Template(
        "First Friday street closure",
        ("Crossroads Arts District Association",),
        frozenset({4}),
        (("17:30", "23:00"),),
        (2, 3),
        (50, 55),
        certs=("traffic",),
        weight=6.0,
        max_mday=7,
    ),
    Template(
        "bank lobby",
        ("UMB Bank (downtown)", "Commerce Bank (Ward Parkway)", "Academy Bank (Waldo)"),
        WEEKDAYS,
        (("08:00", "13:00"), ("09:00", "17:00")),
        (1, 1),
        (45, 50),
    ),
    Template(
        "event parking (non-law-enforcement)",
        (
            "Union Station Kansas City",
            "Nelson-Atkins Museum of Art",
            "Kauffman Center parking garage",
        ),
        ALL_DAYS,
        (("17:00", "23:00"), ("10:00", "16:00")),
        (1, 2),
        (38, 42),
        law_enforcement=False,
        weight=0.8,
    ),
)


def _t(b: Builder, day: dt.date, text: str) -> int:
    return b.clock.at(day, *hm(text))


def _posted(b: Builder, rng: np.random.Generator, day: dt.date, lo: int, hi: int) -> int:
    """Posting time: ``lo``-``hi`` days before ``day``, during office hours."""
    before = int(rng.integers(lo, hi + 1))
    return b.clock.at(day - dt.timedelta(days=before), int(rng.integers(8, 17)),
                      int(rng.integers(0, 60)))


def add_taverns(b: Builder, rng: np.random.Generator, night: dt.date, n: int) -> None:
    """``n`` tavern/nightclub details on the night starting ``night``; about 85 % (all but one or
    two) are commander-approved.

    About 80 % of the approved ones state an attendance (so the nightclub floor applies, and the
    shift counts are at least that floor); the rest only have the three-or-none tavern minimum.
    """
    picks = rng.choice(len(TAVERNS), size=min(n, len(TAVERNS)), replace=False)
    pending = set(rng.permutation(picks.size)[: max(1, round(0.15 * picks.size))].tolist())
    for i, k in enumerate(picks):
        name, district, capacity = TAVERNS[int(k)]
        employer = b.employer(f"{name} ({district})", tavern=True)
        approved = i not in pending
        attendance: int | None = None
        if approved and rng.random() < 0.8:
            attendance = int(np.clip(round(capacity * rng.uniform(0.6, 1.0), -1), 300, 1500))
        floor = staffing_floor("nightclub", attendance)
        officer = pay(rng, 50, 58)
        split = capacity >= 900 and rng.random() < 0.6
        spans = (
            [("20:00", "24:30"), ("23:30", "27:00")]
            if split
            else [(str(rng.choice(["21:00", "22:00"])), "27:00")]
        )
        shifts = []
        for s, e in spans:
            c = min(6, max(floor, 3) + int(rng.integers(0, 2)))
            rows = [Pos("exterior", c, officer)]
            if c >= 5:
                rows = [Pos("exterior", c - 1, officer),
                        Pos("sgt", 1, officer + 8, "sergeant", priority=2)]
            shifts.append((_t(b, night, s), _t(b, night, e), rows))
        b.event(
            employer,
            f"{name} exterior patrol",
            shifts,
            apply=ApplyPlan(posted=_posted(b, rng, night, 5, 9), ratio=float(rng.uniform(2, 3))),
            venue="nightclub",
            attendance=attendance,
            commander_approved=approved,
            understaffing_approved=approved and bool(rng.random() < 0.1),
        )


def add_small_details(b: Builder, rng: np.random.Generator, day: dt.date, n: int) -> None:
    """``n`` small details (venue ``none``, 1-3 positions) fitting ``day``'s weekday."""
    wd = day.weekday()
    fits = [t for t in SMALL if wd in t.weekdays and day.day <= t.max_mday]
    w = np.array([t.weight for t in fits])
    for k in rng.choice(len(fits), size=n, p=w / w.sum()):
        t = fits[int(k)]
        employer_name = t.employers[int(rng.integers(len(t.employers)))]
        s, e = t.times[int(rng.integers(len(t.times)))]
        count = int(rng.integers(t.count[0], t.count[1] + 1))
        rows = [Pos("post", count, pay(rng, *t.pay), certs=t.certs)]
        b.event(
            b.employer(employer_name),
            f"{employer_name}: {t.kind}",
            [(_t(b, day, s), _t(b, day, e), rows)],
            apply=ApplyPlan(posted=_posted(b, rng, day, 3, 14), ratio=float(rng.uniform(1.5, 3.0)),
                            delay_hours=40.0),
            law_enforcement=t.law_enforcement,
            pool=bool(rng.random() < 0.7),
        )


CONCERT_VENUES: dict[str, tuple[str, str, tuple[int, int], str, str]] = {
    # key: (employer, venue kind, attendance range, doors, show end)
    "tmobile": ("T-Mobile Center", "reserved_adult_alcohol", (12000, 17500), "18:30", "23:00"),
    "starlight": ("Starlight Theatre", "open_air_alcohol", (5500, 7900), "18:30", "22:45"),
    "midland": ("Arvest Bank Theatre at the Midland", "reserved_adult_alcohol", (2000, 3000),
                "18:30", "23:00"),
    "uptown": ("Uptown Theater", "reserved_adult_alcohol", (1200, 1700), "19:00", "23:30"),
    "kauffman": ("Kauffman Center for the Performing Arts", "reserved_family_alcohol",
                 (1500, 2400), "18:30", "22:30"),
}
ACTS = (
    "Midnight Prairie Tour",
    "The Westbound Lights",
    "Neon Heartland",
    "Kansas City Symphony: Season Opener",
    "Paper Canyons",
    "DJ Solstice",
    "The River Market Revue",
    "Hollow Pines",
    "Gold Coast Drive",
    "Comedy Night Live",
)


def add_concert(b: Builder, rng: np.random.Generator, day: dt.date, venue_key: str) -> str:
    employer_name, venue, (lo, hi), doors_s, end_s = CONCERT_VENUES[venue_key]
    attendance = int(round(rng.uniform(lo, hi), -2))
    floor = staffing_floor(venue, attendance)
    doors, end = _t(b, day, doors_s), _t(b, day, end_s)
    officer = pay(rng, 50, 60)
    sgt_n = 1 if floor < 10 else 2
    security = floor + int(rng.integers(2, 5)) - sgt_n
    rows = [Pos("security", security, officer), Pos("sgt", sgt_n, officer + 8, "sergeant",
                                                     priority=2)]
    if floor >= 15:
        rows.append(Pos("command", 1, officer + 20, "captain", priority=2))
    traffic = 2 if floor < 10 else int(rng.integers(3, 6))
    shifts = [
        (doors - 30, end + 60, rows),
        (doors - 60, doors + 90, [Pos("traffic", traffic, officer + 2, certs=("traffic",),
                                      priority=2)]),
        (end - 30, end + 60, [Pos("traffic", traffic, officer + 2, certs=("traffic",),
                                  priority=2)]),
    ]
    return b.event(
        b.employer(employer_name),
        f"{ACTS[int(rng.integers(len(ACTS)))]} ({employer_name})",
        shifts,
        apply=ApplyPlan(posted=_posted(b, rng, day, 10, 21), ratio=2.5),
        venue=venue,
        attendance=attendance,
        window=(doors, end + 30),
    )


def add_current_match(b: Builder, rng: np.random.Generator, day: dt.date, kickoff: str) -> str:
    """KC Current (NWSL) at CPKC Stadium on the Berkley Riverfront, 11,500 seats."""
    ko = _t(b, day, kickoff)
    attendance = int(round(rng.uniform(10500, 11500), -2))
    floor = staffing_floor("sporting_alcohol", attendance)
    officer = pay(rng, 52, 58)
    gates = floor + int(rng.integers(2, 4))
    traffic = Pos("traffic", 4, officer + 2, certs=("traffic",), priority=2)
    shifts = [
        (ko - 120, ko + 180, [Pos("gate", gates - 1, officer),
                              Pos("sgt", 1, officer + 8, "sergeant", priority=2)]),
        (ko - 150, ko + 15, [traffic]),
        (ko + 90, ko + 180, [traffic]),
    ]
    return b.event(
        b.employer("Kansas City Current"),
        "KC Current home match (CPKC Stadium)",
        shifts,
        apply=ApplyPlan(posted=_posted(b, rng, day, 10, 21), ratio=2.5),
        venue="sporting_alcohol",
        attendance=attendance,
        window=(ko - 90, ko + 150),
    )


FESTIVALS: dict[str, tuple[str, str, tuple[int, int]]] = {
    # key: (employer / name, venue kind, concurrent attendance range)
    "irish": ("KC Irish Fest (Crown Center)", "open_air_alcohol", (7000, 9500)),
    "plaza": ("Plaza Art Fair (Country Club Plaza)", "open_air_alcohol", (8000, 11000)),
}


def add_festival_day(
    b: Builder, rng: np.random.Generator, day: dt.date, key: str, opens: str, closes: str
) -> str:
    """One festival day: two overlapping shifts that each cover half the opening hours."""
    name, venue, (lo, hi) = FESTIVALS[key]
    attendance = int(round(rng.uniform(lo, hi), -2))
    floor = staffing_floor(venue, attendance)
    o, c = _t(b, day, opens), _t(b, day, closes)
    mid = o + ((c - o) // 2) // 30 * 30
    officer = pay(rng, 50, 58)
    shifts = []
    for s, e in ((o - 60, mid + 30), (mid, c + 60)):
        rows = [
            Pos("grounds", floor + int(rng.integers(1, 4)), officer),
            Pos("bike", 2, officer + 2, certs=("bike",)),
            Pos("traffic", 2, officer + 2, certs=("traffic",), priority=2),
            Pos("sgt", 2, officer + 8, "sergeant", priority=2),
        ]
        shifts.append((s, e, rows))
    return b.event(
        b.employer(name),
        f"{name}, {day.strftime('%A')}",
        shifts,
        apply=ApplyPlan(posted=_posted(b, rng, day, 14, 21), ratio=2.5),
        venue=venue,
        attendance=attendance,
        window=(o, c),
    )


def add_labor_dispute(b: Builder, rng: np.random.Generator, day: dt.date) -> str:
    employer = b.employer("Heartland Cold Storage (Blue Valley)", restricted=("labor_dispute",))
    rate = pay(rng, 50, 55)
    shifts = [
        (_t(b, day, "06:00"), _t(b, day, "14:00"), [Pos("gate", 2, rate)]),
        (_t(b, day, "14:00"), _t(b, day, "22:00"), [Pos("gate", 2, rate)]),
    ]
    return b.event(employer, "Warehouse gate security (strike)", shifts,
                   apply=ApplyPlan(posted=_posted(b, rng, day, 2, 5), ratio=0.75))


def add_casino(b: Builder, rng: np.random.Generator, day: dt.date) -> str:
    employer = b.employer("Missouri River Casino & Hotel", restricted=("gambling",))
    shifts = [(_t(b, day, "20:00"), _t(b, day, "28:00"), [Pos("garage", 2, pay(rng, 50, 56))])]
    return b.event(employer, "Casino parking garage patrol", shifts,
                   apply=ApplyPlan(posted=_posted(b, rng, day, 5, 10), ratio=0.75))


def add_dispensary(b: Builder, rng: np.random.Generator, day: dt.date) -> str:
    employer = b.employer("Green Gateway Dispensary (Westport)", restricted=("marijuana",))
    shifts = [(_t(b, day, "16:00"), _t(b, day, "22:00"), [Pos("post", 1, pay(rng, 45, 50))])]
    return b.event(employer, "Dispensary security", shifts,
                   apply=ApplyPlan(posted=_posted(b, rng, day, 3, 10), ratio=1.0))


def add_unapproved(b: Builder, rng: np.random.Generator, day: dt.date) -> str:
    employer = b.employer("Crossroads Loft Events LLC", approved=False)
    shifts = [(_t(b, day, "19:00"), _t(b, day, "25:00"), [Pos("door", 3, pay(rng, 45, 50))])]
    return b.event(employer, "Private party at a rental loft", shifts,
                   apply=ApplyPlan(posted=_posted(b, rng, day, 3, 10), ratio=1.0))


def add_outside_city(b: Builder, rng: np.random.Generator, day: dt.date) -> str:
    """A concert in Independence, MO: law enforcement outside KCMO city limits (§IV.A.11)."""
    employer = b.employer("Cable Dahmer Arena (Independence)")
    officer = pay(rng, 50, 55)
    shifts = [(_t(b, day, "18:00"), _t(b, day, "23:30"),
               [Pos("security", 4, officer), Pos("sgt", 1, officer + 8, "sergeant")])]
    return b.event(employer, f"{ACTS[int(rng.integers(len(ACTS)))]} (Cable Dahmer Arena)",
                   shifts, apply=ApplyPlan(posted=_posted(b, rng, day, 7, 14), ratio=1.0),
                   venue="reserved_adult_alcohol", in_city_limits=False)
