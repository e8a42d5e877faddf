"""Work days (§II.H) and local ISO weeks as arrays, and the part of any interval inside each.

A tour's work day starts `lead` hours before the tour (8/7/6 h for the 8/10/11-hour plan) and
lasts 24 hours, cut short where the next tour's day starts. Between tours, 24-hour days continue
from the end of the previous one (the last cut at the next tour's day); before the first tour
they run backwards from it; after the last they run on. A member with no tours has local
calendar days. ISO weeks run from local Monday midnight to the next.

A work day holds the hours that fall *inside* it (§IV.A.12 caps the hours within a work day): the
part of each detail inside it, and the part of each tour inside it less the tour's
`exception_hours` pro rata. That share can be a fraction of a minute; `Days.on_duty` keeps it
exact by rounding the day's whole on-duty load up to a minute. Secondary minutes and the cap are
whole minutes, so `on_duty_exact + secondary <= cap` holds exactly when
`ceil(on_duty_exact) + secondary <= cap`: the room of a day, `cap - on_duty`, is exact.

Only the days and weeks that matter are tiled: those overlapping the instance's details (with a
day of margin on each side), never the calendar between far-apart details or back to a
far-away tour. So an instance without events has no days, and a detail dated decades off by a
typo adds the days around it, not the decades between.

`Days.pieces` and `Weeks.pieces` cut candidate intervals into (interval, day or week, minutes
inside) pieces: the model rows, their pruning, the greedy list and the fairness metrics all count
hours through them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from offduty.constraints.intervals import KEY_STRIDE, expand_ranges
from offduty.models.arrays import MINUTES_PER_DAY, InstanceArrays, IntArray, to_minutes

log = logging.getLogger(__name__)

#: Stands for "no limit" at either end of a run of days (far beyond any minute of this era).
_FAR = np.int64(1) << np.int64(40)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Pieces(NamedTuple):
    """Overlaps of query intervals with days (or weeks): `item` indexes the queried intervals,
    `period` the days (weeks), `minutes` is the length of the overlap (always > 0). Sorted by
    item, then by time."""

    item: IntArray
    period: IntArray
    minutes: IntArray


def _empty() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _pieces(owner: IntArray, start: IntArray, end: IntArray, q_owner: IntArray,
            q_start: IntArray, q_end: IntArray) -> Pieces:
    """Overlaps of each query [q_start, q_end) with the periods of its owner; the periods are
    disjoint per owner and sorted by (owner, start), possibly with gaps between them."""
    if len(start) == 0 or len(q_start) == 0:
        return Pieces(_empty(), _empty(), _empty())
    keys = owner * KEY_STRIDE + start
    first = np.searchsorted(keys, q_owner * KEY_STRIDE + q_start, side="right") - 1
    stop = np.searchsorted(keys, q_owner * KEY_STRIDE + q_end, side="left")  # start < q_end
    first = np.maximum(first, 0)
    item, period = expand_ranges(first, np.maximum(stop, first))
    minutes = np.minimum(q_end[item], end[period]) - np.maximum(q_start[item], start[period])
    keep = (owner[period] == q_owner[item]) & (minutes > 0)
    return Pieces(item[keep], period[keep], minutes[keep])


@dataclass(frozen=True, eq=False)
class Days:
    """The members' work days near the details, sorted by (member, start)."""

    member: IntArray
    start: IntArray
    end: IntArray
    #: On-duty load inside each day (tour minutes inside, less exception pro rata), rounded up
    #: to a whole minute (see the module docstring: this keeps the cap comparison exact).
    on_duty: IntArray

    def __len__(self) -> int:
        return len(self.start)

    def pieces(self, member: IntArray, start: IntArray, end: IntArray) -> Pieces:
        """Every (interval, day, minutes inside) piece of the members' intervals [start, end).
        Intervals of the instance's shifts lie wholly inside the tiled days; other intervals
        (tours) are cut to the days that exist."""
        return _pieces(self.member, self.start, self.end, np.asarray(member, dtype=np.int64),
                       np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64))

    def room(self, cap: int) -> IntArray:
        """Whole minutes of secondary work each day still admits under a cap of `cap` minutes:
        floor(cap - exact on-duty load), negative when the tours alone break the cap."""
        return cap - self.on_duty


