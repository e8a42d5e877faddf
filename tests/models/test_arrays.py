"""InstanceArrays: one integer clock (minutes since the Unix epoch, UTC), offsets respected;
staffing floors and default pay rates as DESIGN.md fixes them."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from offduty.models.arrays import NEVER, InstanceArrays, from_minutes, to_minutes
from offduty.models.validation import parse_instance
from tests.models.conftest import Raw, at, valid_raw

UTC = dt.UTC


def minutes(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    """Minutes since the epoch of a UTC wall-clock time, computed independently of models.arrays."""
    delta = dt.datetime(year, month, day, hour, minute, tzinfo=UTC) - dt.datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 1440 + delta.seconds // 60


def build(raw: Raw) -> InstanceArrays:
    return InstanceArrays.build(parse_instance(raw))


def test_times_are_integer_minutes_since_the_epoch_in_utc(raw: Raw) -> None:
    raw["members"][1]["leaves"] = [{"kind": "sick", "start": at("00:00", "2026-09-12"),
                                    "end": at("06:00", "2026-09-12")}]
    raw["members"][0]["last_worked"] = at("20:00", "2026-09-06")
    raw["applications"] = [{"member": "B", "shift": "S1", "at": "2026-09-01T08:00:03-05:00"}]
    a = build(raw)
    for arr in (a.shift_start, a.shift_end, a.tour_start, a.tour_end, a.leave_start, a.leave_end,
                a.event_window_start, a.event_window_end, a.member_last_worked, a.position_minutes):
        assert arr.dtype == np.int64
    # 10:00-05:00 is 15:00 UTC
    assert a.shift_start.tolist() == [minutes(2026, 9, 13, 15)]
    assert a.shift_end.tolist() == [minutes(2026, 9, 13, 19)]
    assert a.position_minutes.tolist() == [240]
    assert a.tour_start.tolist() == [minutes(2026, 9, 13, 11)]
    assert a.tour_end.tolist() == [minutes(2026, 9, 13, 21)]
    assert a.leave_start.tolist() == [minutes(2026, 9, 12, 5)]
    assert a.leave_end.tolist() == [minutes(2026, 9, 12, 11)]
    assert a.member_last_worked.tolist() == [minutes(2026, 9, 7, 1), NEVER]
    # applications keep seconds (first come is decided to the second)
    assert a.application_at.tolist() == [minutes(2026, 9, 1, 13) * 60 + 3]
    # the tour covers the shift on the same clock
    assert a.tour_start[0] < a.shift_start[0] < a.shift_end[0] < a.tour_end[0]


def test_conversion_round_trips() -> None:
    t = dt.datetime.fromisoformat("2026-09-13T10:00:00-05:00")
    m = to_minutes(t)
    assert m == minutes(2026, 9, 13, 15)
    back = from_minutes(m, dt.timezone(dt.timedelta(hours=-5)))
    assert back == t
    assert back.isoformat() == "2026-09-13T10:00:00-05:00"
    assert to_minutes(dt.datetime.fromisoformat("2026-09-13T10:00:59-05:00")) == m  # seconds dropped


def test_shift_across_the_end_of_daylight_time_lasts_nine_hours(raw: Raw) -> None:
    # Sunday 2026-11-01: 02:00 CDT becomes 01:00 CST; 00:00 CDT to 08:00 CST is 9 real hours
    raw["events"][0]["shifts"][0].update(start="2026-11-01T00:00:00-05:00", end="2026-11-01T08:00:00-06:00")
    raw["members"][0]["tours"] = [{"start": "2026-10-31T22:00:00-05:00", "end": "2026-11-01T07:00:00-06:00",
                                   "exception_hours": 1.5}]
    a = build(raw)
    assert int(a.shift_end[0] - a.shift_start[0]) == 540
    assert a.position_minutes.tolist() == [540]
    assert a.shift_start.tolist() == [minutes(2026, 11, 1, 5)]
    assert a.shift_end.tolist() == [minutes(2026, 11, 1, 14)]
    assert int(a.tour_end[0] - a.tour_start[0]) == 10 * 60  # 22:00 CDT to 07:00 CST
    assert a.tour_exception.tolist() == [90]
    # the window defaults to the shift, on the same clock
    assert a.event_window_end[0] - a.event_window_start[0] == 540


def test_shift_across_the_start_of_daylight_time_lasts_seven_hours(raw: Raw) -> None:
    # Sunday 2026-03-08: 02:00 CST becomes 03:00 CDT
    raw["events"][0]["shifts"][0].update(start="2026-03-08T00:00:00-06:00", end="2026-03-08T08:00:00-05:00")
    raw["members"][0]["tours"] = []
    del raw["members"][0]["hour_plan"]
    assert build(raw).position_minutes.tolist() == [420]


@pytest.mark.parametrize("same_instant", [
    "2026-09-13T10:00:00-05:00",
    "2026-09-13T09:00:00-06:00",
    "2026-09-13T15:00:00Z",
    "2026-09-13T15:00:00+00:00",
    "2026-09-13T17:00:00+02:00",
    "2026-09-14T00:30:00+09:30",
])
def test_different_offsets_for_the_same_instant_are_the_same_minute(same_instant: str) -> None:
    raw = valid_raw()
    raw["events"][0]["shifts"][0]["start"] = same_instant
    raw["members"][0]["tours"][0]["end"] = same_instant
    raw["members"][1]["leaves"] = [{"kind": "injury", "start": same_instant, "end": at("23:00")}]
    raw["events"][0]["window"] = {"start": same_instant, "end": at("23:00")}
    a = build(raw)
    expected = minutes(2026, 9, 13, 15)
    assert a.shift_start.tolist() == [expected]
    assert a.tour_end.tolist() == [expected]
    assert a.leave_start.tolist() == [expected]
    assert a.event_window_start.tolist() == [expected]


def test_tours_are_flattened_sorted_by_member_then_start(raw: Raw) -> None:
    raw["members"][1]["hour_plan"] = 8
    raw["members"][1]["tours"] = [{"start": at("06:00", "2026-09-15"), "end": at("14:00", "2026-09-15")},
                                  {"start": at("06:00", "2026-09-14"), "end": at("14:00", "2026-09-14")}]
    a = build(raw)
    assert a.tour_member.tolist() == [0, 1, 1]
    assert a.tour_start.tolist() == [minutes(2026, 9, 13, 11), minutes(2026, 9, 14, 11),
                                     minutes(2026, 9, 15, 11)]
    # work-day lead (§II.H) by hour plan: 10 -> 7 h, 8 -> 8 h
    assert a.member_lead_minutes.tolist() == [420, 480]


def test_member_without_tours_has_no_lead(raw: Raw) -> None:
    assert build(raw).member_lead_minutes.tolist() == [420, 0]


def staffed(venue: str | None, attendance: int | None, ratios: dict | None = None) -> int:
    raw = valid_raw()
    ev = raw["events"][0]
    if venue is not None:
        ev["venue"] = venue
    if attendance is not None:
        ev["attendance"] = attendance
    if ratios is not None:
        raw["policy"] = {"staffing_ratios": ratios}
    (floor,) = build(raw).event_floor.tolist()
    return floor


def test_staffing_floor_of_a_chiefs_game() -> None:
    # §IV.A.13: 3 core + ceil(73000 / 1500) = 3 + 49
    assert staffed("sporting_alcohol", 73000) == 52


@pytest.mark.parametrize(("venue", "attendance", "expected"), [
    ("sporting_alcohol", 15000, 3 + 10),
    ("sporting_alcohol", 15001, 3 + 11),
    ("sporting_alcohol", 1, 3 + 1),
    ("sporting_alcohol", 0, 3),
    ("reserved_no_alcohol", 9000, 1 + 3),
    ("reserved_family_alcohol", 4000, 2 + 3),
    ("reserved_adult_alcohol", 2600, 3 + 3),
    ("open_air_alcohol", 751, 3 + 2),
    ("nightclub", 1200, 3 + 3),
    ("none", 50000, 0),  # venue none: no floor
    (None, 50000, 0),  # venue defaults to none
    ("nightclub", None, 0),  # no attendance: no floor
])
def test_staffing_floor_is_core_plus_ceil_attendance_over_ratio(
        venue: str | None, attendance: int | None, expected: int) -> None:
    assert staffed(venue, attendance) == expected


def test_staffing_floor_uses_the_instance_ratio() -> None:
    ratios = {"sporting_alcohol": {"attendees_per_officer": 1000, "core": 5}}
    assert staffed("sporting_alcohol", 73000, ratios) == 5 + 73
    assert staffed("nightclub", 1200, ratios) == 3 + math.ceil(1200 / 500)  # others keep the default


def test_pay_rate_defaults_to_the_policy_minimum(raw: Raw) -> None:
    raw["events"][0]["shifts"][0]["positions"].append({"id": "P2", "count": 1})
    assert build(raw).position_pay_rate.tolist() == [50.0, 38.0]
    raw["policy"] = {"minimum_pay_rate": 45}
    assert build(raw).position_pay_rate.tolist() == [50.0, 45.0]


def test_event_window_in_minutes(raw: Raw) -> None:
    raw["events"][0]["shifts"].append({"id": "S2", "start": at("13:00"), "end": at("18:00")})
    raw["events"].append({"id": "EV2", "employer": "E1", "window": {"start": at("09:00"), "end": at("11:00")},
                          "shifts": [{"id": "S3", "start": at("08:00"), "end": at("12:00")}]})
    a = build(raw)
    assert a.event_window_start.tolist() == [minutes(2026, 9, 13, 15), minutes(2026, 9, 13, 14)]
    assert a.event_window_end.tolist() == [minutes(2026, 9, 13, 23), minutes(2026, 9, 13, 16)]
    assert a.shift_event.tolist() == [0, 0, 1]
    assert a.position_event.tolist() == [0]


def test_references_become_indices(raw: Raw) -> None:
    raw["employers"].append({"id": "E2"})
    raw["members"][1]["conflicts"] = ["E2"]
    raw["events"][0]["shifts"][0]["positions"].insert(0, {"id": "P0", "count": 1})
    raw["applications"] = [{"member": "B", "shift": "S1", "at": at("08:00", "2026-09-01")}]
    raw["assignments"] = [{"member": "B", "position": "P1", "locked": True}]
    raw["cancellations"] = [{"member": "A", "position": "P0"}]
    a = build(raw)
    assert a.position_ids == ["P0", "P1"]
    assert a.position_index == {"P0": 0, "P1": 1}
    assert (a.conflict_member.tolist(), a.conflict_employer.tolist()) == ([1], [1])
    assert (a.application_member.tolist(), a.application_shift.tolist()) == ([1], [0])
    assert a.assignment_member.tolist() == [1]
    assert a.assignment_position.tolist() == [1]
    assert a.assignment_locked.tolist() == [True]
    assert (a.cancellation_member.tolist(), a.cancellation_position.tolist()) == ([0], [0])
    assert a.position_employer.tolist() == [0, 0]


def test_instance_without_positions_builds() -> None:
    """One member, one event without shifts: no positions, no shifts, nothing to fill."""
    a = InstanceArrays.build(parse_instance({"members": [{"id": "A", "seniority_date": "2000-01-01"}],
                                             "events": [{"id": "EV1", "employer": "E1"}],
                                             "employers": [{"id": "E1"}]}))
    assert a.n_members == 1
    assert a.n_positions == a.n_shifts == 0
    assert a.event_floor.tolist() == [0]
