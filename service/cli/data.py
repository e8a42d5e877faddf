"""Commands that move data in and out: import, export-csv, payroll, invoice, report KIND.

Parse the command line, call `service.io` / `service.reports`, render; nothing else. Exit codes
follow `service.cli.app`: 0 done, 2 usage, 3/4 a solution without a roster (infeasible/unknown),
10-17 bad input (the smallest class of the problems found, as for `solve`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from offduty.models.errors import InvalidInstance
from offduty.models.instance import Instance
from offduty.models.solution import Solution, SolveStatus
from offduty.models.validation import load_instance_file
from offduty.service.cli.app import STATUS_EXIT, Exit, app, console, out_console

#: Problems printed on the terminal; `--errors FILE` writes them all.
SHOWN_ERRORS = 200

report_app = typer.Typer(no_args_is_help=True, help="Reports as CSV, Markdown and a PNG chart.")
app.add_typer(report_app, name="report")


def _fail(message: str, code: int) -> typer.Exit:
    console.print(message, style="red", markup=False, highlight=False)
    return typer.Exit(code)


def _load_instance(path: Path) -> Instance:
    try:
        return load_instance_file(path)
    except InvalidInstance as exc:
        console.print(f"{path}: {len(exc.problems)} input problem(s)", style="bold red", markup=False)
        for p in exc.problems:
            console.print(f"  {p}", style="red", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None


def _load_pair(instance_path: Path, solution_path: Path) -> tuple[Instance, Solution]:
    """The instance and a solution of it that holds a roster, or exit with the right code."""
    from offduty.service.io.roster import SolutionProblem, check_solution, load_solution

    instance = _load_instance(instance_path)
    try:
        solution = load_solution(solution_path)
        check_solution(instance, solution)
    except SolutionProblem as exc:
        for line in exc.problems[:SHOWN_ERRORS]:
            console.print(line, style="red", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    if not solution.status.has_solution:
        code = STATUS_EXIT.get(solution.status, 11 if solution.status is SolveStatus.INVALID_INPUT else 1)
        raise _fail(f"{solution_path}: status {solution.status.value}, no roster to report on", int(code))
    return instance, solution


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (write 2026-09-14)") from None


def _month(value: str | None) -> str | None:
    if value is not None:
        try:
            dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a month (write 2026-09)") from None
    return value


def _period(first: str | None, last: str | None) -> Any:
    from offduty.service.io.roster import Period

    period = Period(_date(first), _date(last))
    if period.first and period.last and period.last < period.first:
        raise _fail("--to is before --from", Exit.USAGE)
    return period


FromOpt = Annotated[str | None, typer.Option("--from", help="first day (local date, e.g. 2026-09-14)")]
ToOpt = Annotated[str | None, typer.Option("--to", help="last day, included")]
InstanceArg = Annotated[Path, typer.Argument(metavar="INSTANCE.json")]
SolutionArg = Annotated[Path, typer.Argument(metavar="SOLUTION.json",
                                             help="a solution written by solve --out")]


# --- import / export-csv ---------------------------------------------------------------------------


def _file_option(what: str) -> Any:
    return typer.Option(help=f"{what} (.csv or .xlsx)", show_default=False)


@app.command("import")
def import_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="instance JSON to write")],
    members: Annotated[Path | None, _file_option("members, one row per member")] = None,
    tours: Annotated[Path | None, _file_option("on-duty tours")] = None,
    leaves: Annotated[Path | None, _file_option("leaves")] = None,
    employers: Annotated[Path | None, _file_option("employers")] = None,
    events: Annotated[Path | None, _file_option("events")] = None,
    shifts: Annotated[Path | None, _file_option("shifts of the events")] = None,
    positions: Annotated[Path | None, _file_option("positions of the shifts")] = None,
    applications: Annotated[Path | None, _file_option("sign-ups")] = None,
    assignments: Annotated[Path | None, _file_option("optional: the current roster")] = None,
    cancellations: Annotated[Path | None, _file_option("optional: cancellations")] = None,
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="take each file not given from here (members.csv or members.xlsx, ..., policy.json)",
    )] = None,
    policy: Annotated[Path | None, typer.Option(help="policy settings (JSON); default: DESIGN.md's")] = None,
    tz: Annotated[str | None, typer.Option(help="time zone of times written without an offset "
                                                "(default: the policy's, else America/Chicago)")] = None,
    name: Annotated[str | None, typer.Option(help="instance name (default: the output file's name)")] = None,
    ignore_extra_columns: Annotated[bool, typer.Option(help="skip unknown columns, do not fail")] = False,
    errors: Annotated[Path | None, typer.Option(help="also write every problem found to this CSV")] = None,
) -> None:
    """Read the agency's CSV/XLSX exports into a validated instance.

    The columns of each file are in docs/csv-format.md. Every problem of every file is reported
    at once (file, row, column); nothing is written unless all files are clean."""
    from offduty.service.io.importer import import_instance
    from offduty.service.io.schema import TABLES

    given = {"members": members, "tours": tours, "leaves": leaves, "employers": employers, "events": events,
             "shifts": shifts, "positions": positions, "applications": applications,
             "assignments": assignments, "cancellations": cancellations}
    files = {k: v for k, v in given.items() if v is not None}
    if directory is not None:
        files = {**_files_in(directory), **files}
        if policy is None and (directory / "policy.json").exists():
            policy = directory / "policy.json"
    missing = [f"--{k}" for k, t in TABLES.items() if not t.optional and k not in files]
    if missing:
        raise _fail(f"missing input file(s): {', '.join(missing)} "
                    f"(or --dir DIR holding {', '.join(TABLES)}.csv)", Exit.USAGE)
    result = import_instance(files, policy=policy, tz=tz, name=out.stem if name is None else name,
                             ignore_extra_columns=ignore_extra_columns)
    if errors is not None:
        _write_errors(errors, result.errors)
    if result.instance is None:
        _print_import_errors(result.errors, errors)
        raise typer.Exit(result.exit_code)
    _write_atomic(out, result.instance.model_dump_json(indent=1).encode("utf-8"))
    inst = result.instance
    positions_n = sum(len(s.positions) for e in inst.events for s in e.shifts)
    out_console.print(f"{out}: {len(inst.members)} members, {sum(len(m.tours) for m in inst.members)} tours, "
                      f"{sum(len(m.leaves) for m in inst.members)} leaves, {len(inst.employers)} employers, "
                      f"{len(inst.events)} events, {positions_n} positions, "
                      f"{len(inst.applications)} applications",
                      markup=False, highlight=False)


def _files_in(directory: Path) -> dict[str, Path]:
    from offduty.service.io.schema import TABLES

    found = {}
    for key in TABLES:
        for suffix in (".csv", ".xlsx"):
            path = directory / f"{key}{suffix}"
            if path.exists():
                found[key] = path
                break
    return found


def _print_import_errors(errors: list[Any], errors_file: Path | None) -> None:
    console.print(f"{len(errors)} problem(s) in the input files; nothing written", style="bold red",
                  markup=False)
    for e in errors[:SHOWN_ERRORS]:
        console.print(f"  {e}", style="red", markup=False, highlight=False)
    if len(errors) > SHOWN_ERRORS:
        hint = f"all of them are in {errors_file}" if errors_file else "--errors FILE writes them all"
        console.print(f"  … and {len(errors) - SHOWN_ERRORS} more ({hint})", markup=False)
    if any("unknown column" in e.message for e in errors):
        console.print("(--ignore-extra-columns skips columns offduty does not know)", markup=False)


def _write_errors(path: Path, errors: list[Any]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["file", "row", "column", "cell", "message", "kind"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(e.to_dict() for e in errors)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_atomic(path: Path, content: bytes) -> None:
    """Write next to the target, then rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@app.command("export-csv")
