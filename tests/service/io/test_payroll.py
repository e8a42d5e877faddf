"""Payroll CSV and employer invoices, checked against sums the tests compute from the solution's
own assignment fields (hours, pay_rate), never from the code under test."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from offduty.models.solution import AssignmentOut, Solution
from offduty.models.validation import parse_instance
from offduty.service.io.invoices import invoice_csv, invoice_pdf, invoices, summary_frame, write_invoices
from offduty.service.io.payroll import PAYROLL_COLUMNS, payroll_csv, payroll_frame
from offduty.service.io.roster import Period, SolutionProblem, check_solution
from tests.service.kcweek import FEES, kc_week, kc_week_solution

WEEK = Period(dt.date(2026, 9, 14), dt.date(2026, 9, 20))
CHICAGO = ZoneInfo("America/Chicago")


def in_period(a: AssignmentOut, period: Period) -> bool:
    return period.contains(dt.datetime.fromisoformat(a.start).astimezone(CHICAGO).date())


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# --- payroll -----------------------------------------------------------------------------------------


def test_payroll_has_one_row_per_assignment_with_its_pay() -> None:
    instance, solution = kc_week(), kc_week_solution()
    frame = payroll_frame(instance, solution)
    assert list(frame.columns[:10]) == ["member", "serial", "name", "event", "employer", "start", "end",
                                        "hours", "rate", "pay"]
    assert len(frame) == len(solution.assignments)
    assert sorted(zip(frame["member"], frame["position"], strict=True)) == \
        sorted((a.member, a.position) for a in solution.assignments)
    assert (frame["serial"] == frame["member"]).all()
    expected = sum(a.hours * a.pay_rate for a in solution.assignments)
    assert sum(float(p) for p in frame["pay"]) == pytest.approx(expected, abs=0.005 * len(frame))
    for row in frame.to_dict("records"):
        assert float(row["pay"]) == pytest.approx(float(row["hours"]) * float(row["rate"]), abs=0.01)


def test_payroll_period_keeps_the_details_starting_in_it() -> None:
    instance, solution = kc_week(), kc_week_solution()
    day = Period(dt.date(2026, 9, 18), dt.date(2026, 9, 18))
    frame = payroll_frame(instance, solution, day)
    assert len(frame) == sum(in_period(a, day) for a in solution.assignments) > 0


FORMULAS = ["=HYPERLINK(\"http://x\",\"pay\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_payroll_escapes_cells_a_spreadsheet_would_run() -> None:
    """OWASP CSV injection: every cell quoted, and a `'` before = + - @ tab and carriage return."""
    raw = {"members": [{"id": f"M{i}", "name": text, "seniority_date": "2000-01-01"}
                       for i, text in enumerate(FORMULAS)],
           "employers": [{"id": "=E1", "name": "@Evil Corp"}],
           "events": [{"id": "EV1", "employer": "=E1", "name": "-Gala", "shifts": [
               {"id": "S1", "start": "2026-09-13T10:00:00-05:00", "end": "2026-09-13T14:00:00-05:00",
                "positions": [{"id": "P1", "count": len(FORMULAS), "pay_rate": 50.0}]}]}]}
    instance = parse_instance(raw)
    solution = Solution.model_validate({
        "status": "feasible", "strategy": "seniority", "candidates": "all_eligible",
        "assignments": [{"member": f"M{i}", "position": "P1", "shift": "S1", "event": "EV1", "start": "",
                         "end": "", "hours": 4.0, "pay_rate": 50.0} for i in range(len(FORMULAS))]})
    data = payroll_csv(payroll_frame(instance, solution))
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert all(line.startswith('"') for line in lines if line)  # every cell quoted
    rows = read_csv(data)
    assert rows[0] == PAYROLL_COLUMNS
    names = [r[2] for r in rows[1:]]
    assert names == ["'" + t for t in FORMULAS]
    assert {r[4] for r in rows[1:]} == {"'=E1"} and {r[12] for r in rows[1:]} == {"'@Evil Corp"}
    assert {r[11] for r in rows[1:]} == {"'-Gala"}
    for row in rows[1:]:  # numbers and times are left alone
        assert row[7:10] == ["4.00", "50.00", "200.00"]
        assert row[5] == "2026-09-13T10:00:00-05:00"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_a_solution_of_another_instance_is_refused() -> None:
    solution = Solution.model_validate({
        "status": "feasible", "strategy": "seniority", "candidates": "all_eligible",
        "assignments": [{"member": "Z9", "position": "P1", "shift": "S", "event": "E", "start": "", "end": "",
                         "hours": 1.0, "pay_rate": 50.0}]})
    with pytest.raises(SolutionProblem) as info:
        check_solution(kc_week(), solution)
    assert info.value.exit_code == 15
    assert info.value.problems == ["assignments[0].member: no member with id 'Z9' in the instance",
                                   "assignments[0].position: no position with id 'P1' in the instance"]


# --- invoices ----------------------------------------------------------------------------------------


def expected_pay_by(key: str, period: Period) -> dict[str, float]:
    """Σ hours × pay_rate of the solution's assignments in the period, by employer or event."""
    instance, solution = kc_week(), kc_week_solution()
    employer_of = {e.id: e.employer for e in instance.events}
    out: dict[str, float] = defaultdict(float)
    for a in solution.assignments:
        if in_period(a, period):
            out[employer_of[a.event] if key == "employer" else a.event] += a.hours * a.pay_rate
    return dict(out)


