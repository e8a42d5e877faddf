"""E-CITY-LIMITS: law-enforcement details only inside the city limits (§IV.A.11)."""

from tests.constraints.conftest import assert_everyone_excluded, assert_senior_chosen


def test_law_enforcement_detail_outside_city_limits_bars_everyone():
    """A law-enforcement detail outside the city limits: nobody is assigned (E-CITY-LIMITS)."""
    assert_everyone_excluded("E-CITY-LIMITS", event_fields={"in_city_limits": False})


def test_control_non_law_enforcement_detail_outside_city_limits():
    """Control: outside the city limits, a detail that is not law enforcement is staffed."""
    assert_senior_chosen(event_fields={"in_city_limits": False, "law_enforcement": False})
