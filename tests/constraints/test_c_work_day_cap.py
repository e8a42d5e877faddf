"""C-WORK-DAY-CAP: on-duty hours (less `exception_hours`) plus secondary hours within each work day
≤ `work_day_cap_hours` (16), unless `cap_exception` (§IV.A.12, §II.H).

Work days: a tour's day opens `lead` hours before it (8-h plan 8 h, 10-h plan 7 h, 11-h plan 6 h)
and lasts 24 h, cut where the next tour's day opens; a member without tours has local calendar
days. A day holds the part of every tour and detail inside it, a tour's exception hours taken off
pro rata to that part. Durations are real elapsed time (a night when daylight time ends has a
25-hour clock).

Each case is judged three ways, which must agree: the model (`solve`, with and without the greedy
hint), the greedy list (`solve_greedy`) and the independent verifier. The cases that flip are
those the withdrawn reading (a crossing tour or detail counted in full in every day it touches)
refused although the policy allows them; each has a twin a few minutes over the cap that all
three refuse.
"""

import pytest

from tests.constraints.conftest import (
    CST,
    Raw,
    assert_everyone_excluded,
    assert_senior_chosen,
    assert_senior_excluded,
    at,
    duel,
    event,
    greedy_pairs,
    instance,
    pairs,
    position,
    senior,
    shift,
    solved,
    tour,
    verdict,
)

CAP = "C-WORK-DAY-CAP"
PREV, NEXT = "2026-09-12", "2026-09-14"
SAT, SUN = "2026-10-31", "2026-11-01"  # daylight time ends on SUN at 02:00 CDT (01:00 CST)

Pair = tuple[str, str]


# --- the three judges ----------------------------------------------------------------------------


def chosen_by_all(senior_fields: Raw, **duel_kw) -> None:
    """`S` (with `senior_fields`) may work P1: the model prefers S (one slot) and fills two with
    S and J, the greedy list gives S the slot, the verifier accepts S on P1."""
    assert_senior_chosen(senior_fields=senior_fields, **duel_kw)
    raw = duel(senior_fields, **duel_kw)
    assert greedy_pairs(raw) == {("S", "P1")}
    assert verdict(raw, [("S", "P1")]) == []


def excluded_by_all(senior_fields: Raw, **duel_kw) -> None:
    """`S` may not work P1 under C-WORK-DAY-CAP: the model gives the slot to J (and names the
    rule for S), the greedy list gives it to J, the verifier refuses S on P1 for the cap."""
    assert_senior_excluded(CAP, senior_fields=senior_fields, **duel_kw)
    raw = duel(senior_fields, **duel_kw)
    assert greedy_pairs(raw) == {("J", "P1")}
    assert verdict(raw, [("S", "P1")]) == [CAP]


def accepted_by_all(raw: Raw, roster: set[Pair]) -> None:
    """`roster` is valid and the best: the verifier accepts it, the model (proven optimal) and
    the greedy list both return exactly it."""
    assert verdict(raw, roster) == []
    assert pairs(solved(raw)) == roster
    assert greedy_pairs(raw) == roster


def refused_by_all(raw: Raw, roster: set[Pair]) -> None:
    """`roster` breaks the cap: the verifier says so, and neither the model nor the greedy list
    returns all of it."""
    assert verdict(raw, roster) == [CAP]
    assert not roster <= pairs(solved(raw))
    assert not roster <= greedy_pairs(raw)


def _two_details(first: tuple[str, str], second: tuple[str, str], **member_fields) -> Raw:
    """S alone; P1 at `first` (priority 1) and P2 at `second` (priority 2)."""
    return instance([senior(**member_fields)],
                    [event("EV1", shift("S1", *first, position("P1", priority=1)),
                           shift("S2", *second, position("P2", priority=2)))])


BOTH = {("S", "P1"), ("S", "P2")}


# --- the cases that flip --------------------------------------------------------------------------


#: DESIGN.md's example: 10-h plan (lead 7 h), night tours PREV 21:00 → DAY 07:00 and DAY 21:00 →
#: NEXT 07:00: work days PREV 14:00 → DAY 14:00 and DAY 14:00 → NEXT 14:00.
NIGHT_TOURS = {"hour_plan": 10, "tours": [tour(at("21:00", PREV), at("07:00")),
                                          tour(at("21:00"), at("07:00", NEXT))]}