def export_csv(
    instance_path: InstanceArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="directory for the CSV files and policy.json")],
) -> None:
    """Write an instance as the CSV files `import` reads; they import back to the same instance.

    Files: members.csv ... applications.csv (assignments.csv and cancellations.csv when the instance
    has some) and policy.json."""
    from offduty.service.io.exporter import write_csv_dir

    instance = _load_instance(instance_path)
    try:
        paths = write_csv_dir(instance, out)
    except ValueError as exc:
        raise _fail(f"{instance_path}: cannot be written as CSV: {exc}", 11) from None
    out_console.print(f"written: {', '.join(p.name for p in paths)} in {out}", markup=False, highlight=False)
    out_console.print(f"import them back with: offduty import --dir {shlex.quote(str(out))} "
                      f"--name {shlex.quote(instance.name)} -o INSTANCE.json", markup=False, highlight=False)


# --- payroll and invoices ------------------------------------------------------------------------


@app.command()
def payroll(
    instance_path: InstanceArg,
    solution_path: SolutionArg,
    first: FromOpt = None,
    last: ToOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="payroll CSV to write")] = Path("payroll.csv"),
) -> None:
    """The assignments CSV for payroll, one row per member per detail.

    Columns: member, serial, name, event, employer, start, end, hours, rate, pay (then position,
    event_name, employer_name); cells are escaped against spreadsheet formulas."""
    from offduty.service.io.payroll import payroll_csv, payroll_frame

    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    frame = payroll_frame(instance, solution, period)
    _write_atomic(out, payroll_csv(frame))
    total = sum(float(p) for p in frame["pay"])
    hours = sum(float(h) for h in frame["hours"])
    out_console.print(f"{out}: {len(frame)} assignments of {frame['member'].nunique()} members, "
                      f"{hours:,.2f} hours, pay {total:,.2f} ({period.label})", markup=False, highlight=False)


