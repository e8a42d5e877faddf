"""E-PRIVILEGES: members with suspended or revoked privileges work none (§III.S)."""

import pytest

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


@pytest.mark.parametrize("privileges", ["suspended", "revoked"])
def test_senior_without_privileges_is_passed_over(privileges):
    """The senior member's privileges are suspended or revoked: the junior member gets it."""
    assert_senior_excluded("E-PRIVILEGES", senior_fields={"privileges": privileges})


def test_control_active_privileges():
    """Control: with active privileges the senior member gets the slot."""
    assert_senior_chosen(senior_fields={"privileges": "active"})
