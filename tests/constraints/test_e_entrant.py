"""E-ENTRANT: entrant officers work no secondary employment (§IV.C.6)."""

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


def test_entrant_senior_is_passed_over():
    """The senior member is an entrant: the junior one gets the slot, and with two slots the
    second stays empty with reason E-ENTRANT."""
    assert_senior_excluded("E-ENTRANT", senior_fields={"status": "entrant"})


def test_entrant_bars_non_law_enforcement_details_too():
    """Unlike probation, the entrant bar does not depend on the detail being law enforcement."""
    assert_senior_excluded("E-ENTRANT", senior_fields={"status": "entrant"},
                           event_fields={"law_enforcement": False})


def test_control_active_senior_is_chosen():
    """Control: the same senior member with status active gets the slot."""
    assert_senior_chosen(senior_fields={"status": "active"})
