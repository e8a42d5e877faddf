"""C-REST: when `min_rest_hours > 0`, every tour and every other detail that starts at or after a
detail's end starts at least `min_rest_hours` after it (§III.C). Only the rest after a detail is
required."""

import pytest

from tests.constraints.conftest import (
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

REST_8 = {"min_rest_hours": 8}


def _on_tour(start: str, end: str):
    """Senior-member fields: an 8-hour-plan member with one tour [start, end)."""
    return {"hour_plan": 8, "tours": [tour(start, end)]}


def test_tour_too_soon_after_the_detail():
    """The 10:00–14:00 detail ends 6 h before S's tour at 20:00 (rest 8 h): J gets it; two
    slots leave one empty with reason C-REST."""
    assert_senior_excluded("C-REST", senior_fields=_on_tour(at("20:00"), at("04:00", "2026-09-14")),
                           policy=REST_8)


@pytest.mark.parametrize(("fields", "policy"), [
    (_on_tour(at("22:00"), at("06:00", "2026-09-14")), REST_8),
    (_on_tour(at("20:00"), at("04:00", "2026-09-14")), {"min_rest_hours": 0}),
    (_on_tour(at("02:00"), at("10:00")), REST_8),
], ids=["exactly-8h", "no-rest-required", "tour-before-detail"])
def test_control_rest_respected_or_not_required(fields, policy):
    """Controls: a tour exactly 8 h after the detail; no rest required; a tour ending right when
    the detail starts (rest is required after a detail, not before it)."""
    assert_senior_chosen(senior_fields=fields, policy=policy)


def _two_details(second_start: str, second_end: str, p1_priority: int = 1, p2_priority: int = 2):
    """Only member S; P1 10:00–14:00 and P2 at [second_start, second_end), rest 8 h."""
    return instance([senior()],
                    [event("EV1", shift("S1", at("10:00"), at("14:00"),
                                        position("P1", priority=p1_priority)),
                           shift("S2", second_start, second_end,
                                 position("P2", priority=p2_priority)))],
                    policy=REST_8)


def test_second_detail_too_soon():
    """P2 starts 4 h after P1 ends: S takes only the higher-priority P2."""
    assert pairs(solved(_two_details(at("18:00"), at("22:00")))) == {("S", "P2")}


def test_second_detail_too_soon_keeps_the_earlier_one():
    """The same with P1 the higher priority: S keeps P1 and drops P2."""
    raw = _two_details(at("18:00"), at("22:00"), p1_priority=2, p2_priority=1)
    assert pairs(solved(raw)) == {("S", "P1")}


def test_control_second_detail_after_the_rest():
    """Control: P2 starting exactly 8 h after P1 ends: S takes both."""
    assert pairs(solved(_two_details(at("22:00"), at("02:00", "2026-09-14")))) == {
        ("S", "P1"), ("S", "P2")}
