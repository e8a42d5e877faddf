"""Commands on a published roster, on files, without a server: resolve (re-solve after
cancellations, with a change report), cancel, cancellations, approve, deny, transfer.

    offduty resolve INSTANCE.json --roster solution.json --cancellations c.json --out new.json
    offduty resolve --batch DIR --out OUTDIR --workers 2
    offduty cancel INSTANCE.json --roster solution.json --cancellations c.json \\
        --member M1042 --position EV1-S1-gate --reason illness --comment "Unable to work."
    offduty cancellations c.json
    offduty approve c.json C1a2b3c4d5 --by coordinator
    offduty deny c.json C1a2b3c4d5 --by coordinator --note "Please find a replacement first."
    offduty transfer INSTANCE.json --roster solution.json --from M1042 --to M2001 \\
        --position EV1-S1-gate --out new.json

They parse, call `offduty.service.usecases`, and render. A refused request (§IV.D: a missing
reason or comment, medical details, a member who cannot take a transfer...) exits 2 with the
field and the reason; an unreadable file exits 10.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from offduty.service import usecases as uc
from offduty.service.cli.app import STATUS_EXIT, Exit, app, console, out_console
from offduty.service.cli.solving import StrategyOpt, TimeLimitOpt, check_strategy, load, summary_table
from offduty.service.usecases import cancellations as cx
from offduty.service.usecases import roster_files as files

UNREADABLE = 10

RosterOpt = Annotated[Path | None, typer.Option("--roster", help="the published roster: a solution JSON")]
CancellationsOpt = Annotated[Path | None, typer.Option(
    "--cancellations", help="cancellations file (records from `offduty cancel`, or instance-format ones)")]
ByOpt = Annotated[str, typer.Option("--by", help="who decides (recorded with the decision)")]


def _refuse(message: str, code: int = Exit.USAGE) -> NoReturn:
    console.print(f"[bold red]refused[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _file_error(exc: files.RosterFileError) -> NoReturn:
    console.print(f"[bold red]{escape(str(exc))}[/]", highlight=False)
    raise typer.Exit(UNREADABLE)


def _roster(instance: uc.Instance, path: Path | None) -> set[tuple[str, str]]:
    if path is None:
        return {(a.member, a.position) for a in instance.assignments}
    try:
        return files.load_roster(path)
    except files.RosterFileError as exc:
        _file_error(exc)


def _entries(path: Path | None) -> list[cx.CancellationRecord | uc.Cancellation]:
    if path is None:
        return []
    try:
        return files.load_cancellations(path)
    except files.RosterFileError as exc:
        _file_error(exc)


def _records(path: Path) -> list[cx.CancellationRecord]:
    try:
        return files.records_only(path, files.load_cancellations(path))
    except files.RosterFileError as exc:
        _file_error(exc)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _parse_at(at: str | None) -> dt.datetime:
    if at is None:
        return _now()
    try:
        value = dt.datetime.fromisoformat(at)
    except ValueError:
        _refuse(f"--at: {at!r} is not an ISO 8601 time")
    if value.tzinfo is None:
        _refuse(f"--at: {at!r} has no UTC offset (e.g. 2026-09-11T09:00:00-05:00)")
    return value


# --- resolve -------------------------------------------------------------------------------------


@app.command()
def resolve(
    instance_path: Annotated[Path | None, typer.Argument(metavar="INSTANCE.json")] = None,
    roster: RosterOpt = None,
    cancellations: CancellationsOpt = None,
    out: Annotated[Path | None, typer.Option(help="write the new roster (solution JSON) here")] = None,
    report: Annotated[Path | None, typer.Option(help="write the change report (JSON) here")] = None,
    freeze: Annotated[bool, typer.Option(help="nobody on the published roster may move")] = False,
    max_changes: Annotated[int | None, typer.Option(help="at most this many changes", min=0)] = None,
    strategy: StrategyOpt = "seniority",
    time_limit: TimeLimitOpt = 60.0,
    batch: Annotated[Path | None, typer.Option(
        help="a directory of re-solve instances (published assignments and cancellations inside)")] = None,
    workers: Annotated[int, typer.Option(help="--batch: processes solving groups at once", min=1)] = 1,
) -> None:
    """Refill the positions cancellations vacated, keeping everyone else (changes proven minimal).

    Tiers: 1 coverage, 2 fewest changes (a move counts two), 3 the strategy over the newcomers.
    The published roster is --roster (else the instance's assignments); the cancellations in
    force are those of --cancellations (approved or immediate; pending ones keep the member)."""
    check_strategy(strategy)
    options = uc.Resolve(freeze=freeze, max_changes=max_changes)
    params = uc.SolveParams(strategy=strategy, time_limit=time_limit, resolve=options)
    if batch is not None:
        _resolve_batch(batch, params, out, workers)
        return
    if instance_path is None:
        _refuse("give INSTANCE.json, or --batch DIR")
    base = load(instance_path)
    entries = _entries(cancellations)
    in_force = files.in_force_of(entries) if cancellations is not None else list(base.cancellations)
    try:
        instance = uc.with_roster(base, _roster(base, roster), in_force)
    except uc.InvalidInstance as exc:
        for p in exc.problems:
            console.print(f"  [red]{escape(p.path or '(file)')}[/]: {escape(p.message)}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    try:
        with console.status("re-solving …"):
            resolved = uc.resolve(instance, params)
    except uc.RosterRejected as exc:
        _refuse(str(exc), Exit.INTERNAL_ERROR)
    result = resolved.result
    written = uc.write_solution(result, out)
    if report is not None:
        report.write_text(resolved.report.model_dump_json(indent=2), encoding="utf-8")
        written.append(report)
    # the summary's "changes" is the report's: the symmetric difference less the cancelled pairs
    shown = result.model_copy(update={"metrics": {**result.metrics, "changes": resolved.report.changes}})
    out_console.print(summary_table(instance, shown))
    out_console.print(change_table(resolved.report))
    if written:
        out_console.print("written: " + ", ".join(str(p) for p in written), markup=False)
    raise typer.Exit(STATUS_EXIT[result.status])


def change_table(report: uc.ChangeReport) -> Table:
    lines = report.lines()
    table = Table(title=lines[0], title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("who / where")
    table.add_column("why")
    for a in report.added:
        table.add_row("added", escape(f"{a.member} on {a.position}"), escape(a.why))
    for m in report.moved:
        table.add_row("moved", escape(f"{m.member}: {m.from_position} → {m.to_position}"), escape(m.why))
    for r in report.removed:
        table.add_row("removed", escape(f"{r.member} from {r.position}"), escape(r.why))
    for e in report.left_empty:
        table.add_row("[yellow]empty[/]", escape(f"{e.position} ({e.missing} missing)"), escape(e.why))
    return table


def _resolve_batch(directory: Path, params: uc.SolveParams, out: Path | None, workers: int) -> None:
    try:
        outcome = uc.resolve_batch_dir(directory, params, workers=workers)
    except uc.InvalidInstance as exc:
        console.print(f"[bold red]{len(exc.problems)} input problem(s)[/]")
        for p in exc.problems:
            console.print(f"  [red]{escape(p.path or '(file)')}[/]: {escape(p.message)}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except uc.BatchError as exc:
        _refuse(str(exc), UNREADABLE)
    title = (f"batch {escape(str(directory))}: {len(outcome.groups)} group(s), {workers} worker(s), "
             f"{outcome.wall_s:.2f} s")
    table = Table(title=title, title_justify="left")
    for col in ("file", "group", "events", "status", "changes", "proof", "filled", "solve s"):
        table.add_column(col)
    for g in outcome.groups:
        table.add_row(escape(g.file), str(g.group), escape(", ".join(g.events)), g.status, str(g.changes),
                      g.proof, f"{g.filled}/{g.required}", f"{g.total_s:.2f}")
    out_console.print(table)
    out_console.print(f"total: {outcome.changes} change(s), {outcome.filled}/{outcome.required} filled, "
                      f"status {outcome.status}", markup=False)
    if out is not None:
        paths = uc.write_batch(outcome, out)
        out_console.print(f"written: {len(paths)} file(s) in {out}", markup=False)
    raise typer.Exit(Exit.SOLVED if outcome.status in ("optimal", "feasible") else Exit.NO_SOLUTION)


# --- cancellations -------------------------------------------------------------------------------


@app.command()
def cancel(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    cancellations: Annotated[Path, typer.Option("--cancellations", help="the cancellations file to add to")],
    member: Annotated[str, typer.Option(help="the member cancelling")],
    position: Annotated[str, typer.Option(help="the position they cancel")],
    comment: Annotated[str | None, typer.Option(
        help="required for every self-cancellation (§IV.D.3.c)")] = None,
    reason: Annotated[str | None, typer.Option(help="reason code; required within the notice period")] = None,
    at: Annotated[str | None, typer.Option(help="when the member cancels (ISO 8601; default now)")] = None,
    roster: RosterOpt = None,
) -> None:
    """A member's self-cancellation (§IV.D): immediate more than 14 days ahead, else pending."""
    instance = load(instance_path)
    records = _records(cancellations) if cancellations.exists() else []
    try:
        record = cx.request_cancellation(instance, _roster(instance, roster), records, member=member,
                                         position=position, at=_parse_at(at), reason=reason, comment=comment)
    except cx.CancellationError as exc:
        _refuse(str(exc))
    files.write_cancellations(cancellations, [*records, record])
    if record.pending:
        out_console.print(f"{record.id}: cancel_pending — {member} keeps {position} until the coordinator "
                          f"approves or denies (§IV.D.3.d)", markup=False)
    else:
        out_console.print(f"{record.id}: cancelled — {position} is released; `offduty resolve` refills it",
                          markup=False)


@app.command("cancellations")
def list_cancellations(
    cancellations: Annotated[Path, typer.Argument(metavar="CANCELLATIONS.json")],
) -> None:
    """The cancellations of a file and their state."""
    table = Table(title=escape(str(cancellations)), title_justify="left")
    for col in ("id", "member", "position", "requested", "detail starts", "reason", "status", "decided by"):
        table.add_column(col)
    for r in _records(cancellations):
        requested, starts = (t.isoformat(timespec="minutes") for t in (r.requested_at, r.detail_start))
        table.add_row(r.id, escape(r.member), escape(r.position), requested, starts,
                      escape(r.reason or "—"), r.status.value, escape(r.decided_by or "—"))
    out_console.print(table)


def _decide(cancellations: Path, cancellation_id: str, approve: bool, by: str, note: str | None) -> None:
    records = _records(cancellations)
    try:
        record = cx.decide(cx.find(records, cancellation_id), approve=approve, by=by, at=_now(), note=note)
    except cx.CancellationError as exc:
        _refuse(str(exc))
    files.write_cancellations(cancellations, cx.replace(records, record))
    what = ("approved: the member is released; `offduty resolve` refills the position" if approve
            else "denied: the member keeps the assignment (§IV.D.3.g)")
    out_console.print(f"{record.id}: {what}", markup=False)


@app.command()
def approve(
    cancellations: Annotated[Path, typer.Argument(metavar="CANCELLATIONS.json")],
    cancellation_id: Annotated[str, typer.Argument(metavar="ID")],
    by: ByOpt = "coordinator",
    note: Annotated[str | None, typer.Option(help="a note on the decision")] = None,
) -> None:
    """Approve a pending cancellation (§IV.D.3.e): the member is released."""
    _decide(cancellations, cancellation_id, True, by, note)


@app.command()
def deny(
    cancellations: Annotated[Path, typer.Argument(metavar="CANCELLATIONS.json")],
    cancellation_id: Annotated[str, typer.Argument(metavar="ID")],
    by: ByOpt = "coordinator",
    note: Annotated[str | None, typer.Option(help="a note on the decision")] = None,
) -> None:
    """Deny a pending cancellation: nothing changes, the member keeps the assignment."""
    _decide(cancellations, cancellation_id, False, by, note)


@app.command()
def transfer(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    from_member: Annotated[str, typer.Option("--from", help="the member handing the assignment over")],
    to_member: Annotated[str, typer.Option("--to", help="the eligible member taking it")],
    position: Annotated[str, typer.Option(help="the position")],
    out: Annotated[Path, typer.Option(help="write the new roster (solution JSON) here")],
    roster: RosterOpt = None,
    cancellations: CancellationsOpt = None,
    by: ByOpt = "coordinator",
) -> None:
    """Transfer an assignment to another eligible member (§IV.D.3.d(2)); settles a pending
    cancellation of it."""
    instance = load(instance_path)
    try:
        after = cx.transfer(instance, _roster(instance, roster), from_member=from_member, to_member=to_member,
                            position=position)
    except cx.CancellationError as exc:
        _refuse(str(exc))
    note = f"transferred {position} from {from_member} to {to_member} (§IV.D.3.d(2))"
    document = files.roster_document(instance, after, explanation=[note])
    out.write_text(document.model_dump_json(indent=2), encoding="utf-8")
    if cancellations is not None and cancellations.exists():
        records = cx.settle_by_transfer(_records(cancellations), from_member=from_member, position=position,
                                        to_member=to_member, by=by, at=_now())
        files.write_cancellations(cancellations, records)
    out_console.print(f"{note}; written: {out}", markup=False)