@pytest.mark.parametrize("by", ["employer", "event"])
def test_invoice_pay_is_hours_times_rate_of_the_solution(by: str) -> None:
    items = invoices(kc_week(), kc_week_solution(), WEEK, by=by)  # type: ignore[arg-type]
    expected = expected_pay_by(by, WEEK)
    got = {(i.employer if by == "employer" else i.event): i for i in items}
    assert set(got) == set(expected)
    for key, invoice in got.items():
        # each position's line is rounded to the cent once
        assert float(invoice.subtotal) == pytest.approx(expected[key], abs=0.005 * len(invoice.lines) + 1e-9)
    assert sum(float(i.subtotal) for i in items) == pytest.approx(sum(expected.values()), abs=0.005 * sum(
        len(i.lines) for i in items))


def test_invoice_fees_come_from_the_policy() -> None:
    instance, solution = kc_week(), kc_week_solution()
    chiefs = next(i for i in invoices(instance, solution, WEEK) if i.employer_name == "Kansas City Chiefs")
    mine = [a for a in solution.assignments if in_period(a, WEEK) and a.event in set(chiefs.lines["event"])]
    hours = sum(a.hours for a in mine)
    pay = float(chiefs.subtotal)
    fees = {f.label: float(f.amount) for f in chiefs.fees}
    assert fees["administrative fee per hour"] == pytest.approx(hours * FEES["per_hour"], abs=0.01)
    assert fees["administrative fee on pay"] == pytest.approx(pay * FEES["percent_of_pay"] / 100, abs=0.01)
    assert fees["fee per event"] == pytest.approx(len({a.event for a in mine}) * FEES["per_event"])
    assert fees["fee per assignment"] == pytest.approx(len(mine) * FEES["per_assignment"])
    assert float(chiefs.total) == pytest.approx(pay + sum(fees.values()), abs=1e-9)


def test_invoice_without_fees_bills_pay_alone() -> None:
    raw = kc_week().model_dump(mode="json")
    raw["policy"]["invoice_fees"] = {}
    instance = parse_instance(raw)
    for invoice in invoices(instance, kc_week_solution(), WEEK):
        assert invoice.fees == [] and invoice.total == invoice.subtotal


def test_invoice_csv_and_pdf_carry_the_same_total() -> None:
    from pypdf import PdfReader

    instance, solution = kc_week(), kc_week_solution()
    items = invoices(instance, solution, WEEK)
    invoice = max(items, key=lambda i: len(i.lines))
    rows = read_csv(invoice_csv(invoice))
    assert rows[0][0] == "section" and rows[-1][0] == "total"
    assert Decimal(rows[-1][-1]) == invoice.total
    assert [r[0] for r in rows].count("line") == len(invoice.lines)
    assert sum(Decimal(r[-1]) for r in rows if r[0] in ("line", "fee")) == invoice.total
    pdf = invoice_pdf(invoice, "Kansas City Police Department")
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Total due {invoice.total:,.2f}" in text
    assert invoice.employer_name in text and "Kansas City Police Department" in text


def test_write_invoices_and_summary(tmp_path: Path) -> None:
    out = tmp_path
    items = invoices(kc_week(), kc_week_solution(), WEEK, by="event")
    paths = write_invoices(items[:3], out, pdf=True)
    assert {p.suffix for p in paths} == {".csv", ".pdf"} and (out / "invoices.csv") in paths
    summary = summary_frame(items)
    assert len(summary) == len(items)
    assert sum(Decimal(t) for t in summary["total"]) == sum(i.total for i in items)
    assert summary_frame([]).empty
