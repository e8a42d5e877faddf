"""E-SICK-24H: a sick leave that is not a medical appointment bars [s, s + 24 h), s = the start of
the earliest tour overlapping the leave (the 10-41 time), else the leave's start (§V.A.4.b)."""

from tests.constraints.conftest import (
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    leave,
    tour,
)

NEXT_DAY = "2026-09-14"


def test_day_after_sick_leave_is_barred():
    """Sick leave 06:00–09:00 on DAY, no tours: the bar runs to 06:00 next day; a shift the next
    day 05:00–09:00 (after the leave itself) is barred for the senior member."""
    sick = leave("sick", at("06:00"), at("09:00"))
    assert_senior_excluded("E-SICK-24H", senior_fields={"leaves": [sick]},
                           start=at("05:00", NEXT_DAY), end=at("09:00", NEXT_DAY))


def test_control_bar_ends_24h_after_leave_start():
    """Control: the same leave, a shift next day from 06:00 (touching the bar's end): allowed."""
    sick = leave("sick", at("06:00"), at("09:00"))
    assert_senior_chosen(senior_fields={"leaves": [sick]},
                         start=at("06:00", NEXT_DAY), end=at("10:00", NEXT_DAY))


def test_control_medical_appointment_has_no_24h_bar():
    """Control: a medical-appointment sick leave bars only itself, not the next 24 hours."""
    sick = leave("sick", at("06:00"), at("09:00"), medical_appointment=True)
    assert_senior_chosen(senior_fields={"leaves": [sick]},
                         start=at("05:00", NEXT_DAY), end=at("09:00", NEXT_DAY))


def _tour_and_sick():
    """A 10-hour-plan member on tour 08:00–18:00 who went sick at 10:00 (leave 10:00–18:00): the
    10-41 time is the tour's start, 08:00, so the bar is [08:00, next day 08:00)."""
    return {"hour_plan": 10, "tours": [tour(at("08:00"), at("18:00"))],
            "leaves": [leave("sick", at("10:00"), at("18:00"))]}


def test_bar_runs_from_the_tour_start():
    """A detail next day 07:00–09:00 overlaps the bar [08:00, 08:00) from the tour start."""
    assert_senior_excluded("E-SICK-24H", senior_fields=_tour_and_sick(),
                           start=at("07:00", NEXT_DAY), end=at("09:00", NEXT_DAY))


def test_evening_after_sick_tour_is_barred():
    """A detail the same evening 20:00–23:00, after both the leave and the tour, is barred."""
    assert_senior_excluded("E-SICK-24H", senior_fields=_tour_and_sick(),
                           start=at("20:00"), end=at("23:00"))


def test_control_bar_does_not_run_from_the_leave_start():
    """Control: a detail next day 08:00–10:00 is after the bar counted from the tour start
    (08:00), though inside 24 h of the leave's own start (10:00): the senior member gets it."""
    assert_senior_chosen(senior_fields=_tour_and_sick(),
                         start=at("08:00", NEXT_DAY), end=at("10:00", NEXT_DAY))


def test_member_who_called_in_before_the_tour_is_barred_from_the_tour_start():
    """Sick leave from 06:00, tour 08:00–18:00: the 10-41 time is the tour start, 08:00, so a
    detail next day 06:00–08:00 is barred (counting from the leave start, 06:00, it would not be)."""
    fields = {"hour_plan": 10, "tours": [tour(at("08:00"), at("18:00"))],
              "leaves": [leave("sick", at("06:00"), at("18:00"))]}
    assert_senior_excluded("E-SICK-24H", senior_fields=fields,
                           start=at("06:00", NEXT_DAY), end=at("08:00", NEXT_DAY))
    assert_senior_chosen(senior_fields=fields, start=at("08:00", NEXT_DAY), end=at("10:00", NEXT_DAY))
