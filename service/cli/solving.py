"""Commands that solve or check: solve, validate, generate, demo, schema. They parse, call a use
case and render; the work is in `offduty.service.usecases`.

Nothing finished is lost to a typo: output paths are checked before solving, and a file that
cannot be written anyway goes next to the instance (exit 6, saying where). Ctrl-C during `solve`
stops the search and keeps the best verified roster found so far.
"""

from __future__ import annotations

import json
import math
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from offduty.models.errors import summarize
from offduty.service import usecases as uc
from offduty.service.cli.app import STATUS_EXIT, Exit, app, console, out_console, usage_error
from offduty.service.cli.progress import SolveProgress

#: Rows of the summary's tables shown before "… and N more".
SHOWN_ROWS = 15


# --- options shared by the commands ---------------------------------------------------------------


def finite_seconds(value: float) -> float:
    if not math.isfinite(value):
        raise typer.BadParameter("must be a finite number of seconds")
    return value


StrategyOpt = Annotated[str, typer.Option(
    "--strategy", "-s", help=f"distribution strategy (tier 2): {', '.join(uc.STRATEGY_NAMES)}")]
CandidatesOpt = Annotated[uc.Candidates, typer.Option(help="who may be given pool details")]
TimeLimitOpt = Annotated[float, typer.Option(help="seconds for the whole solve, build included", min=0.01,
                                             callback=finite_seconds)]
WorkersOpt = Annotated[int, typer.Option(help="CP-SAT workers (1 is fastest on 2 cores)", min=1, max=64)]
SeedOpt = Annotated[int, typer.Option(help="random seed", min=0, max=2**31 - 1)]
AllowUnderstaffedOpt = Annotated[bool, typer.Option(
    help="report unmet staffing floors as shortages instead of answering infeasible")]
InstanceArg = Annotated[Path, typer.Argument(metavar="INSTANCE.json")]


def check_strategy(strategy: str) -> None:
    if strategy not in uc.STRATEGY_NAMES:
        raise usage_error(f"unknown strategy {strategy!r}; known: {', '.join(uc.STRATEGY_NAMES)}")


def check_output(path: Path | None, option: str, *, directory: bool = False) -> None:
    """Exit 2 before any work when `path` cannot be written."""
    if path is None:
        return
    problem = uc.output_problem(path, directory=directory)
    if problem is not None:
        raise usage_error(f"{option} {path}: {problem}")


def load(path: Path, out: Path | None = None, strategy: str = "seniority",
         candidates: uc.Candidates = uc.Candidates.ALL_ELIGIBLE, *, show_all: bool = False) -> uc.Instance:
    """Load an instance or exit with the problem class's code, listing the problems (grouped and
    capped unless `show_all`)."""
    try:
        return uc.load(path)
    except uc.InvalidInstance as exc:
        console.print(f"[bold red]{escape(str(path))}: {len(exc.problems):,} input problem(s)[/]")
        lines = [str(p) for p in exc.problems] if show_all else summarize(exc.problems)
        for line in lines:
            # user text (ids, values) must never be read as rich markup
            console.print(f"  {line}", style="red", markup=False, highlight=False)
        if len(lines) < len(exc.problems):
            console.print(f"  (every one: offduty validate {path} --all)", markup=False, highlight=False)
        if out is not None:
            saved = uc.save_solution(uc.invalid_input_result(exc, strategy, candidates), out)
            _report_saved(saved)
        raise typer.Exit(exc.exit_code) from None


# --- solving --------------------------------------------------------------------------------------


def run_solve(instance: uc.Instance, params: uc.SolveParams, *, quiet: bool = False,
              greedy: bool = False) -> uc.Result:
    """Solve with progress (live on a terminal, log lines otherwise); Ctrl-C stops the search and
    keeps the best roster; exit 1 when the verifier rejects the roster."""
    label = f"{instance.name or 'instance'} · {params.strategy}" + (" · greedy list" if greedy else "")
    try:
        with SolveProgress(label, quiet=quiet) as view:
            return _interruptible(lambda stop: uc.solve_verified(instance, params, greedy=greedy,
                                                                 progress=view.update, stop=stop))
    except uc.RosterRejected as exc:
        raise _rejected(exc) from None