@app.command()
def invoice(
    instance_path: InstanceArg,
    solution_path: SolutionArg,
    first: FromOpt = None,
    last: ToOpt = None,
    by: Annotated[str, typer.Option(help="one invoice per employer or per event")] = "employer",
    employer: Annotated[str | None, typer.Option(help="only this employer's invoices (id)")] = None,
    pdf: Annotated[bool, typer.Option(help="also write each invoice as PDF")] = True,
    issuer: Annotated[str, typer.Option(help="the agency named on the invoices")] = "",
    out: Annotated[Path, typer.Option("--out", "-o", help="directory for the invoices")] = Path("invoices"),
) -> None:
    """Employer invoices for a period: hours × rate per position plus the policy's fees, as CSV and PDF."""
    from offduty.service.io.invoices import invoices, write_invoices

    if by not in ("employer", "event"):
        raise _fail(f"--by is employer or event, not {by!r}", Exit.USAGE)
    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    if employer is not None and employer not in {e.id for e in instance.employers}:
        raise _fail(f"no employer with id {employer!r} in {instance_path}", 15)
    items = invoices(instance, solution, period, by="employer" if by == "employer" else "event")
    if employer is not None:
        items = [i for i in items if i.employer == employer]
    paths = write_invoices(items, out, pdf=pdf, issuer=issuer)
    table = Table(title=f"{len(items)} invoice(s), {period.label}", title_justify="left")
    for col in ("invoice", "bill to", "positions", "hours", "pay", "fees", "total"):
        table.add_column(col, justify="left" if col in ("invoice", "bill to") else "right")
    for i in items[:30]:
        fees = i.total - i.subtotal
        table.add_row(escape(i.number), escape(i.employer_name or i.employer), str(len(i.lines)),
                      f"{i.hours:,.2f}", f"{i.subtotal:,.2f}", f"{fees:,.2f}", f"{i.total:,.2f}")
    out_console.print(table)
    out_console.print(f"written: {len(paths)} file(s) in {out} (summary: {out / 'invoices.csv'})",
                      markup=False, highlight=False)


# --- reports -------------------------------------------------------------------------------------

OutDirOpt = Annotated[Path, typer.Option("--out", "-o", help="directory for the CSV, Markdown and PNG")]
DEFAULT_REPORT_DIR = Path("reports")


