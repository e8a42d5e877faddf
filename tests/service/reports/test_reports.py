"""Each report on the generated kc-week (a greedy roster the verifier accepted): its totals equal
sums the test computes from the solution's own assignment fields, and it renders as CSV, Markdown
and PNG."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from offduty.constraints.eligibility import compute_eligibility
from offduty.models.arrays import InstanceArrays
from offduty.models.solution import AssignmentOut, Solution
from offduty.models.validation import parse_instance
from offduty.service.io.roster import Period
from offduty.service.reports import (
    Report,
    ReportError,
    employers_report,
    fairness_report,
    hours_report,
    schedule_report,
    supervisor_report,
    unfilled_report,
    write_report,
)
from tests.service.kcweek import kc_week, kc_week_solution

CHICAGO = ZoneInfo("America/Chicago")
WEEK = Period(dt.date(2026, 9, 14), dt.date(2026, 9, 20))
SEPTEMBER = Period.month("2026-09")


def start_of(a: AssignmentOut) -> dt.datetime:
    return dt.datetime.fromisoformat(a.start).astimezone(CHICAGO)


def in_week(solution: Solution, period: Period = WEEK) -> list[AssignmentOut]:
    return [a for a in solution.assignments if period.contains(start_of(a).date())]


def hours_by(items: list[AssignmentOut], key: str) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for a in items:
        out[getattr(a, key)] += a.hours
    return dict(out)


def near(got: dict[str, float], expected: dict[str, float]) -> None:
    """Equal keys and values (the solution rounds each assignment's hours to 4 decimals)."""
    assert set(got) == set(expected)
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-5, abs=1e-3), k


# --- hours --------------------------------------------------------------------------------------------


def test_hours_per_member_sum_the_solution() -> None:
    solution = kc_week_solution()
    report = hours_report(kc_week(), solution, WEEK)
    mine = in_week(solution)
    assert report.totals["hours"] == pytest.approx(sum(a.hours for a in mine), rel=1e-6)
    assert report.totals["details"] == len(mine)
    assert report.totals["pay"] == pytest.approx(sum(a.hours * a.pay_rate for a in mine),
                                                 abs=0.01 * len(mine))
    near(dict(zip(report.table["member"], report.table["hours"], strict=True)), hours_by(mine, "member"))
    assert list(report.table["hours"]) == sorted(report.table["hours"], reverse=True)


def test_work_day_margins_are_within_the_cap() -> None:
    """The verifier accepted the roster, so no member goes over the 16-hour work day."""
    table = hours_report(kc_week(), kc_week_solution(), WEEK).table
    bound = table[~table["cap_exception"]]
    assert (bound["work_day_margin"] >= -1e-9).all()
    assert (table["work_day_margin"] == 16 - table["work_day_hours"]).all()
    assert (bound["work_day_hours"] > 0).all()


def test_busiest_day_of_a_member_without_tours_is_a_calendar_day() -> None:
    """Members without tours have local calendar days (§II.H reading of DESIGN.md); a detail
    across midnight counts in each day only its hours inside it."""
    instance, solution = kc_week(), kc_week_solution()
    members = {m.id: m for m in instance.members}
    per_day: dict[tuple[str, dt.date], float] = defaultdict(float)
    for a in solution.assignments:
        if members[a.member].tours:
            continue
        start, end = start_of(a), dt.datetime.fromisoformat(a.end).astimezone(CHICAGO)
        day = start.date()
        while dt.datetime.combine(day, dt.time(), tzinfo=CHICAGO) < end:
            lo = max(start, dt.datetime.combine(day, dt.time(), tzinfo=CHICAGO))
            hi = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=CHICAGO))
            per_day[(a.member, day)] += max((hi - lo).total_seconds(), 0) / 3600
            day += dt.timedelta(days=1)
    busiest: dict[str, float] = defaultdict(float)
    for (member, day), hours in per_day.items():
        if WEEK.contains(day):
            busiest[member] = max(busiest[member], hours)
    assert busiest, "kc-week has members without tours who work"
    table = hours_report(instance, solution, WEEK).table.set_index("member")
    for member, hours in busiest.items():
        if member in table.index:
            assert table.loc[member, "work_day_hours"] == pytest.approx(hours), member


