"""E-RESERVE-HOURS: reserve members who missed their required hours work none (§IV.B.2)."""

import pytest

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


def test_reserve_who_missed_hours_is_passed_over():
    """The senior member is a reserve officer without the required hours: the junior one gets it."""
    assert_senior_excluded("E-RESERVE-HOURS",
                           senior_fields={"kind": "reserve", "reserve_hours_met": False})


@pytest.mark.parametrize("fields", [
    {"kind": "reserve", "reserve_hours_met": True},
    {"kind": "sworn", "reserve_hours_met": False},
], ids=["reserve-hours-met", "sworn-flag-irrelevant"])
def test_control_rule_does_not_apply(fields):
    """Controls: a reserve member who met the hours, and a sworn member (the flag concerns
    reserves only), both get the slot."""
    assert_senior_chosen(senior_fields=fields)