def test_detail_right_after_a_night_tour():
    """The detail 08:00–16:00 after the night tour: its day holds 10 + 6 = 16 h, the next day
    2 + 10 = 12 h. The withdrawn reading counted all 8 h in the first day (18 h) and refused."""
    chosen_by_all(NIGHT_TOURS, start=at("08:00"), end=at("16:00"))


def test_detail_right_after_a_night_tour_over_the_cap():
    """Starting at 07:30 it puts 6.5 h in the tour's day: 16.5 h > 16."""
    excluded_by_all(NIGHT_TOURS, start=at("07:30"), end=at("16:00"))


def test_detail_across_midnight_without_tours():
    """No tours: PREV 20:00 → DAY 04:00 puts 4 h in each calendar day; with DAY 10:00–19:00 the
    day holds 4 + 9 = 13 h. The withdrawn reading counted 8 + 9 = 17 h and refused."""
    accepted_by_all(_two_details((at("20:00", PREV), at("04:00")), (at("10:00"), at("19:00"))),
                    BOTH)


def test_detail_across_midnight_without_tours_over_the_cap():
    """PREV 20:00 → DAY 07:30 puts 7.5 h in DAY: with 9 h more that is 16.5 h > 16."""
    refused_by_all(_two_details((at("20:00", PREV), at("07:30")), (at("10:00"), at("19:00"))),
                   BOTH)


def test_single_detail_longer_than_the_cap_across_midnight():
    """A 17-h detail PREV 16:00 → DAY 09:00 is 8 h + 9 h in two calendar days: within the cap
    in both (the withdrawn reading pruned it as 17 h)."""
    chosen_by_all({}, start=at("16:00", PREV), end=at("09:00"))


def test_dst_night_detail_across_midnight():
    """No tours: SAT 22:00 CDT → SUN 07:00 CST lasts 10 real hours, 2 in Saturday and 8 in the
    25-hour Sunday (7 by the wall clock); with SUN 09:00–17:00 CST that day holds 16 h. The
    withdrawn reading counted 10 + 8 = 18 h and refused."""
    raw = _two_details((at("22:00", SAT), at("07:00", SUN, CST)),
                       (at("09:00", SUN, CST), at("17:00", SUN, CST)))
    accepted_by_all(raw, BOTH)


def test_dst_night_detail_across_midnight_over_the_cap():
    """One more minute (to 17:01 CST) makes 16 h 1 min: refused, although the wall clock's
    7 h would make it 15 h 1 min."""
    raw = _two_details((at("22:00", SAT), at("07:00", SUN, CST)),
                       (at("09:00", SUN, CST), at("17:01", SUN, CST)))
    refused_by_all(raw, BOTH)


#: An 8-h-plan member on tour SAT 15:00–23:00 CDT (8 h); the tour's work day opens at 07:00 CDT
#: and lasts 24 real hours, to SUN 06:00 CST.
EVENING_TOUR = {"hour_plan": 8, "tours": [tour(at("15:00", SAT), at("23:00", SAT))]}


def test_dst_night_detail_after_an_evening_tour():
    """SAT 23:00 CDT → SUN 07:00 CST lasts 9 real hours, 8 of them inside the tour's day:
    8 + 8 = 16 h. The withdrawn reading counted 17 h and refused."""
    chosen_by_all(EVENING_TOUR, start=at("23:00", SAT), end=at("07:00", SUN, CST))


def test_dst_night_counts_real_hours():
    """SAT 23:00 CDT → SUN 06:00 CST is 8 real hours inside the tour's day (7 by the wall
    clock): 16 h, over a 15.5-h cap."""
    policy = {"work_day_cap_hours": 15.5}
    excluded_by_all(EVENING_TOUR, start=at("23:00", SAT), end=at("06:00", SUN, CST),
                    policy=policy)
    chosen_by_all(EVENING_TOUR, start=at("23:00", SAT), end=at("06:00", SUN, CST))


def test_cap_exception_lifts_the_cap():
    """Control: with the Chief's exception (`cap_exception`) the 16-h day under a 15.5-h cap is
    allowed."""
    chosen_by_all({**EVENING_TOUR, "cap_exception": True}, start=at("23:00", SAT),
                  end=at("06:00", SUN, CST), policy={"work_day_cap_hours": 15.5})