@dataclass(frozen=True, eq=False)
class Weeks:
    """Local ISO weeks (Monday 00:00 to Monday 00:00) near the details, sorted by start."""

    start: IntArray
    end: IntArray

    def __len__(self) -> int:
        return len(self.start)

    def pieces(self, start: IntArray, end: IntArray) -> Pieces:
        """Every (interval, week, minutes inside) piece of the intervals [start, end)."""
        start = np.asarray(start, dtype=np.int64)
        return _pieces(np.zeros(len(self.start), dtype=np.int64), self.start, self.end,
                       np.zeros(len(start), dtype=np.int64), start,
                       np.asarray(end, dtype=np.int64))


# --- which cap rows can bind ---------------------------------------------------------------------


def binding_groups(group: IntArray, start: IntArray, end: IntArray, room: IntArray,
                   ) -> list[IntArray]:
    """The groups of pieces (a day's, or a member's week's) whose cap row can bind, each as the
    indices of its pieces, in group order (`binding_rows`, split into one array per group)."""
    idx, starts = binding_rows(group, start, end, room)
    return np.split(idx, starts[1:-1]) if len(starts) > 1 else []


def binding_rows(group: IntArray, start: IntArray, end: IntArray, room: IntArray,
                 ) -> tuple[IntArray, IntArray]:
    """The groups of pieces (a day's, or a member's week's) whose cap row can bind, flat: the
    indices of their pieces, grouped in group order and by start within a group, and the offset
    where each group's indices start (one more offset than groups, the last is the total).

    `start`/`end` are each piece's part inside its period, `room` its group's room in minutes.
    A member works one detail at a time (C-OVERLAP), so a row can bind only if pieces that do
    not overlap one another exceed the room: the union of the group's pieces settles most groups
    at once; the heaviest disjoint set (weighted interval scheduling, `heaviest_disjoint`)
    settles the rest exactly.
    """
    if len(group) == 0:
        return _empty(), np.zeros(1, dtype=np.int64)
    order = _by_group_then(group, start)
    g, s, e = group[order], start[order], end[order]
    opens = np.r_[True, g[1:] != g[:-1]]
    rank = np.cumsum(opens) - 1
    # the furthest end of the earlier pieces of the same group (a running max, groups kept
    # apart by an offset larger than any span of time here)
    span = int(e.max() - s.min()) + 1
    lifted = np.maximum.accumulate(e - s.min() + rank * span) - rank * span + s.min()
    reach = np.where(opens, s, np.r_[s[:1], lifted[:-1]])
    union = np.bincount(rank, weights=np.maximum(e - np.maximum(s, reach), 0))
    group_room = room[order][opens]
    candidate = (union > group_room)[rank]
    rank_c = rank[candidate]
    heaviest = heaviest_disjoint(rank_c, s[candidate], e[candidate], group_room)  # by rank
    binds = np.zeros(len(union), dtype=np.bool_)
    present = np.unique(rank_c)
    binds[present] = heaviest[present] > group_room[present]
    keep = binds[rank]
    size = np.bincount(rank[keep], minlength=len(union))[binds]
    return order[keep], np.r_[0, np.cumsum(size)].astype(np.int64)


