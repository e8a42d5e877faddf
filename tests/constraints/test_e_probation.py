"""E-PROBATION: probationary members work no law-enforcement detail (§IV.A.6)."""

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


def test_probationary_senior_is_passed_over_on_law_enforcement_detail():
    """The senior member is probationary and the detail is law enforcement (the default): the
    junior member gets it; two slots leave one empty with reason E-PROBATION."""
    assert_senior_excluded("E-PROBATION", senior_fields={"status": "probationary"})


def test_control_probationary_senior_may_work_non_law_enforcement_detail():
    """Control: the same probationary member takes a detail that is not law enforcement."""
    assert_senior_chosen(senior_fields={"status": "probationary"},
                         event_fields={"law_enforcement": False})
