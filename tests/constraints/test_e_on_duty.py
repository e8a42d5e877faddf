"""E-ON-DUTY: the shift overlaps one of the member's on-duty tours (§III.N.1, §V.B)."""

import pytest

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    leave,
    tour,
)


@pytest.mark.parametrize(("start", "end"), [
    (at("06:00"), at("11:00")),
    (at("13:00"), at("20:00")),
    (at("11:00"), at("12:00")),
], ids=["covers-start", "covers-end", "inside"])
def test_senior_on_duty_is_passed_over(start, end):
    """The senior member's tour overlaps the 10:00–14:00 shift: the junior member gets it."""
    assert_senior_excluded("E-ON-DUTY", senior_fields={"hour_plan": 8, "tours": [tour(start, end)]})


def test_fmla_family_member_is_still_barred_during_duty_hours():
    """FMLA for a family member does not bar details, but designated duty hours (a tour) do."""
    fields = {"hour_plan": 8, "tours": [tour(at("12:00"), at("16:00"))],
              "leaves": [leave("fmla_family", at("00:00"), at("23:00"))]}
    assert_senior_excluded("E-ON-DUTY", senior_fields=fields)


@pytest.mark.parametrize(("start", "end"), [
    (at("02:00"), at("10:00")),
    (at("14:00"), at("20:00")),
], ids=["tour-ends-at-shift-start", "tour-starts-at-shift-end"])
def test_control_touching_tour(start, end):
    """Control: a tour touching the shift end-to-start does not overlap it (and the work day stays
    within 16 h): the senior member gets the slot."""
    assert_senior_chosen(senior_fields={"hour_plan": 8, "tours": [tour(start, end)]})
