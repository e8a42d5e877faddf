"""Re-solve (tier 3): an instance with a current roster (unlocked `assignments`) keeps as many of
those assignments as the higher tiers allow (`metrics["changes"]` minimal)."""

import itertools

import pytest

from tests.constraints.conftest import (
    at,
    event,
    instance,
    leave,
    member,
    pairs,
    position,
    shift,
    solved,
)

#: Four members of equal seniority: coverage and seniority cannot tell them apart.
EQUALS = ["M1", "M2", "M3", "M4"]


def _roster(previous: list[tuple[str, str]], leaves: dict[str, list] | None = None):
    """Positions P1 and P2 of one shift 10:00–14:00, four equally senior free members, and the
    current roster `previous` (unlocked)."""
    leaves = leaves or {}
    return instance(
        [member(m, "2005-05-05", leaves=leaves.get(m, [])) for m in EQUALS],
        [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1"), position("P2")))],
        assignments=[{"member": m, "position": p} for m, p in previous],
    )


@pytest.mark.parametrize("holders", list(itertools.permutations(EQUALS, 2))[::3])
def test_current_roster_is_kept(holders):
    """Whatever pair of members the roster names, the solution is exactly that roster: nothing
    in tiers 1–2 prefers another, and tier 3 keeps it (0 changes)."""
    previous = [(holders[0], "P1"), (holders[1], "P2")]
    res = solved(_roster(previous))
    assert pairs(res) == set(previous)
    assert res.metrics["changes"] == 0


def test_only_the_forced_change_is_made():
    """M4, who held P2, is now on leave: P2 must change hands, P1 stays with M3 (1 change)."""
    previous = [("M3", "P1"), ("M4", "P2")]
    res = solved(_roster(previous, {"M4": [leave("injury", at("08:00"), at("20:00"))]}))
    assert ("M3", "P1") in pairs(res)
    assert len(res.pairs()) == 2
    assert res.metrics["changes"] == 1
