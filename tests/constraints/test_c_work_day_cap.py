"""C-WORK-DAY-CAP: on-duty hours (less `exception_hours`) plus secondary hours within each work day
≤ `work_day_cap_hours` (16), unless `cap_exception` (§IV.A.12, §II.H).

Work days: a tour's day opens `lead` hours before it (8-h plan 8 h, 10-h plan 7 h, 11-h plan 6 h)
and lasts 24 h, cut where the next tour's day opens; a member without tours has local calendar
days; a detail crossing a day boundary counts in full in each day it touches. Durations are real
elapsed time (a night when daylight time ends has a 25-hour clock).
"""

import pytest

from tests.constraints.conftest import (
    CST,
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    event,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    tour,
)

CAP = "C-WORK-DAY-CAP"
PREV, NEXT = "2026-09-12", "2026-09-14"


# --- the end of daylight time -------------------------------------------------------------------

DST_DETAIL_START = "2026-11-01T00:00:00-05:00"
DST_DETAIL_END_9H = "2026-11-01T08:00:00-06:00"  # 9 real hours, 8 by the wall clock
DST_DETAIL_END_8H = "2026-11-01T07:00:00-06:00"  # 8 real hours


def _evening_tour(**extra):
    """An 8-h-plan member on tour 2026-10-31 15:00–23:00 (8 h); the tour's work day opens at
    07:00 that morning and lasts 24 real hours, to 06:00 CST on 2026-11-01."""
    return {"hour_plan": 8, "tours": [tour("2026-10-31T15:00:00-05:00", "2026-10-31T23:00:00-05:00")],
            **extra}


def test_shift_across_end_of_daylight_time_counts_real_hours():
    """The detail 00:00 CDT → 08:00 CST lasts 9 h: with the 8-h tour that is 17 h > 16 in one
    work day (8 h by the wall clock would fit). J (no tours) gets it instead of S."""
    assert_senior_excluded(CAP, senior_fields=_evening_tour(),
                           start=DST_DETAIL_START, end=DST_DETAIL_END_9H)


def test_control_eight_real_hours_across_end_of_daylight_time_fit():
    """Control: ending at 07:00 CST the detail lasts 8 real hours: 16 h fits, S gets it."""
    assert_senior_chosen(senior_fields=_evening_tour(), start=DST_DETAIL_START, end=DST_DETAIL_END_8H)


def test_control_cap_exception_lifts_the_cap():
    """Control: with the Chief's exception (`cap_exception`) the 17-h day is allowed."""
    assert_senior_chosen(senior_fields=_evening_tour(cap_exception=True),
                         start=DST_DETAIL_START, end=DST_DETAIL_END_9H)


def test_tour_across_end_of_daylight_time_counts_real_hours():
    """A tour 00:00 CDT → 08:00 CST on 2026-11-01 lasts 9 h; with a 7.5-h detail 09:00–16:30 CST
    in the same work day (opened 8 h before the tour, 24 real hours long) that is 16.5 h > 16
    (the wall clock's 8 h would make 15.5 h)."""
    fields = {"hour_plan": 8, "tours": [tour(DST_DETAIL_START, DST_DETAIL_END_9H)]}
    assert_senior_excluded(CAP, senior_fields=fields, start=at("09:00", "2026-11-01", CST),
                           end=at("16:30", "2026-11-01", CST))


# --- a detail across a work-day boundary --------------------------------------------------------


def _two_tours(first_hours: int, second_hours: int):
    """An 8-h-plan member with tours DAY 09:00 and NEXT 09:00 of the given lengths: work days
    [DAY 01:00, NEXT 01:00) and [NEXT 01:00, ...)."""
    return {"hour_plan": 8, "tours": [tour(at("09:00"), at(f"{9 + first_hours}:00")),
                                      tour(at("09:00", NEXT), at(f"{9 + second_hours}:00", NEXT))]}


@pytest.mark.parametrize(("first", "second"), [(12, 8), (8, 12)])
def test_detail_across_midnight_counts_in_both_work_days(first, second):
    """The detail DAY 22:00 → NEXT 03:00 (5 h) crosses the 01:00 work-day boundary, so it counts
    in both days: with a 12-h tour on either side that day has 17 h > 16."""
    assert_senior_excluded(CAP, senior_fields=_two_tours(first, second),
                           start=at("22:00"), end=at("03:00", NEXT))


@pytest.mark.parametrize(("first", "second"), [(11, 8), (8, 11)])
def test_control_detail_across_midnight_fits_both_days(first, second):
    """Control: with an 11-h tour the fuller day has exactly 16 h: S gets the detail."""
    assert_senior_chosen(senior_fields=_two_tours(first, second),
                         start=at("22:00"), end=at("03:00", NEXT))


# --- lead hours by hour plan ---------------------------------------------------------------------


