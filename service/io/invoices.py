"""Employer invoices for a period: officers' hours × rate per position, plus the policy's fees.

    for invoice in invoices(instance, solution, Period(first, last), by="employer"):
        invoice.total, invoice_csv(invoice), invoice_pdf(invoice)

One invoice per employer (its events of the period, each with its positions), or one per event
(`by="event"`). A line is one position: the officers assigned, their hours and the amount, hours ×
rate rounded half up to the cent. Fees come from `policy.invoice_fees` (pillar 4 of the
five-pillars text: accurate rates and equipment fees): per billed hour, a percentage of the
officers' pay, per event, per assignment; each rounded to the cent, zero fees left out. The PDF is
made with fpdf2 (pure Python) in DejaVu Sans (shipped with matplotlib) so any name prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pandas as pd

from offduty.models.instance import Instance
from offduty.models.solution import Solution
from offduty.service.io.cells import escape_formula
from offduty.service.io.exporter import csv_bytes
from offduty.service.io.roster import Period, hours_text, money, pay_of, roster_frame

InvoiceBy = Literal["employer", "event"]
LINE_COLUMNS = ["event", "event_name", "date", "position", "start", "end", "officers", "minutes", "hours",
                "rate", "amount"]


@dataclass(frozen=True)
class Fee:
    label: str
    basis: str
    amount: Decimal


@dataclass
class Invoice:
    """One invoice: `lines` has `LINE_COLUMNS` (amount a Decimal), one row per position."""

    number: str
    employer: str
    employer_name: str
    period: Period
    lines: pd.DataFrame
    fees: list[Fee] = field(default_factory=list)
    event: str | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum(self.lines["amount"], Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + sum((f.amount for f in self.fees), Decimal(0))

    @property
    def hours(self) -> float:
        return float(self.lines["hours"].sum())


def invoices(instance: Instance, solution: Solution, period: Period | None = None,
             by: InvoiceBy = "employer") -> list[Invoice]:
    """The invoices of every employer (or event) that had assignments in the period."""
    period = period or Period()
    roster = roster_frame(instance, solution, period)
    if roster.empty:
        return []
    out = []
    key = "employer" if by == "employer" else "event"
    for ident, rows in roster.groupby(key, sort=False):
        first = rows.iloc[0]
        lines = _lines(rows)
        number = f"{ident}-{_period_tag(period)}"
        invoice = Invoice(number, str(first["employer"]), str(first["employer_name"]), period, lines,
                          event=str(ident) if by == "event" else None)
        invoice.fees = _fees(instance, invoice, n_events=rows["event"].nunique(), n_assignments=len(rows))
        out.append(invoice)
    return out


def _period_tag(period: Period) -> str:
    """`20260901-20260930`, `from-20260901`, `to-20260930` or `all`."""
    first = f"{period.first:%Y%m%d}" if period.first else None
    last = f"{period.last:%Y%m%d}" if period.last else None
    if first and last:
        return f"{first}-{last}"
    return f"from-{first}" if first else f"to-{last}" if last else "all"


def _lines(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby("position", sort=False).agg(
        event=("event", "first"), event_name=("event_name", "first"), date=("date", "first"),
        start=("start", "first"), end=("end", "first"), officers=("member", "size"),
        minutes=("minutes", "sum"), rate=("rate", "first"), start_min=("start_min", "first"))
    grouped = grouped.reset_index().sort_values(["start_min", "event", "position"], kind="stable")
    grouped["hours"] = grouped["minutes"] / 60
    amounts = [pay_of(int(m), float(r)) for m, r in zip(grouped["minutes"], grouped["rate"], strict=True)]
    grouped["amount"] = pd.Series(amounts, index=grouped.index, dtype=object)
    return grouped[LINE_COLUMNS].reset_index(drop=True)


def _fees(instance: Instance, invoice: Invoice, n_events: int, n_assignments: int) -> list[Fee]:
    fees = instance.policy.invoice_fees
    hours = Decimal(int(invoice.lines["minutes"].sum())) / 60
    candidates = [
        Fee("administrative fee per hour", f"{hours_text(float(hours))} h × {fees.per_hour:.2f}",
            money(hours * Decimal(repr(fees.per_hour)))),
        Fee("administrative fee on pay", f"{fees.percent_of_pay:g} % of {invoice.subtotal:.2f}",
            money(invoice.subtotal * Decimal(repr(fees.percent_of_pay)) / 100)),
        Fee("fee per event", f"{n_events} × {fees.per_event:.2f}",
            money(n_events * Decimal(repr(fees.per_event)))),
        Fee("fee per assignment", f"{n_assignments} × {fees.per_assignment:.2f}",
            money(n_assignments * Decimal(repr(fees.per_assignment)))),
    ]
    return [f for f in candidates if f.amount > 0]


# --- CSV -----------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "event", "event_name", "date", "position", "start", "end", "officers", "hours",
               "rate", "amount"]


def invoice_rows(invoice: Invoice) -> list[list[str]]:
    """The invoice as one table: `line` rows, then `fee` rows, then `subtotal` and `total`."""
    rows = [["line", str(r["event"]), str(r["event_name"]), r["date"].isoformat(), str(r["position"]),
             f"{r['start']:%H:%M}", f"{r['end']:%H:%M}", str(r["officers"]), hours_text(r["hours"]),
             f"{r['rate']:.2f}", f"{r['amount']:.2f}"] for r in invoice.lines.to_dict("records")]
    rows.append(["subtotal", "", "", "", "officers' pay", "", "", str(int(invoice.lines["officers"].sum())),
                 hours_text(invoice.hours), "", f"{invoice.subtotal:.2f}"])
    rows += [["fee", "", "", "", f.label, "", "", "", "", f.basis, f"{f.amount:.2f}"] for f in invoice.fees]
    rows.append(["total", "", "", "", "", "", "", "", "", "", f"{invoice.total:.2f}"])
    return rows


def invoice_csv(invoice: Invoice) -> bytes:
    return csv_bytes(CSV_COLUMNS, invoice_rows(invoice), quote_all=True, escape=escape_formula)


def summary_frame(items: list[Invoice]) -> pd.DataFrame:
    """One row per invoice: number, employer, event, lines, officers, hours, pay, fees, total."""
    return pd.DataFrame([{
        "invoice": inv.number, "employer": inv.employer, "employer_name": inv.employer_name,
        "event": inv.event or "", "positions": len(inv.lines),
        "assignments": int(inv.lines["officers"].sum()),
        "hours": round(inv.hours, 4), "pay": f"{inv.subtotal:.2f}",
        "fees": f"{inv.total - inv.subtotal:.2f}", "total": f"{inv.total:.2f}",
    } for inv in items], columns=["invoice", "employer", "employer_name", "event", "positions", "assignments",
                                  "hours", "pay", "fees", "total"])


# --- PDF -----------------------------------------------------------------------------------------


def _font_path() -> str | None:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return None
    path = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    return path if os.path.exists(path) else None


def invoice_pdf(invoice: Invoice, issuer: str = "") -> bytes:
    """The invoice as a one-or-more-page PDF (US Letter)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_title(f"Invoice {invoice.number}")
    pdf.set_creator("offduty")
    font = _font_path()
    family = "DejaVu" if font else "Helvetica"
    if font:
        pdf.add_font(family, "", font)
    pdf.add_page()
    pdf.set_font(family, size=16)
    pdf.cell(0, 9, "Invoice", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    head = [f"Invoice number: {invoice.number}",
            f"Bill to: {invoice.employer_name or invoice.employer} ({invoice.employer})",
            f"Period: {invoice.period.label}"]
    if invoice.event:
        head.append(f"Event: {invoice.lines['event_name'].iloc[0] or invoice.event} ({invoice.event})")
    if issuer:
        head.insert(0, f"From: {issuer}")
    for text in head:
        pdf.cell(0, 6, _printable(text, font), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, size=8)
    header = ("Date", "Event", "Position", "Time", "Officers", "Hours", "Rate", "Amount")
    right = ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    with pdf.table(col_widths=(20, 50, 38, 22, 14, 16, 14, 22), text_align=right,
                   headings_style=FontFace(emphasis=None, fill_color=(225, 225, 225))) as table:
        table.row(header)
        dash = "–" if font else "-"
        for r in invoice.lines.to_dict("records"):
            table.row([r["date"].isoformat(), _printable(str(r["event_name"] or r["event"]), font),
                       _printable(str(r["position"]), font), f"{r['start']:%H:%M}{dash}{r['end']:%H:%M}",
                       str(r["officers"]), hours_text(r["hours"]), f"{r['rate']:.2f}", f"{r['amount']:,.2f}"])
    pdf.ln(3)
    pdf.set_font(family, size=10)
    totals = [("Officers' pay", f"{invoice.subtotal:,.2f}")]
    totals += [(f"{f.label} ({f.basis})", f"{f.amount:,.2f}") for f in invoice.fees]
    totals.append(("Total due", f"{invoice.total:,.2f}"))
    for label, amount in totals:
        pdf.cell(150, 6, _printable(label, font), align="R")
        pdf.cell(0, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _printable(text: str, unicode_font: str | None) -> str:
    """The core PDF fonts know Latin-1 only; without the Unicode font, replace the rest."""
    return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")


def write_invoices(items: list[Invoice], out: str | Path, *, pdf: bool = True,
                   issuer: str = "") -> list[Path]:
    """`<number>.csv` (and `.pdf`) per invoice and `invoices.csv` (the summary) in `out`."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for inv in items:
        stem = _safe_name(inv.number)
        paths.append(directory / f"invoice-{stem}.csv")
        paths[-1].write_bytes(invoice_csv(inv))
        if pdf:
            paths.append(directory / f"invoice-{stem}.pdf")
            paths[-1].write_bytes(invoice_pdf(inv, issuer))
    summary = summary_frame(items)
    paths.append(directory / "invoices.csv")
    paths[-1].write_bytes(csv_bytes(list(summary.columns), summary.astype(str).values.tolist(),
                                    quote_all=True, escape=escape_formula))
    return paths


def _safe_name(text: str) -> str:
    """An id as a file name: letters, digits, `-`, `_` and `.` kept, the rest `_`."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text).lstrip(".") or "invoice"