@pytest.mark.parametrize("end", ["23:00", "23:01"], ids=["16h", "16h01"])
def test_tour_across_end_of_daylight_time_counts_real_hours(end):
    """A tour SUN 00:00 CDT → 08:00 CST lasts 9 real hours; its day opens SAT 16:00 CDT. A detail
    SAT 16:00 → `end` CDT makes 16 h (allowed) or 16 h 1 min (refused; 8 wall-clock hours of
    tour would leave room)."""
    fields = {"hour_plan": 8, "tours": [tour(at("00:00", SUN), at("08:00", SUN, CST))]}
    judge = chosen_by_all if end == "23:00" else excluded_by_all
    judge(fields, start=at("16:00", SAT), end=at(end, SAT))


# --- a detail across a work-day boundary --------------------------------------------------------


@pytest.mark.parametrize(("detail_start", "second_end", "allowed"), [
    ("21:00", "22:00", True), ("20:45", "22:00", False), ("21:00", "22:15", False),
])
def test_detail_across_a_work_day_boundary_splits_its_hours(detail_start, second_end, allowed):
    """10-h plan, tours DAY 09:00–20:00 (11 h) and NEXT 09:00–`second_end`: work days open DAY
    02:00 and NEXT 02:00. The detail 21:00 → NEXT 05:00 puts 5 h in the first day and 3 h in the
    second: 11 + 5 = 16 and 3 + 13 = 16 are allowed (the withdrawn reading: 19 h); starting 15
    minutes earlier, or a second tour 15 minutes longer, makes 16.25 h."""
    fields = {"hour_plan": 10, "tours": [tour(at("09:00"), at("20:00")),
                                         tour(at("09:00", NEXT), at(second_end, NEXT))]}
    judge = chosen_by_all if allowed else excluded_by_all
    judge(fields, start=at(detail_start), end=at("05:00", NEXT))


def test_tour_crossing_into_the_next_work_day_counts_its_part_there():
    """Tours 08:00–16:00 and 20:00 → NEXT 04:00 (8-h plan): the second tour's day opens at
    12:00, so 4 h of the first tour count there, with the second tour's 8 h and the 4-h detail
    16:00–20:00: 16 h (the withdrawn reading: 20 h)."""
    fields = {"hour_plan": 8, "tours": [tour(at("08:00"), at("16:00")),
                                        tour(at("20:00"), at("04:00", NEXT))]}
    chosen_by_all(fields, start=at("16:00"), end=at("20:00"))


def test_tour_crossing_into_the_next_work_day_over_the_cap():
    """With the second tour to 04:15 the day holds 4 + 8.25 + 4 = 16.25 h."""
    fields = {"hour_plan": 8, "tours": [tour(at("08:00"), at("16:00")),
                                        tour(at("20:00"), at("04:15", NEXT))]}
    excluded_by_all(fields, start=at("16:00"), end=at("20:00"))


# --- lead hours by hour plan ---------------------------------------------------------------------


@pytest.mark.parametrize(("plan", "tour_hours", "allowed"), [
    (8, 8, True), (8, 9, False), (10, 9, True), (10, 10, False), (11, 10, True), (11, 11, False),
])
def test_lead_hours_by_hour_plan(plan, tour_hours, allowed):
    """A tour from DAY 10:00 opens its work day 8, 7 or 6 h earlier (8-, 10-, 11-h plan). The
    10-h detail 00:00–10:00 puts exactly the lead's hours in that day: tour + lead ≤ 16 fits."""
    fields = {"hour_plan": plan, "tours": [tour(at("10:00"), at(f"{10 + tour_hours}:00"))]}
    judge = chosen_by_all if allowed else excluded_by_all
    judge(fields, start=at("00:00"), end=at("10:00"))


def test_policy_overrides_the_lead_hours():
    """With `work_day_lead_hours` {"10": 0} the 10-h plan's day opens at the tour start, 10:00:
    the detail 02:00–10:00 lies in the previous day. The default 7-h lead (day from 03:00) puts
    7 of its hours with the 10-h tour: 17 h."""
    fields = {"hour_plan": 10, "tours": [tour(at("10:00"), at("20:00"))]}
    excluded_by_all(fields, start=at("02:00"), end=at("10:00"))
    chosen_by_all(fields, start=at("02:00"), end=at("10:00"),
                  policy={"work_day_lead_hours": {"10": 0}})


