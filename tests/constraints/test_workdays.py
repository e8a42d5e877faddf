"""Work days and ISO weeks as arrays (`constraints.workdays`): where they are tiled, the pieces of
intervals inside them, the exact on-duty load, and which cap rows can bind."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from offduty.constraints.workdays import (
    binding_groups,
    binding_rows,
    conflict_cliques,
    heaviest_disjoint,
    iso_weeks,
    work_days,
)
from offduty.models.arrays import InstanceArrays, to_minutes
from offduty.models.instance import Event, Instance
from offduty.models.validation import parse_instance
from tests.constraints.conftest import at, event, instance, member, position, shift, tour

NEXT = "2026-09-14"
N_MEMBERS = 1300


def minute(clock: str, day: str = "2026-09-13") -> int:
    """`at(clock, day)` on the model's clock (minutes since the epoch)."""
    return to_minutes(dt.datetime.fromisoformat(at(clock, day)))


def _crowd(*events: dict[str, Any]) -> Instance:
    """1,300 members: two of three on 10-h-plan day tours 09-12 .. 09-14, the others without
    tours; `events` as given."""
    members = []
    for i in range(N_MEMBERS):
        tours = [] if i % 3 == 0 else [tour(at("07:00", day), at("17:00", day))
                                       for day in ("2026-09-12", "2026-09-13", NEXT)]
        members.append(member(f"M{i}", hour_plan=10, tours=tours))
    return parse_instance(instance(members, events or [event("EV1", shift(
        "S1", at("10:00"), at("14:00"), position("P1")))]))


def test_no_events_no_days():
    """1,300 members with tours and no details: no day or week is tiled (the build costs what
    the details cost, not 56 years of days back to 1970)."""
    crowd = _crowd()
    arrays = InstanceArrays.build(crowd.model_copy(update={"events": []}))
    assert len(work_days(arrays)) == 0
    assert len(iso_weeks(arrays)) == 0


def test_one_detail_tiles_a_few_days_per_member():
    """One 4-h detail: each member gets the days within a day of it (at most 4), tiled around
    the detail, and every day holds its tours' hours."""
    arrays = InstanceArrays.build(_crowd())
    days = work_days(arrays)
    per_member = np.bincount(days.member, minlength=N_MEMBERS)
    assert per_member.min() >= 3 and per_member.max() <= 4
    detail = minute("10:00"), minute("14:00")
    item, day, minutes = days.pieces(np.arange(N_MEMBERS), np.full(N_MEMBERS, detail[0]),
                                     np.full(N_MEMBERS, detail[1]))
    assert np.array_equal(item, np.arange(N_MEMBERS)) and (minutes == 240).all()
    # a member on tour 07:00-17:00 every day (work days 00:00 to 00:00) has 10 h in each
    on_tour = np.arange(N_MEMBERS) % 3 != 0
    assert (days.on_duty[day[on_tour]] == 600).all()
    assert (days.on_duty[day[~on_tour]] == 0).all()
    assert len(iso_weeks(arrays)) <= 2


def test_a_typo_year_adds_the_days_around_it_not_the_decades_between():
    """A second detail dated 2062 by mistake: each member gets a few days around each detail,
    and the weeks around each (the span between them is never tiled)."""
    far = event("EV2", shift("S2", at("10:00", "2062-09-13"), at("14:00", "2062-09-13"),
                             position("P2")))
    near = event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1")))
    # A file with such a date is refused (exit 16: outside the planning horizon); an instance
    # built in code can still hold one, and must stay cheap.
    crowd = _crowd(near)
    arrays = InstanceArrays.build(crowd.model_copy(update={"events": [*crowd.events,
                                                                      Event.model_validate(far)]}))
    days = work_days(arrays)
    assert np.bincount(days.member, minlength=N_MEMBERS).max() <= 8
    assert len(iso_weeks(arrays)) <= 4


def test_pieces_split_an_interval_at_day_and_week_boundaries():
    """A member without tours: Sunday 22:00 → Monday 03:00 is 2 h on Sunday's calendar day and
    3 h on Monday's, and 2 h + 3 h in the two ISO weeks."""
    raw = instance([member("S")], [event("EV1", shift("S1", at("22:00"), at("03:00", NEXT),
                                                      position("P1")))])
    arrays = InstanceArrays.build(parse_instance(raw))
    start, end = arrays.shift_start, arrays.shift_end
    item, day, minutes = work_days(arrays).pieces(np.zeros(1, np.int64), start, end)
    assert item.tolist() == [0, 0] and minutes.tolist() == [120, 180]
    assert work_days(arrays).start[day[1]] == minute("00:00", NEXT)
    item, week, minutes = iso_weeks(arrays).pieces(start, end)
    assert minutes.tolist() == [120, 180]
    assert iso_weeks(arrays).start[week[1]] == minute("00:00", NEXT)


def test_on_duty_load_is_the_exact_share_rounded_up():
    """Tours 08:00–15:00 (1 exception hour) and 20:00 → NEXT 04:00, 8-h plan: the second tour's
    day (12:00 → NEXT 12:00) holds 3/7 of the first tour's 6 counted hours, 154 2/7 min, and
    480 min of its own: 635 min rounded up; the first day (00:00–12:00) 4 · 6/7 h = 205 5/7
    min: 206."""
    raw = instance([member("S", hour_plan=8, tours=[
        tour(at("08:00"), at("15:00"), exception_hours=1), tour(at("20:00"), at("04:00", NEXT))])],
        [event("EV1", shift("S1", at("04:00", NEXT), at("09:00", NEXT), position("P1")))])
    days = work_days(InstanceArrays.build(parse_instance(raw)))
    loads = dict(zip(days.start.tolist(), days.on_duty.tolist(), strict=True))
    assert loads[minute("12:00")] == 635
    assert loads[minute("00:00")] == 206
    assert days.room(960)[days.start == minute("12:00")].tolist() == [325]