@pytest.mark.parametrize(("plan", "detail_end", "allowed"), [
    (8, "02:00", True), (10, "02:00", True), (11, "02:00", True),
    (8, "02:30", False), (10, "02:30", True), (11, "02:30", True),
    (8, "03:30", False), (10, "03:30", False), (11, "03:30", True),
    (8, "04:30", False), (10, "04:30", False), (11, "04:30", False),
])
def test_lead_hours_by_hour_plan(plan, detail_end, allowed):
    """A 10-h tour DAY 10:00–20:00 opens its work day at 02:00 (8-h plan), 03:00 (10-h plan) or
    04:00 (11-h plan). A 7-h detail the night before, ending at `detail_end`, belongs to the
    tour's day (10 + 7 = 17 h > 16) only when it ends after that opening."""
    end_hour, end_minute = detail_end.split(":")
    start = at(f"{int(end_hour) + 17}:{end_minute}", PREV)
    fields = {"hour_plan": plan, "tours": [tour(at("10:00"), at("20:00"))]}
    if allowed:
        assert_senior_chosen(senior_fields=fields, start=start, end=at(detail_end))
    else:
        assert_senior_excluded(CAP, senior_fields=fields, start=start, end=at(detail_end))


def test_policy_overrides_the_lead_hours():
    """With `work_day_lead_hours` {"10": 0} the 10-h plan's day opens at the tour start, 10:00:
    the 7-h detail 02:00–09:00 is in the previous day, which the default 7-h lead (03:00) would
    not allow."""
    fields = {"hour_plan": 10, "tours": [tour(at("10:00"), at("20:00"))]}
    assert_senior_excluded(CAP, senior_fields=fields, start=at("02:00"), end=at("09:00"))
    assert_senior_chosen(senior_fields=fields, start=at("02:00"), end=at("09:00"),
                         policy={"work_day_lead_hours": {"10": 0}})


# --- exception hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(("exception_hours", "allowed"), [(0, False), (0.5, False), (1, True), (3, True)])
def test_exception_hours_make_room(exception_hours, allowed):
    """A 10-h tour (8-h plan, day from 02:00) less `exception_hours`, plus the 7-h detail
    PREV 19:30 → DAY 02:30: fits exactly when at least 1 h is excepted."""
    fields = {"hour_plan": 8, "tours": [tour(at("10:00"), at("20:00"), exception_hours=exception_hours)]}
    kw = {"senior_fields": fields, "start": at("19:30", PREV), "end": at("02:30")}
    if allowed:
        assert_senior_chosen(**kw)
    else:
        assert_senior_excluded(CAP, **kw)


def test_cap_follows_the_policy_number():
    """With `work_day_cap_hours` 18 the 17-h day across the end of daylight time is allowed."""
    assert_senior_chosen(senior_fields=_evening_tour(), start=DST_DETAIL_START, end=DST_DETAIL_END_9H,
                         policy={"work_day_cap_hours": 18})


# --- two details together (the model constraint, not the per-pair prune) ------------------------


def _tour_and_two_details(**member_fields):
    """S on tour DAY 06:00–14:00 (8-h plan: work day PREV 22:00 → DAY 22:00) and two details
    after it: P1 14:00–18:00 (4 h, priority 1) and P2 18:00–22:30 (4.5 h, priority 2), which
    crosses into the next day and counts in full in both."""
    return instance(
        [senior(hour_plan=8, tours=[tour(at("06:00"), at("14:00"))], **member_fields)],
        [event("EV1", shift("S1", at("14:00"), at("18:00"), position("P1", priority=1)),
               shift("S2", at("18:00"), at("22:30"), position("P2", priority=2)))],
    )


def test_two_details_together_exceed_the_day():
    """Each detail fits alone, both make 8 + 4 + 4.5 = 16.5 h > 16: S takes only P2."""
    assert pairs(solved(_tour_and_two_details())) == {("S", "P2")}


def test_control_two_details_with_cap_exception():
    """Control: with `cap_exception` S takes both."""
    assert pairs(solved(_tour_and_two_details(cap_exception=True))) == {("S", "P1"), ("S", "P2")}


# --- members without tours: local calendar days -------------------------------------------------


def _calendar(first: tuple[str, str], second: tuple[str, str]):
    """S has no tours; P1 at `first` (priority 1) and P2 at `second` (priority 2)."""
    return instance([senior()],
                    [event("EV1", shift("S1", *first, position("P1", priority=1)),
                           shift("S2", *second, position("P2", priority=2)))])


def test_no_tours_calendar_day_is_capped():
    """DAY 00:00–08:00 (8 h) and DAY 14:00–23:00 (9 h) share a calendar day: 17 h > 16."""
    assert pairs(solved(_calendar((at("00:00"), at("08:00")), (at("14:00"), at("23:00"))))) == {
        ("S", "P2")}