# --- exception hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(("exception_hours", "allowed"), [(0, False), (0.5, False), (1, True), (3, True)])
def test_exception_hours_make_room(exception_hours, allowed):
    """A 10-h tour 10:00–20:00 (8-h plan, day from 02:00) less `exception_hours`, plus the 7 h
    of the detail PREV 23:00 → DAY 09:00 inside that day: fits exactly when at least 1 h is
    excepted."""
    fields = {"hour_plan": 8,
              "tours": [tour(at("10:00"), at("20:00"), exception_hours=exception_hours)]}
    judge = chosen_by_all if allowed else excluded_by_all
    judge(fields, start=at("23:00", PREV), end=at("09:00"))


@pytest.mark.parametrize(("exception_hours", "allowed"), [(0, False), (1, False), (2, True), (4, True)])
def test_exception_hours_are_taken_off_pro_rata(exception_hours, allowed):
    """Tours 08:00–16:00 (with `exception_hours`) and 20:00 → NEXT 05:00 (8-h plan): the second
    tour's day opens at 12:00 and holds half the first tour, so half its exception: with the
    detail 16:00–20:00 that is 4 − x/2 + 9 + 4 ≤ 16 for x ≥ 2 (1 h in full would fit)."""
    fields = {"hour_plan": 8, "tours": [tour(at("08:00"), at("16:00"), exception_hours=exception_hours),
                                        tour(at("20:00"), at("05:00", NEXT))]}
    judge = chosen_by_all if allowed else excluded_by_all
    judge(fields, start=at("16:00"), end=at("20:00"))


@pytest.mark.parametrize(("end", "allowed"), [("09:25", True), ("09:26", False)])
def test_fraction_of_a_minute_from_pro_rata_exception(end, allowed):
    """Tours 08:00–15:00 (7 h less 1 exception hour) and 20:00 → NEXT 04:00 (8 h), 8-h plan: the
    second tour's day (DAY 12:00 → NEXT 12:00) holds 3 of the first tour's 7 h, so 6 · 3/7 h =
    154 2/7 min of it. With 480 min of tour the room is 960 − 634 2/7 = 325 5/7 min: a detail
    NEXT 04:00–09:25 (325 min) fits, one more minute does not, by all three judges."""
    fields = {"hour_plan": 8, "tours": [tour(at("08:00"), at("15:00"), exception_hours=1),
                                        tour(at("20:00"), at("04:00", NEXT))]}
    judge = chosen_by_all if allowed else excluded_by_all
    judge(fields, start=at("04:00", NEXT), end=at(end, NEXT))


# --- two details together (the model row, not the per-pair prune) -------------------------------


def _tour_and_two_details(p2_end: str, **member_fields) -> Raw:
    """S on tour DAY 06:00–14:00 (8-h plan: work day PREV 22:00 → DAY 22:00); P1 PREV 21:00 →
    DAY 02:00 (5 h, 4 of them in the tour's day; priority 1) and P2 14:00–`p2_end` (priority 2)."""
    return _two_details((at("21:00", PREV), at("02:00")), (at("14:00"), at(p2_end)),
                        hour_plan=8, tours=[tour(at("06:00"), at("14:00"))], **member_fields)


def test_two_details_together_exceed_the_day():
    """Each detail fits alone; together 8 + 4 + 5 = 17 h > 16: the model keeps P2 (priority),
    the greedy list the earlier P1, the verifier refuses both."""
    raw = _tour_and_two_details("19:00")
    refused_by_all(raw, BOTH)
    assert pairs(solved(raw)) == {("S", "P2")}
    assert greedy_pairs(raw) == {("S", "P1")}


def test_two_details_together_fit_when_only_their_parts_count():
    """8 + 4 + 4 = 16 h: both (the withdrawn reading counted all 5 h of P1: 17 h)."""
    accepted_by_all(_tour_and_two_details("18:00"), BOTH)


def test_control_two_details_with_cap_exception():
    """Control: with `cap_exception` S takes both of the 17-h day."""
    accepted_by_all(_tour_and_two_details("19:00", cap_exception=True), BOTH)


