"""E-CLOSEOUT: members with open close-outs may not take pool details (§III.H)."""

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


def test_member_with_open_closeout_is_passed_over_on_pool_detail():
    """The senior member has an open close-out and the detail is a pool detail (the default)."""
    assert_senior_excluded("E-CLOSEOUT", senior_fields={"open_closeouts": 1})


def test_control_non_pool_detail():
    """Control: the same member takes a detail that is not a pool detail."""
    assert_senior_chosen(senior_fields={"open_closeouts": 1}, event_fields={"pool": False})


def test_control_no_open_closeouts():
    """Control: without open close-outs the member takes the pool detail."""
    assert_senior_chosen(senior_fields={"open_closeouts": 0})
