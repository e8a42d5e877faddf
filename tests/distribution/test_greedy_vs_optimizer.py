"""Where the greedy list's order leaves a slot empty that the optimizer fills."""

from __future__ import annotations

import pytest

from offduty.models import Instance
from offduty.solver.greedy import solve_greedy
from offduty.solver.params import SolveParams
from tests.distribution.helpers import chosen, instance, member, position, run, shift


def k9_instance() -> Instance:
    """Two overlapping shifts. S (senior, K-9 handler) can work either; J only the early one.

    The list walks the earlier shift first and gives its slot to S, the best-ranked candidate;
    the K-9 slot of the later shift then has nobody left. The optimizer gives the early slot to
    J and the K-9 slot to S: both filled.
    """
    return instance(
        [member("S", "2000-01-01", certifications=["k9"], hours_ytd=0, last_worked=None),
         member("J", "2015-01-01", hours_ytd=50, last_worked="2026-09-10T12:00:00-05:00")],
        [shift("EARLY", "08:00", "14:00"),
         shift("LATE", "12:00", "18:00", [position("LATE-K9", certifications=["k9"])])],
        [{"member": "S", "shift": "EARLY", "at": "2026-09-01T08:00:00-05:00"},
         {"member": "J", "shift": "EARLY", "at": "2026-09-01T09:00:00-05:00"}],
    )


@pytest.mark.parametrize("name", ["seniority", "first_come", "hours", "rotation", "balanced"])
def test_greedy_leaves_a_slot_the_optimizer_fills(name: str) -> None:
    inst = k9_instance()
    greedy = solve_greedy(inst, SolveParams(strategy=name))
    assert [(a.member, a.position) for a in greedy.assignments] == [("S", "EARLY-P")]
    assert [u.position for u in greedy.unfilled] == ["LATE-K9"]
    assert greedy.metrics["filled"] == 1

    optimal = run(inst, name)
    assert optimal.status == "optimal"
    assert sorted((a.member, a.position) for a in optimal.assignments) == [
        ("J", "EARLY-P"), ("S", "LATE-K9")]
    assert optimal.unfilled == []
    assert optimal.metrics["filled"] == optimal.metrics["required"] == 2
    assert chosen(optimal) == {"S", "J"}