# --- members without tours: local calendar days -------------------------------------------------


def test_no_tours_calendar_day_is_capped():
    """DAY 00:00–08:00 (8 h) and DAY 14:00–23:00 (9 h) share a calendar day: 17 h > 16."""
    raw = _two_details((at("00:00"), at("08:00")), (at("14:00"), at("23:00")))
    refused_by_all(raw, BOTH)
    assert pairs(solved(raw)) == {("S", "P2")}


def test_no_tours_calendar_day_across_end_of_daylight_time():
    """SUN has 25 hours: 00:00 CDT → 08:00 CST (9 h) and 15:00–23:00 CST (8 h) are in it
    together: 17 h > 16."""
    raw = _two_details((at("00:00", SUN), at("08:00", SUN, CST)),
                       (at("15:00", SUN, CST), at("23:00", SUN, CST)))
    refused_by_all(raw, BOTH)


def test_control_no_tours_days_start_at_local_midnight():
    """Control: PREV 15:00–23:00 (8 h) and DAY 01:00–10:00 (9 h) are 17 h within 24 h but on two
    calendar days: S takes both."""
    accepted_by_all(_two_details((at("15:00", PREV), at("23:00", PREV)), (at("01:00"), at("10:00"))),
                    BOTH)


def test_no_tours_single_detail_over_the_cap():
    """A 17-h detail within one calendar day breaks the cap on its own, for a member without
    tours too: nobody gets it, reason C-WORK-DAY-CAP for both members."""
    assert_everyone_excluded(CAP, start=at("06:00"), end=at("23:00"))
    raw = duel(start=at("06:00"), end=at("23:00"))
    assert greedy_pairs(raw) == set()
    assert verdict(raw, [("S", "P1")]) == [CAP]


#: Tours on DAY and four days later (8-h plan): between them 24-h days continue from DAY 01:00
#: (NEXT 01:00, 09-15 01:00, ...).
DISTANT_TOURS = {"hour_plan": 8, "tours": [tour(at("09:00"), at("17:00")),
                                           tour(at("09:00", "2026-09-17"), at("17:00", "2026-09-17"))]}


def test_days_between_distant_tours_continue_every_24_hours():
    """The 9-h detail NEXT 16:00 → 09-15 01:00 and the 8-h detail 09-15 01:00–09:00 fall in two
    days: S takes both."""
    raw = _two_details((at("16:00", NEXT), at("01:00", "2026-09-15")),
                       (at("01:00", "2026-09-15"), at("09:00", "2026-09-15")), **DISTANT_TOURS)
    accepted_by_all(raw, BOTH)


def test_days_between_distant_tours_are_capped():
    """NEXT 01:00–09:00 (8 h) and NEXT 16:00 → 09-15 01:00 (9 h) share the 24-h day NEXT 01:00 →
    09-15 01:00: 17 h > 16, S takes one only (on calendar days 09-14 would hold 16 h)."""
    raw = _two_details((at("01:00", NEXT), at("09:00", NEXT)),
                       (at("16:00", NEXT), at("01:00", "2026-09-15")), **DISTANT_TOURS)
    refused_by_all(raw, BOTH)
    assert pairs(solved(raw)) == {("S", "P2")}


def _in_new_york(raw: Raw) -> Raw:
    raw["policy"] = {"timezone": "America/New_York"}
    return raw


def test_calendar_days_follow_the_policy_timezone():
    """With `timezone` America/New_York the day of DAY starts at PREV 23:00 CDT: it holds 1 h of
    PREV 22:00 → DAY 00:00 CDT and all of DAY 07:30–23:00 CDT (15.5 h): 16.5 h > 16."""
    raw = _in_new_york(_two_details((at("22:00", PREV), at("00:00")), (at("07:30"), at("23:00"))))
    refused_by_all(raw, BOTH)
    assert pairs(solved(raw)) == {("S", "P2")}


def test_control_calendar_days_in_chicago():
    """Control: in the default America/Chicago the first detail ends at DAY's midnight: S takes
    both."""
    accepted_by_all(_two_details((at("22:00", PREV), at("00:00")), (at("07:30"), at("23:00"))),
                    BOTH)