def _ints(*values: int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def test_a_row_is_written_only_where_disjoint_details_can_exceed_the_room():
    """Room 8 h. Group 0: three details that overlap one another (8, 8 and 6 h; two are one
    shift's positions) never give more than 8 h at once: no row. Group 1: two disjoint 5-h
    details exceed 8 h: a row. Group 2: 4 h + 4 h touching fit exactly: no row. Group 3 (room
    6.5 h): 3-h details at 0, 2 and 4 h cover 7 h, but at most two of them are disjoint (6 h):
    no row; with a room of 5.5 h, a row."""
    h = 60
    group = _ints(0, 0, 0, 1, 1, 2, 2, 3, 3, 3)
    start = _ints(0, 0, 2 * h, 0, 6 * h, 0, 4 * h, 0, 2 * h, 4 * h)
    end = _ints(8 * h, 8 * h, 8 * h, 5 * h, 11 * h, 4 * h, 8 * h, 3 * h, 5 * h, 7 * h)
    room = _ints(*[8 * h] * 7, *[13 * h // 2] * 3)
    assert [sorted(r.tolist()) for r in binding_groups(group, start, end, room)] == [[3, 4]]
    room[7:] = 11 * h // 2
    assert [sorted(r.tolist()) for r in binding_groups(group, start, end, room)] == [
        [3, 4], [7, 8, 9]]


def _heaviest_by_brute_force(spans: list[tuple[int, int]]) -> int:
    """Every subset of the spans: the heaviest whose members do not overlap one another."""
    best = 0
    for mask in range(1 << len(spans)):
        chosen = sorted(spans[k] for k in range(len(spans)) if mask >> k & 1)
        if all(a[1] <= b[0] for a, b in pairwise(chosen)):
            best = max(best, sum(e - s for s, e in chosen))
    return best


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 15)), max_size=11),
       st.integers(0, 40))
def test_heaviest_disjoint_and_binding_rows_match_brute_force(
        pieces: list[tuple[int, int, int]], room: int) -> None:
    """The vectorized weighted interval scheduling (every group at once, by rounds) gives each
    group's heaviest disjoint set, duplicates and touching intervals included; a group binds
    exactly when that exceeds its room, and its row lists its pieces by start."""
    group = np.asarray([p[0] for p in pieces], dtype=np.int64)
    start = np.asarray([p[1] for p in pieces], dtype=np.int64)
    end = start + np.asarray([p[2] for p in pieces], dtype=np.int64)
    by_group = {g: [(int(s), int(e)) for gg, s, e in zip(group, start, end, strict=True) if gg == g]
                for g in range(4)}
    heaviest = heaviest_disjoint(group, start, end)
    enough = np.full(len(heaviest), room, dtype=np.int64)
    early_stop = heaviest_disjoint(group, start, end, enough)
    for g, (value, early) in enumerate(zip(heaviest.tolist(), early_stop.tolist(), strict=True)):
        assert value == _heaviest_by_brute_force(by_group[g])
        assert early == value if value <= room else room < early <= value  # stopped once above
    rooms = np.full(len(group), room, dtype=np.int64)
    idx, starts = binding_rows(group, start, end, rooms)
    rows = [idx[a:b].tolist() for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)]
    expected = [sorted(np.flatnonzero(group == g).tolist(), key=lambda i: (int(start[i]), i))
                for g in range(4) if _heaviest_by_brute_force(by_group[g]) > room]
    assert rows == expected
    assert [r.tolist() for r in binding_groups(group, start, end, rooms)] == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 900), st.lists(st.integers(1, 600), max_size=8)), max_size=6))
def test_conflict_cliques_are_exactly_the_pairs_that_cannot_both_fit(
        rows: list[tuple[int, list[int]]]) -> None:
    """Every clique's pieces pairwise exceed their row's room together (valid: no roster that
    keeps the row breaks it), and every such pair of pieces shares a clique (complete)."""
    minutes = np.asarray([a for _, items in rows for a in items], dtype=np.int64)
    starts = np.r_[0, np.cumsum([len(items) for _, items in rows])].astype(np.int64)
    room = np.asarray([r for r, _ in rows], dtype=np.int64)
    positions, offsets = conflict_cliques(starts, minutes, room)
    row_of = np.repeat(np.arange(len(rows)), np.diff(starts))
    covered = set()
    for a, b in pairwise(offsets.tolist()):
        clique = positions[a:b].tolist()
        assert len(clique) >= 2 and len(set(clique)) == len(clique)
        assert len({int(row_of[i]) for i in clique}) == 1
        for i in clique:
            for j in clique:
                if i < j:
                    assert minutes[i] + minutes[j] > room[row_of[i]]
                    covered.add((i, j))
    for k in range(len(rows)):
        members = range(int(starts[k]), int(starts[k + 1]))
        for i in members:
            for j in members:
                if i < j and minutes[i] + minutes[j] > room[k]:
                    assert (i, j) in covered