def test_no_tours_calendar_day_across_end_of_daylight_time():
    """2026-11-01 has 25 hours: 00:00 CDT → 08:00 CST (9 h) and 15:00–23:00 CST (8 h) are in
    it together: 17 h > 16."""
    raw = _calendar((DST_DETAIL_START, DST_DETAIL_END_9H),
                    (at("15:00", "2026-11-01", CST), at("23:00", "2026-11-01", CST)))
    assert pairs(solved(raw)) == {("S", "P2")}


def test_control_no_tours_days_start_at_local_midnight():
    """Control: PREV 15:00–23:00 (8 h) and DAY 01:00–10:00 (9 h) are 17 h within 24 h but on two
    calendar days: S takes both."""
    raw = _calendar((at("15:00", PREV), at("23:00", PREV)), (at("01:00"), at("10:00")))
    assert pairs(solved(raw)) == {("S", "P1"), ("S", "P2")}


def test_no_tours_detail_across_midnight_counts_in_both_days():
    """PREV 20:00 → DAY 04:00 (8 h) crosses local midnight and counts in DAY too, with DAY
    10:00–19:00 (9 h): 17 h > 16."""
    raw = _calendar((at("20:00", PREV), at("04:00")), (at("10:00"), at("19:00")))
    assert pairs(solved(raw)) == {("S", "P2")}


def test_no_tours_single_detail_over_the_cap():
    """A 17-h detail within one calendar day breaks the cap on its own, for a member without
    tours too: nobody gets it, reason C-WORK-DAY-CAP for both members."""
    from tests.constraints.conftest import assert_everyone_excluded

    assert_everyone_excluded(CAP, start=at("06:00"), end=at("23:00"))


def test_tour_crossing_into_the_next_work_day_counts_there_too():
    """Tours 08:00–16:00 and 20:00–04:00 (8-h plan): the second tour's day opens at 12:00, so
    the first tour overlaps it and counts in full there too: 16 h already, and even a 1-h
    detail 16:00–17:00 between the tours is over the cap."""
    fields = {"hour_plan": 8, "tours": [tour(at("08:00"), at("16:00")),
                                        tour(at("20:00"), at("04:00", NEXT))]}
    assert_senior_excluded(CAP, senior_fields=fields, start=at("16:00"), end=at("17:00"))


def test_days_between_distant_tours_continue_every_24_hours():
    """Tours on DAY and four days later (8-h plan): between them 24-h days continue from DAY
    01:00, so 2026-09-15 01:00 is a day boundary. The 9-h detail NEXT 16:00 → 09-15 01:00 and
    the 8-h detail 09-15 01:00–09:00 fall in two days and S takes both (on calendar days they
    would share 2026-09-15: 17 h)."""
    third = "2026-09-15"
    raw = instance(
        [senior(hour_plan=8, tours=[tour(at("09:00"), at("17:00")),
                                    tour(at("09:00", "2026-09-17"), at("17:00", "2026-09-17"))])],
        [event("EV1", shift("S1", at("16:00", NEXT), at("01:00", third), position("P1")),
               shift("S2", at("01:00", third), at("09:00", third), position("P2")))],
    )
    assert pairs(solved(raw)) == {("S", "P1"), ("S", "P2")}


def test_control_days_between_distant_tours_are_capped():
    """Control: moving the second detail to start 1 h earlier (09-15 00:00–09:00, 9 h) puts both
    in the day NEXT 01:00 → 09-15 01:00: 18 h > 16, S takes one only."""
    third = "2026-09-15"
    raw = instance(
        [senior(hour_plan=8, tours=[tour(at("09:00"), at("17:00")),
                                    tour(at("09:00", "2026-09-17"), at("17:00", "2026-09-17"))])],
        [event("EV1", shift("S1", at("15:00", NEXT), at("00:00", third), position("P1", priority=1)),
               shift("S2", at("00:00", third), at("09:00", third), position("P2", priority=2)))],
    )
    assert pairs(solved(raw)) == {("S", "P2")}


def test_calendar_days_follow_the_policy_timezone():
    """With `timezone` America/New_York, PREV 16:00–23:30 CDT (7.5 h) ends at 00:30 in New York,
    so it shares the New York day with DAY 00:00–09:00 CDT (9 h): 16.5 h > 16, one only."""
    raw = _calendar((at("16:00", PREV), at("23:30", PREV)), (at("00:00"), at("09:00")))
    raw["policy"] = {"timezone": "America/New_York"}
    assert pairs(solved(raw)) == {("S", "P2")}


def test_control_calendar_days_in_chicago():
    """Control: the same details in the default America/Chicago fall on two days: S takes both."""
    raw = _calendar((at("16:00", PREV), at("23:30", PREV)), (at("00:00"), at("09:00")))
    assert pairs(solved(raw)) == {("S", "P1"), ("S", "P2")}