def _interruptible(work: Callable[[threading.Event], uc.Result]) -> uc.Result:
    """Run `work` in a thread; the first Ctrl-C sets its stop event, the second aborts (130)."""
    stop, finished = threading.Event(), threading.Event()
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = work(stop)
        except BaseException as exc:  # handed to the main thread below
            box["error"] = exc
        finally:
            finished.set()

    # Waiting on an event, not `Thread.join`: a join interrupted by Ctrl-C can report a running
    # thread as finished.
    threading.Thread(target=target, name="offduty-solve", daemon=True).start()
    while not finished.is_set():
        try:
            finished.wait(0.2)
        except KeyboardInterrupt:
            if stop.is_set():
                console.print("offduty: aborted; nothing written", style="red", markup=False)
                raise typer.Exit(Exit.INTERRUPTED) from None
            stop.set()
            console.print("offduty: stopping; the best roster found so far will be verified and written "
                          "(Ctrl-C again aborts)", style="yellow", markup=False)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    result = box["result"]
    assert isinstance(result, uc.Result)
    return result


def _rejected(exc: uc.RosterRejected) -> typer.Exit:
    console.print(f"[bold red]BUG: the solution breaks {len(exc.violations)} rule(s); nothing written.[/]")
    for v in exc.violations[:50]:
        console.print(f"  [red]{v.code}[/] {escape(v.message)}", highlight=False)
    return typer.Exit(Exit.INTERNAL_ERROR)


def _gap_text(result: uc.Result) -> str:
    if result.gap is None:
        return "not proven (a tier has no bound)" if result.has_solution else "—"
    return uc.format_gap(result.gap) + (" (proven optimal)" if result.proven else " (worst tier)")


def summary_table(instance: uc.Instance, result: uc.Result, score: int | None = None,
                  out: Path | None = None) -> Group:
    m = result.metrics
    head = Table(title=f"offduty · {escape(instance.name or 'instance')} · strategy {result.strategy} "
                       f"· candidates {result.candidates.value}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    status_style = {"optimal": "green", "feasible": "yellow"}.get(result.status.value, "red")
    head.add_row("status", f"[{status_style}]{result.status.value}[/]")
    if m:
        head.add_row("filled / required", f"{m.get('filled', 0):,} / {m.get('required', 0):,}")
    head.add_row("gap", _gap_text(result))
    if score is not None:
        head.add_row(f"score ({result.strategy} tier, lower is better)", f"{score:,}")
    t = result.timings
    head.add_row("timings", f"build {t.get('build_s', 0):,.2f} s · solve {t.get('solve_s', 0):,.2f} s · "
                            f"total {t.get('total_s', 0):,.2f} s")
    if m:
        head.add_row("hours Gini / max−min", f"{_fixed(m.get('hours_gini'), 4)} / "
                                             f"{_fixed(m.get('hours_max_min'), 2)} h")
        head.add_row("inversions (seniority / first come)",
                     f"{_int(m.get('seniority_inversions'))} / {_int(m.get('fcfs_inversions'))}")
        head.add_row("pay cost", f"${_fixed(m.get('pay_cost'), 2)}")
        if m.get("changes"):
            head.add_row("changes vs current roster", _int(m.get("changes")))
    parts: list[Table | Text] = [head]
    if result.tiers:
        parts.append(_tiers_table(result))
    if result.unfilled:
        parts.extend(_unfilled(result, out))
    for s in result.shortages[:10]:
        parts.append(Text(f"shortage: {s.event} has {s.achieved:,} of {s.floor:,} during {s.start} – {s.end}",
                          style="yellow"))
    if len(result.shortages) > 10:
        more = len(result.shortages) - 10
        parts.append(Text(f"… and {more:,} more shortages ({_where_all(out, 'shortages')})", style="yellow"))
    for line in result.explanation:
        parts.append(Text(line, style="red" if not result.has_solution else "yellow"))
    return Group(*parts)


def _tiers_table(result: uc.Result) -> Table:
    tiers = Table(title="tiers (minimized) · objective: this roster's value · bound: proven",
                  title_justify="left")
    for col in ("tier", "status", "objective", "bound", "gap", "solve s"):
        tiers.add_column(col, justify="right" if col != "tier" else "left")
    for tier in result.tiers:
        tiers.add_row(tier.name, tier.status, uc.format_number(tier.objective), uc.format_number(tier.bound),
                      uc.format_gap(tier.gap), f"{tier.solve_s:,.2f}")
    return tiers


def _unfilled(result: uc.Result, out: Path | None) -> list[Table | Text]:
    unfilled = Table(title=f"unfilled positions ({len(result.unfilled):,})", title_justify="left")
    for col in ("position", "missing", "eligible", "excluded by (first rule)"):
        unfilled.add_column(col)
    for u in result.unfilled[:SHOWN_ROWS]:
        reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(u.reasons.items(), key=lambda kv: -kv[1]))
        unfilled.add_row(escape(u.position), f"{u.missing:,}", f"{u.eligible:,}", reasons)
    parts: list[Table | Text] = [unfilled]
    left = len(result.unfilled) - SHOWN_ROWS
    if left > 0:
        parts.append(Text(f"… and {left:,} more unfilled positions ({_where_all(out, 'unfilled')})"))
    return parts


