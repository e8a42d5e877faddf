"""E-BREAK-IN: lateral officers in their break-in period work no secondary employment (§IV.A.7)."""

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


def test_break_in_senior_is_passed_over():
    """The senior member is a lateral officer in the break-in period: the junior member gets it."""
    assert_senior_excluded("E-BREAK-IN", senior_fields={"status": "lateral_break_in"})


def test_break_in_bars_non_law_enforcement_details_too():
    """The break-in bar covers every secondary employment, law enforcement or not."""
    assert_senior_excluded("E-BREAK-IN", senior_fields={"status": "lateral_break_in"},
                           event_fields={"law_enforcement": False})


def test_control_active_senior_is_chosen():
    """Control: once active, the same member gets the slot."""
    assert_senior_chosen(senior_fields={"status": "active"})
