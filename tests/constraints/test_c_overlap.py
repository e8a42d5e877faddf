"""C-OVERLAP: a member works at most one detail at a time (§III.N.1); touching details do not
overlap, and a member holds at most one position of a shift."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offduty.constraints.c_overlap import member_cliques
from tests.constraints.conftest import (
    at,
    employer,
    event,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    unfilled,
)


def _two_details(second_start: str, second_end: str):
    """Only member S; P1 on EV1 10:00–14:00 (priority 1) and P2 on another event EV2 of another
    employer at [second_start, second_end) (priority 3)."""
    return instance(
        [senior()],
        [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1", priority=1))),
         event("EV2", shift("S2", second_start, second_end, position("P2", priority=3)),
               employer="E2")],
        employers=[employer("E1"), employer("E2")],
    )


@pytest.mark.parametrize(("start", "end"), [
    (at("12:00"), at("16:00")),
    (at("08:00"), at("10:30")),
    (at("11:00"), at("12:00")),
    (at("09:00"), at("15:00")),
], ids=["overlaps-end", "overlaps-start", "inside", "contains"])
def test_member_takes_only_one_of_two_overlapping_details(start, end):
    """Taking both would fill one more slot; S takes only the higher-priority P2, and P1 stays
    unfilled with S still counted eligible (the clash is the model's, not eligibility's)."""
    res = solved(_two_details(start, end))
    assert pairs(res) == {("S", "P2")}
    gap = unfilled(res)["P1"]
    assert (gap.eligible, gap.reasons) == (1, {})


@pytest.mark.parametrize(("start", "end"), [
    (at("14:00"), at("18:00")),
    (at("06:00"), at("10:00")),
], ids=["after", "before"])
def test_control_touching_details_both_taken(start, end):
    """Control: details touching end-to-start do not overlap: S takes both."""
    assert pairs(solved(_two_details(start, end))) == {("S", "P1"), ("S", "P2")}


def test_one_position_per_shift():
    """A shift with two positions: the one member holds only one of them (the priority-2 one)."""
    raw = instance([senior()], [event("EV1", shift("S1", at("10:00"), at("14:00"),
                                                   position("P1", priority=1),
                                                   position("P2", priority=2)))])
    assert pairs(solved(raw)) == {("S", "P2")}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 15)), min_size=1,
                max_size=25))
def test_member_cliques_cover_exactly_the_clashing_pairs(intervals):
    """Two intervals of a member share a clique exactly when they overlap; no clique is
    contained in another of the same member (each is maximal)."""
    intervals = sorted((m, s, s + d) for m, s, d in intervals)
    member = np.asarray([m for m, _, _ in intervals], dtype=np.int64)
    start = np.asarray([s for _, s, _ in intervals], dtype=np.int64)
    end = np.asarray([e for _, _, e in intervals], dtype=np.int64)
    interval, clique = member_cliques(member, start, end)
    cliques: dict[int, set[int]] = {}
    for i, k in zip(interval.tolist(), clique.tolist(), strict=True):
        cliques.setdefault(k, set()).add(i)
    for members in cliques.values():
        assert len({int(member[i]) for i in members}) == 1
    n = len(intervals)
    for i in range(n):
        for j in range(i + 1, n):
            clash = member[i] == member[j] and start[i] < end[j] and start[j] < end[i]
            shared = any(i in c and j in c for c in cliques.values())
            assert shared == clash, (intervals[i], intervals[j])
    sets = list(cliques.values())
    assert not any(a < b for a in sets for b in sets)