def test_weekly_margin_under_a_weekly_cap() -> None:
    raw = kc_week().model_dump(mode="json")
    raw["policy"]["max_secondary_hours_per_week"] = 60
    instance = parse_instance(raw)
    solution = kc_week_solution()
    monday = dt.datetime(2026, 9, 14, tzinfo=CHICAGO)
    week: dict[str, float] = defaultdict(float)
    for a in solution.assignments:  # the part of each detail inside ISO week 38
        lo = max(start_of(a), monday)
        hi = min(dt.datetime.fromisoformat(a.end), monday + dt.timedelta(days=7))
        week[a.member] += max((hi - lo).total_seconds(), 0) / 3600
    table = hours_report(instance, solution, WEEK).table
    assert set(table["busiest_week"]) == {"2026-W38"}
    for row in table.to_dict("records"):
        assert row["week_hours"] == pytest.approx(week[row["member"]])
        assert row["week_margin"] == pytest.approx(60 - week[row["member"]])


# --- supervisors --------------------------------------------------------------------------------------


def test_supervisor_list_groups_the_month_by_supervisor() -> None:
    instance, solution = kc_week(), kc_week_solution()
    report = supervisor_report(instance, solution, SEPTEMBER)
    supervisor_of = {m.id: m.supervisor for m in instance.members}
    expected: dict[str, float] = defaultdict(float)
    for a in in_week(solution, SEPTEMBER):
        expected[supervisor_of[a.member] or "(no supervisor designated)"] += a.hours
    groups = report.extra["by-supervisor"]
    near({k: v for k, v in zip(groups["supervisor"], groups["hours"], strict=True) if v}, dict(expected))
    designated = {m.id for m in instance.members if m.supervisor}
    worked = {a.member for a in solution.assignments}
    assert set(report.table["member"]) == designated | worked
    assert report.totals["hours"] == pytest.approx(sum(a.hours for a in solution.assignments))
    assert report.totals["supervisors"] == len({m.supervisor for m in instance.members if m.supervisor})
    assert len(report.sections) == len(groups)
    # a month without work lists the supervised members with nothing to verify
    quiet = supervisor_report(instance, solution, Period.month("2026-10"))
    assert len(quiet.table) == len(designated) and quiet.totals["details"] == 0


# --- schedule -----------------------------------------------------------------------------------------


def test_schedule_of_the_busiest_member() -> None:
    instance, solution = kc_week(), kc_week_solution()
    counts: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        counts[a.member] += 1
    member = max(counts, key=lambda m: (counts[m], m))
    report = schedule_report(instance, solution, member, WEEK)
    mine = [a for a in in_week(solution) if a.member == member]
    assert report.totals["details"] == len(mine)
    assert report.totals["hours"] == pytest.approx(sum(a.hours for a in mine))
    assert list(report.table["start"]) == sorted(start_of(a) for a in mine)
    tours = next(m for m in instance.members if m.id == member).tours
    assert report.totals["tours"] == sum(WEEK.contains(t.start.astimezone(CHICAGO).date()) for t in tours)
    with pytest.raises(ReportError, match="no member with id 'NOBODY'"):
        schedule_report(instance, solution, "NOBODY", WEEK)


# --- fairness -----------------------------------------------------------------------------------------


def gini_by_pairs(values: np.ndarray) -> float:
    """Mean absolute difference over twice the mean (the textbook Gini), computed another way."""
    if values.sum() == 0:
        return 0.0
    return float(np.abs(values[:, None] - values[None, :]).sum() / (2 * len(values) ** 2 * values.mean()))


def test_fairness_per_strategy() -> None:
    instance = kc_week()
    solutions = [("seniority", kc_week_solution("seniority")), ("hours", kc_week_solution("hours"))]
    report = fairness_report(instance, solutions, WEEK)
    arrays = InstanceArrays.build(instance)
    eligible = np.zeros(arrays.n_members, dtype=np.bool_)
    eligible[compute_eligibility(arrays).pairs.member] = True
    ids = arrays.member_ids
    table = report.table.set_index("strategy")
    for label, solution in solutions:
        per_member = hours_by(in_week(solution), "member")
        values = np.asarray([per_member.get(m, 0.0) for m in ids])
        assert table.loc[label, "hours"] == pytest.approx(values.sum())
        assert table.loc[label, "pool"] == eligible.sum()
        assert table.loc[label, "gini_period"] == pytest.approx(gini_by_pairs(values[eligible]), abs=1e-4)
        assert table.loc[label, "members_with_work"] == len(per_member)
        assert report.extra["members"][label].sum() == pytest.approx(values.sum())
    with pytest.raises(ReportError):
        fairness_report(instance, [], WEEK)


