"""Sane bounds of the instance format: one table, used by the models and printed in the docs.

A value outside these bounds is an input error (exit code 16, `ProblemKind.OUT_OF_RANGE`), never
a silently absurd solve: a count of 10⁹ is a typo, not a stadium; a 100-hour cap on a 24-hour work
day is no cap at all. `docs/formats.md` lists the same table (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Slots of one position (a stadium's largest post needs a few hundred).
MAX_COUNT = 10_000
#: Attendance of one event (the largest US stadiums seat about 110,000; festivals more).
MAX_ATTENDANCE = 200_000
#: A work day lasts 24 hours (§II.H): a cap or a lead time beyond it is meaningless.
MAX_DAY_HOURS = 24
#: An ISO week has 168 hours.
MAX_WEEK_HOURS = 168
#: A shift or an on-duty tour lasts at most a day.
MAX_SHIFT_HOURS = 24
#: Rest between details: at most a day.
MAX_REST_HOURS = 24
#: Hours year to date: a leap year has 8,784.
MAX_HOURS_YTD = 8_784
#: Pay rates and the minimum pay rate, dollars per hour.
MAX_PAY_RATE = 1_000
#: Invoice fees: a percentage of pay, and a flat fee per event or per assignment, dollars.
MAX_FEE_PERCENT = 100
MAX_FEE = 100_000
#: Coverage weight of one slot (priority × count stays far inside 64-bit objectives).
MAX_PRIORITY = 1_000
#: Weights of the balanced strategy's blend.
MAX_WEIGHT = 100
#: Open close-outs of one member.
MAX_CLOSEOUTS = 1_000
#: The planning horizon: every time of an instance lies within this many days of the median of
#: all its times (so a typo year is reported where it is, not every other date).
HORIZON_DAYS = 730
#: Seniority dates reach back at most this many years before the horizon's centre.
MAX_SENIORITY_YEARS = 70
#: Largest instance file read, in bytes.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Deepest nesting of objects and lists (the format itself needs 6).
MAX_DEPTH = 32


@dataclass(frozen=True)
class Bound:
    """One row of the bounds table: where it applies, the allowed range, its unit."""

    path: str
    low: str
    high: str
    unit: str


#: The table of `docs/formats.md` ("Bounds"). Paths use `[]` for every element of a list and `*`
#: for every key of a map.
BOUNDS: tuple[Bound, ...] = (
    Bound("events[].shifts[].positions[].count", "0", f"{MAX_COUNT:,}", "slots"),
    Bound("events[].shifts[].positions[].priority", "1", f"{MAX_PRIORITY:,}", "weight"),
    Bound("events[].shifts[].positions[].pay_rate", "policy.minimum_pay_rate", f"{MAX_PAY_RATE:,}", "$/h"),
    Bound("events[].attendance", "0", f"{MAX_ATTENDANCE:,}", "people"),
    Bound("events[].shifts[] (end − start)", "> 0", f"{MAX_SHIFT_HOURS}", "h"),
    Bound("members[].tours[] (end − start)", "> 0", f"{MAX_SHIFT_HOURS}", "h"),
    Bound("members[].tours[].exception_hours", "0", "the tour's length", "h"),
    Bound("members[].hours_ytd", "0", f"{MAX_HOURS_YTD:,}", "h"),
    Bound("members[].open_closeouts", "0", f"{MAX_CLOSEOUTS:,}", "close-outs"),
    Bound("policy.work_day_cap_hours", "> 0", f"{MAX_DAY_HOURS}", "h"),
    Bound("policy.work_day_lead_hours.*", "0", f"{MAX_DAY_HOURS}", "h"),
    Bound("policy.max_secondary_hours_per_week", "> 0", f"{MAX_WEEK_HOURS}", "h"),
    Bound("policy.min_rest_hours", "0", f"{MAX_REST_HOURS}", "h"),
    Bound("policy.tavern_min_officers", "0", f"{MAX_COUNT:,}", "members"),
    Bound("policy.minimum_pay_rate", "0", f"{MAX_PAY_RATE:,}", "$/h"),
    Bound("policy.staffing_ratios.*.attendees_per_officer", "1", f"{MAX_ATTENDANCE:,}", "people"),
    Bound("policy.staffing_ratios.*.core", "0", f"{MAX_COUNT:,}", "members"),
    Bound("policy.balanced_weights.*", "0", f"{MAX_WEIGHT}", "weight"),
    Bound("policy.invoice_fees.per_hour", "0", f"{MAX_PAY_RATE:,}", "$/h"),
    Bound("policy.invoice_fees.percent_of_pay", "0", f"{MAX_FEE_PERCENT}", "%"),
    Bound("policy.invoice_fees.per_event", "0", f"{MAX_FEE:,}", "$"),
    Bound("policy.invoice_fees.per_assignment", "0", f"{MAX_FEE:,}", "$"),
    Bound("every time (tours, leaves, shifts, windows, applications, cancellations, last_worked)",
          f"median time − {HORIZON_DAYS} days", f"median time + {HORIZON_DAYS} days", "time"),
    Bound("members[].seniority_date", f"median time − {MAX_SENIORITY_YEARS} years",
          f"median time + {HORIZON_DAYS} days", "date"),
    Bound("the file", "", f"{MAX_FILE_BYTES // (1024 * 1024)} MiB", "bytes"),
    Bound("nesting of objects and lists", "", f"{MAX_DEPTH}", "levels"),
)