def _where_all(out: Path | None, field: str) -> str:
    if out is not None:
        return f"all are in {out}, field `{field}`"
    return f"--out FILE writes all of them, field `{field}`"


def _fixed(value: object, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if isinstance(value, int | float) else "—"


def _int(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def _report_saved(saved: uc.Saved) -> bool:
    """Say where every file went; True when one is not where it was asked."""
    if saved.written:
        out_console.print("written: " + ", ".join(str(p.resolve()) for p in saved.written), markup=False)
    for asked, instead, why in saved.moved:
        console.print(f"offduty: could not write {asked} ({why}); saved it to {instead.resolve()} instead",
                      style="bold yellow", markup=False, highlight=False)
    for asked, why in saved.lost:
        console.print(f"offduty: could not write {asked} ({why}), nor anywhere else",
                      style="bold red", markup=False, highlight=False)
    return bool(saved.moved or saved.lost)


def finish(instance_path: Path, instance: uc.Instance, params: uc.SolveParams, result: uc.Result,
           out: Path | None, csv: Path | None) -> None:
    """Save (falling back next to the instance), print the summary, exit with the status's code."""
    saved = uc.save_solution(result, out, csv if result.assignments else None,
                             fallback_dir=instance_path.parent, stem=instance_path.stem)
    score = _score(instance, params, result)
    out_console.print(summary_table(instance, result, score, out))
    if csv is not None and not result.assignments:
        out_console.print(f"no roster, so no CSV was written to {csv}", markup=False)
    moved = _report_saved(saved)
    code = STATUS_EXIT[result.status]
    raise typer.Exit(Exit.WRITTEN_ELSEWHERE if moved and code == Exit.SOLVED else code)


def _score(instance: uc.Instance, params: uc.SolveParams, result: uc.Result) -> int | None:
    """The strategy's own score: the tier the solve reported, else evaluated on the roster."""
    tier = next((t for t in result.tiers if t.name == params.strategy), None)
    if tier is not None and tier.objective is not None:
        return int(tier.objective)
    if not result.has_solution:
        return None
    return uc.strategy_scores(instance, params, [result])[0]


@app.command()
def solve(
    instance_path: InstanceArg,
    strategy: StrategyOpt = "seniority",
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
    time_limit: TimeLimitOpt = 60.0,
    workers: WorkersOpt = 1,
    seed: SeedOpt = 0,
    allow_understaffed: AllowUnderstaffedOpt = False,
    out: Annotated[Path | None, typer.Option(help="write the solution JSON here")] = None,
    csv: Annotated[Path | None, typer.Option(help="write the assignments as CSV here")] = None,
    greedy: Annotated[bool, typer.Option(help="use the greedy list method instead of CP-SAT")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress")] = False,
) -> None:
    """Fill every position of INSTANCE.json; print a summary; exit 0 solved, 3 infeasible.

    Ctrl-C stops the search: the best roster found so far is verified, written and summarized."""
    check_strategy(strategy)
    check_output(out, "--out")
    check_output(csv, "--csv")
    instance = load(instance_path, out, strategy, candidates)
    params = uc.SolveParams(strategy=strategy, candidates=candidates, time_limit=time_limit,
                            allow_understaffed=allow_understaffed,
                            engine=uc.EngineParams(workers=workers, seed=seed))
    result = run_solve(instance, params, quiet=quiet, greedy=greedy)
    finish(instance_path, instance, params, result, out, csv)


# --- validate -------------------------------------------------------------------------------------


@app.command()
def validate(
    instance_path: InstanceArg,
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
    allow_understaffed: AllowUnderstaffedOpt = False,
    show_all: Annotated[bool, typer.Option("--all", help="list every problem and finding")] = False,
) -> None:
    """Check INSTANCE.json and predict its solve: input problems (exit 10-17); per event who is
    eligible and why not; what the solve will refuse (exit 3) or leave undone (exit 5)."""
    instance = load(instance_path, show_all=show_all)
    with console.status("checking eligibility, locked assignments and staffing floors …"):
        diagnosis = uc.diagnose(instance, candidates, allow_understaffed)
    out_console.print(_eligibility_table(instance_path, diagnosis.eligibility, show_all))
    _print_findings(diagnosis, show_all)
    if diagnosis.errors:
        out_console.print(f"the solve will answer infeasible: {len(diagnosis.errors):,} error(s)"
                          + ("" if allow_understaffed else " (with --allow-understaffed, unmet staffing "
                             "floors become shortages)"), markup=False, style="red")
        raise typer.Exit(Exit.INFEASIBLE)
    if diagnosis.warnings:
        out_console.print(f"valid, with {len(diagnosis.warnings):,} warning(s)", markup=False, style="yellow")
        raise typer.Exit(Exit.WARNINGS)
    out_console.print("valid: nothing stands in the way of a full solve", markup=False, style="green")


def _eligibility_table(path: Path, report: uc.EligibilityReport, show_all: bool) -> Group:
    table = Table(title=f"{escape(str(path))}: valid input · {report.members:,} members · "
                        f"{report.positions:,} positions ({report.slots:,} slots) · "
                        f"{len(report.events):,} events", title_justify="left")
    for col in ("event", "slots", "eligible members", "why the others are not (their nearest miss)"):
        table.add_column(col)
    rows = report.events if show_all else report.events[:50]
    for row in rows:
        if row.eligible is None:
            table.add_row(escape(row.event), "0", "—", "no positions")
            continue
        why = ", ".join(f"{code} {n:,}" for code, n in row.excluded_by.items())
        table.add_row(escape(row.event), f"{row.slots:,}", f"{row.eligible:,}", why)
    parts: list[Table | Text] = [table]
    if len(rows) < len(report.events):
        parts.append(Text(f"… and {len(report.events) - len(rows):,} more events (every one: --all)"))
    return Group(*parts)


def _print_findings(diagnosis: uc.Diagnosis, show_all: bool) -> None:
    for severity, findings in (("error", diagnosis.errors), ("warning", diagnosis.warnings)):
        by_code: dict[str, list[uc.Finding]] = {}
        for f in findings:
            by_code.setdefault(f.code, []).append(f)
        style = "red" if severity == "error" else "yellow"
        for code, group in by_code.items():
            shown = group if show_all else group[:5]
            for f in shown:
                out_console.print(f"{severity}: {f}", style=style, markup=False, highlight=False)
            if len(shown) < len(group):
                more = len(group) - len(shown)
                out_console.print(f"{severity}: … and {more:,} more {code} (every one: --all)",
                                  style=style, markup=False)


# --- generate, demo, schema -----------------------------------------------------------------------


@app.command()
def generate(
    scenario: Annotated[str, typer.Argument(help="chiefs-game, royals-homestand, kc-week, kc-month")],
    seed: Annotated[int, typer.Option(help="random seed", min=0, max=2**31 - 1)] = 1,
    out: Annotated[Path | None, typer.Option(help="file to write ('-' for stdout)")] = None,
) -> None:
    """Generate a seeded, realistic Kansas City scenario instance."""
    if scenario not in uc.SCENARIOS:
        raise usage_error(f"unknown scenario {scenario!r}; known: {', '.join(uc.SCENARIOS)}")
    to_stdout = out is not None and str(out) == "-"
    path = out or Path(f"{scenario}-{seed}.json")
    if not to_stdout:
        check_output(path, "--out")
    data = uc.generate_scenario(scenario, seed)
    if to_stdout:
        sys.stdout.write(json.dumps(data, indent=1))
        return
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    slots = sum(p["count"] for e in data["events"] for s in e["shifts"] for p in s["positions"])
    out_console.print(f"{path}: {len(data['members']):,} members, {len(data['events']):,} events, "
                      f"{slots:,} positions, {len(data.get('applications', [])):,} applications",
                      markup=False)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="where the demo files go")] = Path("offduty-demo"),
    strategy: StrategyOpt = "seniority",
    time_limit: TimeLimitOpt = 60.0,
    seed: Annotated[int, typer.Option(help="scenario seed", min=0, max=2**31 - 1)] = 1,
) -> None:
    """Generate the Chiefs game at Arrowhead (1,300 members, ~300 positions) and solve it."""
    check_strategy(strategy)
    check_output(out_dir, "--out-dir", directory=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    instance_path = out_dir / "chiefs-game.json"
    data = uc.generate_scenario("chiefs-game", seed)
    instance_path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    out_console.print(f"generated {instance_path}", markup=False)
    instance = load(instance_path)
    params = uc.SolveParams(strategy=strategy, time_limit=time_limit)
    result = run_solve(instance, params)
    finish(instance_path, instance, params, result, out_dir / "solution.json", out_dir / "assignments.csv")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="instance or solution")],
    out: Annotated[Path | None, typer.Option(help="write the schema here instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of the instance or the solution format (for editors and validators)."""
    schemas = {"instance": uc.instance_schema, "solution": uc.solution_schema}
    if kind not in schemas:
        raise usage_error(f"unknown format {kind!r}; known: instance, solution")
    check_output(out, "--out")
    text = json.dumps(schemas[kind](), indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        out_console.print(f"written: {out.resolve()}", markup=False)