# --- unfilled -----------------------------------------------------------------------------------------


def test_unfilled_by_employer_and_venue() -> None:
    instance, solution = kc_week(), kc_week_solution()
    report = unfilled_report(instance, solution)
    assert solution.unfilled, "kc-week leaves positions unfilled (unapproved or restricted employers...)"
    assert report.totals["missing"] == sum(u.missing for u in solution.unfilled)
    where = {p.id: (e.employer, e.venue.value)
             for e in instance.events for s in e.shifts for p in s.positions}
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for u in solution.unfilled:
        expected[where[u.position]] += u.missing
    groups = report.extra["by-employer"]
    got = {(e, v): m for e, v, m in zip(groups["employer"], groups["venue"], groups["missing"], strict=True)}
    assert got == dict(expected)
    assert list(groups["missing"]) == sorted(groups["missing"], reverse=True)


# --- employers ----------------------------------------------------------------------------------------


def test_top_employers_by_pay_and_hours() -> None:
    instance, solution = kc_week(), kc_week_solution()
    report = employers_report(instance, solution, WEEK, top=5)
    employer_of = {e.id: e.employer for e in instance.events}
    hours: dict[str, float] = defaultdict(float)
    pay: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for a in in_week(solution):
        hours[employer_of[a.event]] += a.hours
        pay[employer_of[a.event]] += a.hours * a.pay_rate
        count[employer_of[a.event]] += 1
    table = report.table
    near(dict(zip(table["employer"], table["hours"], strict=True)), dict(hours))
    for employer, amount in zip(table["employer"], table["pay"], strict=True):
        # cents rounded per assignment; the solution's hours rounded to 4 decimals
        assert float(amount) == pytest.approx(pay[employer], abs=0.01 * count[employer])
    assert [float(p) for p in table["pay"]] == sorted((float(p) for p in table["pay"]), reverse=True)
    assert table["share_of_hours"].sum() == pytest.approx(1.0)
    assert table.iloc[0]["employer_name"] == "Kansas City Chiefs"


# --- rendering ----------------------------------------------------------------------------------------


def all_reports() -> list[Report]:
    instance, solution = kc_week(), kc_week_solution()
    return [hours_report(instance, solution, WEEK), supervisor_report(instance, solution, SEPTEMBER),
            schedule_report(instance, solution, solution.assignments[0].member, WEEK),
            fairness_report(instance, [("seniority", solution)], WEEK), unfilled_report(instance, solution),
            employers_report(instance, solution, WEEK)]


@pytest.mark.parametrize("index", range(6), ids=["hours", "supervisors", "schedule", "fairness", "unfilled",
                                                 "employers"])
def test_every_report_renders_csv_markdown_and_png(index: int, tmp_path: Path) -> None:
    report = all_reports()[index]
    paths = write_report(report, tmp_path)
    names = {p.name for p in paths}
    assert {f"{report.kind}.csv", f"{report.kind}.md", f"{report.kind}.png"} <= names
    assert (tmp_path / f"{report.kind}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    page = (tmp_path / f"{report.kind}.md").read_text(encoding="utf-8")
    assert page.startswith(f"# {report.title}") and f"]({report.kind}.png)" in page
    rows = list(csv.reader(io.StringIO((tmp_path / f"{report.kind}.csv").read_text(encoding="utf-8"),
                                       newline="")))
    assert rows[0] == [str(c) for c in report.table.columns]
    assert len(rows) == len(report.table) + 1


def test_report_csv_escapes_text_but_not_numbers() -> None:
    import pandas as pd

    from offduty.service.reports.base import frame_csv

    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "@x"], "work_day_margin": [-1.5, 2.0]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame).decode("utf-8"), newline="")))
    assert rows[1:] == [["'=cmd|' /C calc'!A0", "-1.50"], ["'@x", "2.00"]]
