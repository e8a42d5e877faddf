"""C-POSITION-COUNT: a position gets at most `count` members, each member at most once."""

from tests.constraints.conftest import member, one_slot, pairs, solved, unfilled

THREE = [member("A", "1990-01-01"), member("B", "2000-01-01"), member("C", "2010-01-01")]


def test_position_takes_no_more_than_its_count():
    """Three free members, a position of count 2: the coverage objective would gain from a third
    assignment, yet only the two most senior members are assigned."""
    res = solved(one_slot(THREE, count=2))
    assert pairs(res) == {("A", "P1"), ("B", "P1")}
    assert res.unfilled == []


def test_count_zero_takes_nobody():
    """A position of count 0 takes nobody."""
    assert pairs(solved(one_slot(THREE, count=0))) == set()


def test_member_holds_a_position_once():
    """One member, a position of count 2: the member fills one slot only; the other is missing
    with the member counted as eligible (no exclusion reason)."""
    res = solved(one_slot([member("A")], count=2))
    assert res.pairs() == [("A", "P1")]
    gap = unfilled(res)["P1"]
    assert (gap.missing, gap.eligible, gap.reasons) == (1, 1, {})


def test_control_count_three_takes_all():
    """Control: with count 3 all three members are assigned."""
    assert pairs(solved(one_slot(THREE, count=3))) == {("A", "P1"), ("B", "P1"), ("C", "P1")}
