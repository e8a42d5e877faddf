"""Work days (§II.H) and ISO weeks as arrays, and which days each candidate detail touches.

A tour's work day starts `lead` hours before the tour (8/7/6 h for the 8/10/11-hour plan) and
lasts 24 hours, cut short where the next tour's day starts. Between tours, 24-hour days continue
from the end of the previous one (the last cut at the next tour's day); before the first tour
they run backwards from it; after the last they run on. A member with no tours has local
calendar days. Days tile time, so the days a detail touches are a contiguous run found by one
`searchsorted` per pair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from offduty.constraints.intervals import KEY_STRIDE, expand_ranges
from offduty.models.arrays import MINUTES_PER_DAY, InstanceArrays, IntArray, to_minutes


@dataclass(frozen=True, eq=False)
class Days:
    """Per-member tilings of time into days, sorted by (member, start)."""

    member: IntArray
    start: IntArray
    end: IntArray
    on_duty: IntArray  # minutes of on-duty load (tours less exception time) counted in the day

    def touched(self, pair_member: IntArray, pair_start: IntArray,
                pair_end: IntArray) -> tuple[IntArray, IntArray]:
        """(pair index, day index) for every day each pair's interval overlaps."""
        keys = self.member * KEY_STRIDE + self.start
        first = np.searchsorted(keys, pair_member * KEY_STRIDE + pair_start, side="right") - 1
        last = np.searchsorted(keys, pair_member * KEY_STRIDE + pair_end - 1, side="right") - 1
        return expand_ranges(first, last + 1)


def horizon(arrays: InstanceArrays) -> tuple[int, int]:
    """The span of time any detail can touch."""
    if arrays.n_shifts == 0:
        return 0, 0
    return int(arrays.shift_start.min()), int(arrays.shift_end.max())


def local_midnights(arrays: InstanceArrays, lo: int, hi: int, step_days: int = 1,
                    weekday: int | None = None) -> list[int]:
    """Local midnights (minutes) from before `lo` to after `hi`; on one weekday if given."""
    tz = arrays.tz
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    day = (epoch + dt.timedelta(minutes=lo)).astimezone(tz).date() - dt.timedelta(days=1)
    if weekday is not None:
        day -= dt.timedelta(days=(day.weekday() - weekday) % 7)
    out = []
    while True:
        minute = to_minutes(dt.datetime.combine(day, dt.time(), tzinfo=tz))
        out.append(minute)
        if minute > hi:
            return out
        day += dt.timedelta(days=step_days)


@lru_cache(maxsize=8)
def work_days(arrays: InstanceArrays) -> Days:
    lo, hi = horizon(arrays)
    calendar = np.asarray(local_midnights(arrays, lo, hi), dtype=np.int64)
    t_member, t_start, t_end = arrays.tour_member, arrays.tour_start, arrays.tour_end
    t_load = np.maximum(t_end - t_start - arrays.tour_exception, 0)
    bounds_of = np.searchsorted(t_member, np.arange(arrays.n_members + 1))
    members, starts, ends, loads = [], [], [], []
    for m in range(arrays.n_members):
        a, b = int(bounds_of[m]), int(bounds_of[m + 1])
        if a == b:
            bounds = calendar
        else:
            bounds = _tour_day_bounds(t_start[a:b] - arrays.member_lead_minutes[m], lo, hi)
        d_start, d_end = bounds[:-1], bounds[1:]
        overlap = (t_start[a:b][None, :] < d_end[:, None]) & (t_end[a:b][None, :] > d_start[:, None])
        members.append(np.full(len(d_start), m, dtype=np.int64))
        starts.append(d_start)
        ends.append(d_end)
        loads.append(overlap.astype(np.int64) @ t_load[a:b])
    if not members:
        empty = np.zeros(0, dtype=np.int64)
        return Days(empty, empty, empty, empty)
    return Days(np.concatenate(members), np.concatenate(starts), np.concatenate(ends),
                np.concatenate(loads))


def _tour_day_bounds(day_starts: IntArray, lo: int, hi: int) -> IntArray:
    """Boundaries of a member's days from before `lo` to after `hi`, given each tour's day start."""
    first = int(day_starts[0])
    out: list[int] = []
    back = max(0, -(-(first - lo) // MINUTES_PER_DAY))  # whole days needed to reach back to lo
    out.extend(first - k * MINUTES_PER_DAY for k in range(back, 0, -1))
    nexts = [*day_starts[1:].tolist(), None]
    for d, nxt in zip(day_starts.tolist(), nexts, strict=True):
        t = d
        while (nxt is None and t <= hi) or (nxt is not None and t < nxt):
            out.append(t)
            t += MINUTES_PER_DAY
        if nxt is None:
            out.append(t)
    return np.asarray(out, dtype=np.int64)


@lru_cache(maxsize=8)
def iso_weeks(arrays: InstanceArrays) -> IntArray:
    """Local Monday midnights covering the horizon."""
    lo, hi = horizon(arrays)
    return np.asarray(local_midnights(arrays, lo, hi, step_days=7, weekday=0), dtype=np.int64)
