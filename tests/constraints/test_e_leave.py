"""E-LEAVE: the shift overlaps a leave of any kind but `fmla_family` (§V.A); a `sick` leave for a
medical appointment is leave too."""

import pytest

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    leave,
)

BARRED = ["fmla_self", "funeral", "injury", "sick", "military", "unpaid", "limited_duty",
          "leave_pool", "suspension"]


@pytest.mark.parametrize("kind", BARRED)
def test_senior_on_leave_is_passed_over(kind):
    """The senior member's leave covers part of the shift (12:00–20:00 vs 10:00–14:00): the
    junior member gets the slot; reason E-LEAVE (first in order, before E-SICK-24H)."""
    assert_senior_excluded("E-LEAVE", senior_fields={"leaves": [leave(kind, at("12:00"), at("20:00"))]})


def test_medical_appointment_is_leave_itself():
    """A sick leave for a medical appointment still bars details overlapping the appointment."""
    appointment = leave("sick", at("13:00"), at("13:30"), medical_appointment=True)
    assert_senior_excluded("E-LEAVE", senior_fields={"leaves": [appointment]})


def test_control_fmla_family_does_not_bar():
    """Control: FMLA for a family member over the whole shift does not bar (only duty hours do,
    which is E-ON-DUTY's business)."""
    assert_senior_chosen(senior_fields={"leaves": [leave("fmla_family", at("00:00"), at("23:00"))]})


@pytest.mark.parametrize(("start", "end"), [
    (at("06:00"), at("10:00")),
    (at("14:00"), at("18:00")),
], ids=["ends-at-shift-start", "starts-at-shift-end"])
def test_control_touching_leave_does_not_overlap(start, end):
    """Control: an injury leave touching the shift end-to-start shares no time with it."""
    assert_senior_chosen(senior_fields={"leaves": [leave("injury", start, end)]})