def heaviest_disjoint(group: IntArray, start: IntArray, end: IntArray, enough: IntArray | None = None,
                      ) -> IntArray:
    """Per group (non-negative integers, indexing the result): the largest total length of its
    intervals [start, end) that do not overlap one another (0 for a group without intervals).
    With `enough` (per group), a group's search stops once some disjoint set of it weighs more
    than `enough[group]`: its value is then that set's weight (above `enough`, maybe not the
    largest), which is all a cap's "can this row bind" asks.

    Weighted interval scheduling for all groups at once, by rounds: after round k, `best[i]` is
    the heaviest set of at most k disjoint intervals whose first is interval i (its length plus
    the best among the intervals of its group starting at or after its end, a suffix maximum
    over the intervals sorted by start). Each round is a few vectorized passes over the
    intervals of the groups still open; the rounds stop when nothing improves (the longest chain
    of disjoint intervals of a group, a handful for a work day)."""
    n_groups = int(group.max()) + 1 if len(group) else 0
    out = np.zeros(n_groups, dtype=np.int64)
    if len(group) == 0:
        return out
    order = _by_group_then(group, start)
    g, s, e = group[order], start[order], end[order]
    length = e - s
    t0 = int(min(s.min(), e.min()))
    key_start = g * KEY_STRIDE + (s - t0)
    succ = np.searchsorted(key_start, g * KEY_STRIDE + (e - t0), side="left")  # starts at or after e
    cuts = np.r_[np.flatnonzero(g[1:] != g[:-1]) + 1, len(g)]
    has_succ = succ < np.repeat(cuts, np.diff(np.r_[0, cuts]))  # ... in the same group
    succ = np.where(has_succ, succ, 0)
    # a set of disjoint intervals weighs at most the whole span: offsets that keep groups apart
    # in a running maximum from the right (the later groups get the lower offsets)
    lift = (g.max() - g) * (int(max(e.max(), s.max())) - t0 + 1)
    best = np.maximum(length, 0)
    rounds = 0
    while len(g):
        rounds += 1
        suffix = np.maximum.accumulate((best + lift)[::-1])[::-1] - lift  # best from here on
        improved = np.maximum(length + np.where(has_succ, suffix[succ], 0), best)
        head = np.r_[True, g[1:] != g[:-1]]
        if np.array_equal(improved, best):
            out[g[head]] = suffix[head]
            break
        best = improved
        if enough is None:
            continue
        group_best = np.maximum.accumulate((best + lift)[::-1])[::-1][head] - lift[head]
        settled = group_best > enough[g[head]]
        if not settled.any():
            continue
        out[g[head][settled]] = group_best[settled]
        open_ = ~np.repeat(settled, np.diff(np.r_[np.flatnonzero(head), len(g)]))
        renumber = np.cumsum(open_) - 1
        g, length, best, lift = g[open_], length[open_], best[open_], lift[open_]
        has_succ = has_succ[open_]
        succ = np.where(has_succ, renumber[succ[open_]], 0)
    log.debug("heaviest_disjoint: %d intervals, %d rounds", len(group), rounds)
    return out


def _by_group_then(group: IntArray, value: IntArray) -> IntArray:
    """The stable order by (group, value): one key where it fits in 63 bits (fast when the
    input is nearly in that order already)."""
    span = int(value.max()) - int(value.min())
    if group.min() >= 0 and span < KEY_STRIDE and int(group.max()) < (1 << 26):
        return np.argsort(group * KEY_STRIDE + (value - value.min()), kind="stable")
    return np.lexsort((value, group))


# --- where to tile -------------------------------------------------------------------------------


def detail_windows(arrays: InstanceArrays) -> tuple[IntArray, IntArray]:
    """The time the instance's shifts cover, a day of margin on each side, as disjoint sorted
    windows [lo, hi): every day or week a detail can touch overlaps one of them."""
    if arrays.n_shifts == 0:
        return _empty(), _empty()
    order = np.argsort(arrays.shift_start, kind="stable")
    lo = arrays.shift_start[order] - MINUTES_PER_DAY
    hi = arrays.shift_end[order] + MINUTES_PER_DAY
    reach = np.maximum.accumulate(hi)
    opens = np.r_[True, lo[1:] > reach[:-1]]  # a window starts where no earlier one reaches
    cut = np.flatnonzero(opens)
    return lo[cut], np.r_[reach[cut[1:] - 1], reach[-1]]


def _local_date(minute: int, tz: dt.tzinfo) -> dt.date:
    return (_EPOCH + dt.timedelta(minutes=minute)).astimezone(tz).date()


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> int:
    return to_minutes(dt.datetime.combine(day, dt.time(), tzinfo=tz))