def _render(make: Callable[[], Any], out: Path) -> None:
    from offduty.service.reports.base import ReportError, cell_text, write_report

    try:
        report = make()
    except ReportError as exc:
        raise _fail(str(exc), Exit.USAGE) from None
    paths = write_report(report, out)
    for line in report.summary:
        out_console.print(line, markup=False, highlight=False)
    table = Table(title=escape(report.title), title_justify="left")
    for col in report.table.columns:
        table.add_column(escape(str(col)))
    for row in report.table.head(15).itertuples(index=False):
        table.add_row(*(escape(cell_text(v)) for v in row))
    out_console.print(table)
    if len(report.table) > 15:
        out_console.print(f"… {len(report.table) - 15} more rows in {paths[0]}", markup=False,
                          highlight=False)
    out_console.print(f"written: {', '.join(str(p) for p in paths)}", markup=False, highlight=False)


@report_app.command("hours")
def report_hours(instance_path: InstanceArg, solution_path: SolutionArg, first: FromOpt = None,
                 last: ToOpt = None, out: OutDirOpt = DEFAULT_REPORT_DIR) -> None:
    """Hours per member, with the margins under the 16-hour work day and the weekly cap."""
    from offduty.service.reports.hours import hours_report

    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    _render(lambda: hours_report(instance, solution, period), out)


@report_app.command("supervisors")
def report_supervisors(
    instance_path: InstanceArg, solution_path: SolutionArg,
    month: Annotated[str | None, typer.Option(help="the month to verify, e.g. 2026-09 (default: last month)")]
    = None,
    out: OutDirOpt = DEFAULT_REPORT_DIR,
) -> None:
    """The monthly verification list, grouped by supervisor (§III.K)."""
    from offduty.service.io.roster import Period
    from offduty.service.reports.supervisors import supervisor_report

    month = _month(month) or (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    instance, solution = _load_pair(instance_path, solution_path)
    _render(lambda: supervisor_report(instance, solution, Period.month(month)), out)


@report_app.command("schedule")
def report_schedule(
    instance_path: InstanceArg, solution_path: SolutionArg,
    member: Annotated[str, typer.Option(help="member id")],
    first: FromOpt = None, last: ToOpt = None, out: OutDirOpt = DEFAULT_REPORT_DIR,
) -> None:
    """One member's secondary employment schedule (§III.L)."""
    from offduty.service.reports.schedule import schedule_report

    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    _render(lambda: schedule_report(instance, solution, member, period), out)


@report_app.command("fairness")
def report_fairness(
    instance_path: InstanceArg,
    solution_paths: Annotated[list[Path], typer.Argument(
        metavar="SOLUTION.json...", help="one or more solutions (e.g. one per strategy)")],
    first: FromOpt = None, last: ToOpt = None, out: OutDirOpt = DEFAULT_REPORT_DIR,
) -> None:
    """Fairness over a period: Gini and the hours distribution per strategy."""
    from offduty.service.reports.fairness import fairness_report

    period = _period(first, last)
    pairs = [_load_pair(instance_path, p) for p in solution_paths]
    instance = pairs[0][0]
    labels = [s.strategy for _, s in pairs]
    named = [(f"{label} ({p.stem})" if labels.count(label) > 1 else label, s)
             for label, p, (_, s) in zip(labels, solution_paths, pairs, strict=True)]
    _render(lambda: fairness_report(instance, named, period), out)


@report_app.command("unfilled")
def report_unfilled(instance_path: InstanceArg, solution_path: SolutionArg, first: FromOpt = None,
                    last: ToOpt = None, out: OutDirOpt = DEFAULT_REPORT_DIR) -> None:
    """Unfilled positions and the reasons, by employer and venue."""
    from offduty.service.reports.unfilled import unfilled_report

    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    _render(lambda: unfilled_report(instance, solution, period), out)


@report_app.command("employers")
def report_employers(
    instance_path: InstanceArg, solution_path: SolutionArg, first: FromOpt = None, last: ToOpt = None,
    top: Annotated[int, typer.Option(help="employers on the page and the chart", min=1)] = 20,
    out: OutDirOpt = DEFAULT_REPORT_DIR,
) -> None:
    """Top employers by hours and pay."""
    from offduty.service.reports.employers import employers_report

    period = _period(first, last)
    instance, solution = _load_pair(instance_path, solution_path)
    _render(lambda: employers_report(instance, solution, period, top), out)