def _local_periods(arrays: InstanceArrays, step_days: int, weekday: int | None,
                   ) -> tuple[IntArray, IntArray]:
    """Local calendar days (or weeks from `weekday`) that overlap a detail window."""
    tz = arrays.tz
    starts: set[int] = set()
    for lo, hi in zip(*(w.tolist() for w in detail_windows(arrays)), strict=True):
        day = _local_date(lo, tz)
        if weekday is not None:
            day -= dt.timedelta(days=(day.weekday() - weekday) % 7)
        while (minute := _local_midnight(day, tz)) < hi:
            starts.add(minute)
            day += dt.timedelta(days=step_days)
    start = np.asarray(sorted(starts), dtype=np.int64)
    end = np.asarray([_local_midnight(_local_date(s, tz) + dt.timedelta(days=step_days), tz)
                      for s in start.tolist()], dtype=np.int64)
    return start, end


# --- work days -----------------------------------------------------------------------------------


def _tour_runs(arrays: InstanceArrays) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Each member's time cut into runs of 24-hour days: (member, anchor, lo, hi). A run holds
    the days anchor + k·24 h inside [lo, hi): one run per tour (from its day's opening to the
    next tour's), and one before each member's first tour (backwards from its day)."""
    member = arrays.tour_member
    opens = arrays.tour_start - arrays.member_lead_minutes[member]
    same_next = np.r_[member[1:] == member[:-1], False]
    run_hi = np.where(same_next, np.r_[opens[1:], 0], _FAR)
    first = np.flatnonzero(np.r_[True, member[1:] != member[:-1]])
    return (np.r_[member, member[first]], np.r_[opens, opens[first]],
            np.r_[opens, np.full(len(first), -_FAR)], np.r_[run_hi, opens[first]])


def _tour_days(arrays: InstanceArrays) -> tuple[IntArray, IntArray, IntArray]:
    """(member, start, end) of the days of members with tours that overlap a detail window."""
    w_lo, w_hi = detail_windows(arrays)
    if len(arrays.tour_member) == 0 or len(w_lo) == 0:
        return _empty(), _empty(), _empty()
    member, anchor, run_lo, run_hi = _tour_runs(arrays)
    # the windows each run meets form a contiguous range
    first = np.searchsorted(w_hi, run_lo, side="right")
    stop = np.searchsorted(w_lo, run_hi, side="left")
    run, window = expand_ranges(first, np.maximum(stop, first))
    lo = np.maximum(w_lo[window], run_lo[run])
    hi = np.minimum(w_hi[window], run_hi[run])
    a = anchor[run]
    k_lo = (lo - a) // MINUTES_PER_DAY  # the day holding lo
    k_hi = -((a - hi) // MINUTES_PER_DAY)  # ceil: days starting before hi
    which, k = expand_ranges(k_lo, np.maximum(k_hi, k_lo))
    run = run[which]
    start = anchor[run] + k * MINUTES_PER_DAY
    end = np.minimum(start + MINUTES_PER_DAY, run_hi[run])
    # a day meeting two windows was made twice
    _, unique = np.unique(member[run] * KEY_STRIDE + start, return_index=True)
    return member[run][unique], start[unique], end[unique]


def _on_duty(days: Days, arrays: InstanceArrays) -> IntArray:
    """The on-duty load inside each day, exact, rounded up to whole minutes: for each tour,
    (length - exception) · (minutes inside) / length."""
    a = arrays
    item, day, inside = days.pieces(a.tour_member, a.tour_start, a.tour_end)
    length = (a.tour_end - a.tour_start)[item]
    worked = np.maximum(length - a.tour_exception[item], 0)
    whole, part = np.divmod(worked * inside, length)
    load = np.zeros(len(days), dtype=np.int64)
    np.add.at(load, day, whole)
    # rare: a tour with exception time only partly inside the day leaves a fraction of a minute
    fractions: dict[int, Fraction] = defaultdict(Fraction)
    for i in np.flatnonzero(part).tolist():
        fractions[int(day[i])] += Fraction(int(part[i]), int(length[i]))
    for d, fraction in fractions.items():
        load[d] += math.ceil(fraction)
    return load


@lru_cache(maxsize=8)
def work_days(arrays: InstanceArrays) -> Days:
    """Every member's work days that overlap the details' windows, with their on-duty load."""
    t_member, t_start, t_end = _tour_days(arrays)
    tourless = np.setdiff1d(np.arange(arrays.n_members, dtype=np.int64), arrays.tour_member)
    c_start, c_end = _local_periods(arrays, step_days=1, weekday=None)
    member = np.r_[t_member, np.repeat(tourless, len(c_start))]
    start = np.r_[t_start, np.tile(c_start, len(tourless))]
    end = np.r_[t_end, np.tile(c_end, len(tourless))]
    order = np.lexsort((start, member))
    days = Days(member[order], start[order], end[order], np.zeros(len(order), dtype=np.int64))
    return Days(days.member, days.start, days.end, _on_duty(days, arrays))


@lru_cache(maxsize=8)
def iso_weeks(arrays: InstanceArrays) -> Weeks:
    """The local ISO weeks that overlap the details' windows."""
    return Weeks(*_local_periods(arrays, step_days=7, weekday=0))


def conflict_cliques(starts: IntArray, minutes: IntArray, room: IntArray) -> tuple[IntArray, IntArray]:
    """At-most-one cliques implied by cap rows: no two pieces of a row whose minutes together
    exceed its room can both be worked. Row k holds pieces `starts[k]:starts[k + 1]` (positions
    in `minutes`), with `room[k]` minutes. Returns (positions, offsets) as `binding_rows` does.

    Two pieces conflict when a_i + a_j > room. The "big" pieces (2·a > room) conflict pairwise:
    one clique. A small piece j conflicts with the big pieces longer than room − a_j, a prefix
    of the bigs by length: one clique each. Minimal covers of two pieces are exactly these
    cliques; they close about half of kc-week's integrality gap (LP 64,535 -> 64,670 of the
    optimum 64,821) where a row's LP takes fractions of two details that cannot both fit.
    """
    n_rows = len(starts) - 1
    row = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(starts))
    r_room = room[row]
    big = 2 * minutes > r_room
    # bigs sorted by (row, minutes): a row's bigs longer than a threshold are a suffix of its run
    stride = int(minutes.max(initial=0)) + 1
    b_pos = np.flatnonzero(big)
    b_pos = b_pos[np.argsort(row[b_pos] * stride + minutes[b_pos], kind="stable")]
    b_key = row[b_pos] * stride + minutes[b_pos]
    b_end = np.searchsorted(b_key, np.arange(1, n_rows + 1, dtype=np.int64) * stride)  # per row
    b_count = np.diff(np.r_[0, b_end])
    # the bigs' clique of each row with two or more
    rows2 = np.flatnonzero(b_count >= 2)
    # each small piece's clique: it and the bigs of its row longer than room - a_j
    small = np.flatnonzero(~big)
    first = np.searchsorted(b_key, row[small] * stride + np.maximum(r_room[small] - minutes[small], 0),
                            side="right")
    k = b_end[row[small]] - first
    small, first, k = small[k >= 1], first[k >= 1], k[k >= 1]
    lengths = np.r_[b_count[rows2], k + 1]
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    run_start = np.r_[b_end[rows2] - b_count[rows2], first]  # into b_pos
    within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    is_last = within == np.repeat(lengths - 1, lengths)
    is_small_cut = np.repeat(np.r_[np.zeros(len(rows2), dtype=np.bool_), np.ones(len(small), dtype=np.bool_)],
                             lengths)
    from_bigs = np.repeat(run_start, lengths) + within
    positions = np.where(is_small_cut & is_last, np.repeat(np.r_[np.zeros(len(rows2), dtype=np.int64), small],
                                                            lengths),
                         b_pos[np.minimum(from_bigs, len(b_pos) - 1)] if len(b_pos) else 0)
    return positions.astype(np.int64), offsets
