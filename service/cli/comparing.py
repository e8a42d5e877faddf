"""`offduty compare`: strategies and policy variants side by side, for administrators.

Everything the command is told is checked before anything is solved: strategies, variants
(`--variant "NAME: key=value, ..."`, applied and validated like the instance's own policy),
`--diff`, and the output directory. A row never shows NaN: a variant or strategy without a roster
shows its status and the explanation (which event, which floor, the most achievable).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from offduty.service import usecases as uc
from offduty.service.cli.app import Exit, app, console, out_console, usage_error
from offduty.service.cli.progress import CompareProgress
from offduty.service.cli.solving import (
    AllowUnderstaffedOpt,
    CandidatesOpt,
    InstanceArg,
    SeedOpt,
    WorkersOpt,
    check_output,
    finite_seconds,
    load,
)

#: Members listed per variant (who loses or gains hours) and per --diff on the terminal.
SHOWN_MEMBERS = 10

#: The terminal table: column of `ComparisonReport.table` → header.
COLUMNS = {"variant": "variant", "strategy": "strategy", "method": "method", "status": "status",
           "score": "score", "gap": "gap", "filled": "filled", "floor_short": "floor short",
           "hours_gini": "Gini", "hours_max_min": "max−min h", "seniority_inversions": "sen. inv.",
           "fcfs_inversions": "fcfs inv.", "pay_cost": "cost $", "members_losing": "lose h",
           "members_gaining": "gain h", "total_s": "time s"}


@app.command()
def compare(
    instance_path: InstanceArg,
    strategies: Annotated[str | None, typer.Option(
        help=f"comma-separated strategies from {', '.join(uc.STRATEGY_NAMES)} "
             "(default: all; with --variant: seniority)")] = None,
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", help='a policy what-if, repeatable: "NAME: key=value, ..." with any policy field, '
                          'e.g. "cap14: work_day_cap_hours=14"')] = None,
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
    allow_understaffed: AllowUnderstaffedOpt = False,
    time_limit: Annotated[float, typer.Option(help="seconds per solve, build included", min=0.01,
                                              callback=finite_seconds)] = 60.0,
    workers: WorkersOpt = 1,
    seed: SeedOpt = 0,
    out: Annotated[Path | None, typer.Option(
        help="directory for CSV, Markdown and PNG charts (default: ./NAME-comparison)")] = None,
    diff: Annotated[str | None, typer.Option(
        help="per-member hours between two runs, e.g. seniority,hours or seniority,cap14/seniority "
             "(add :greedy for the greedy list)")] = None,
    greedy: Annotated[bool, typer.Option(help="also run the greedy list of each strategy")] = True,
    parallel: Annotated[bool, typer.Option(help="solve in parallel processes")] = True,
    quiet: Annotated[bool, typer.Option(help="no progress")] = False,
) -> None:
    """Solve the same instance under each strategy and policy variant, side by side: fill,
    shortfall, each strategy's own score, fairness, pay, who loses or gains hours."""
    names = _strategies(strategies, bool(variant))
    variants = _variants(variant or [])
    out = asked = out if out is not None else Path(f"{instance_path.stem}-comparison")
    check_output(out, "--out", directory=True)
    instance = load(instance_path)
    params = uc.SolveParams(candidates=candidates, time_limit=time_limit,
                            allow_understaffed=allow_understaffed,
                            engine=uc.EngineParams(workers=workers, seed=seed))
    try:
        plan = uc.plan_comparison(instance, names, params, variants=variants, greedy=greedy)
    except (ValueError, uc.VariantError) as exc:
        raise usage_error(str(exc)) from None
    diff_pair = _diff_pair(diff, plan)
    jobs = [(job.variant, job.strategy) for job in plan.jobs]
    try:
        with CompareProgress(jobs, greedy=greedy, quiet=quiet) as view:
            report = uc.compare(plan, parallel=parallel, progress=view.update)
    except uc.RosterRejected as exc:
        console.print(f"BUG: a roster breaks {len(exc.violations)} rule(s); nothing written.",
                      style="bold red", markup=False)
        for v in exc.violations[:50]:
            console.print(f"  {v.code} {v.message}", markup=False, highlight=False)
        raise typer.Exit(Exit.INTERNAL_ERROR) from None
    out_console.print(comparison_table(report))
    _explanations(report)
    out, paths = _write(report, out, instance_path)
    _variant_members(report, out)
    if diff_pair is not None:
        _print_diff(report, diff_pair, out)
    out_console.print(f"written to {out.resolve()}: " + ", ".join(sorted(p.name for p in paths.values())),
                      markup=False)
    if out != asked:
        raise typer.Exit(Exit.WRITTEN_ELSEWHERE)


def _write(report: uc.ComparisonReport, out: Path, instance_path: Path) -> tuple[Path, dict[str, Path]]:
    """Write the report's files into `out`, or, if that fails after all, next to the instance or
    in the temporary directory (a finished comparison is never lost to a full disk)."""
    from offduty.service.reports.comparison import write_comparison  # matplotlib, only when writing

    fallbacks = [instance_path.parent / f"{instance_path.stem}-comparison",
                 Path(tempfile.gettempdir()) / f"{instance_path.stem}-comparison"]
    for folder in [out, *fallbacks]:
        try:
            paths = write_comparison(report, folder)
        except OSError as exc:
            console.print(f"offduty: could not write the comparison into {folder} ({exc.strerror or exc})",
                          style="bold yellow", markup=False, highlight=False)
            continue
        if folder != out:
            console.print(f"offduty: the comparison was written to {folder.resolve()} instead",
                          style="bold yellow", markup=False, highlight=False)
        return folder, paths
    raise typer.Exit(Exit.INTERNAL_ERROR)


def _strategies(text: str | None, with_variants: bool) -> list[str]:
    if text is None:
        return ["seniority"] if with_variants else list(uc.STRATEGY_NAMES)
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in uc.STRATEGY_NAMES]
    if unknown or not names:
        raise usage_error(f"--strategies: unknown {', '.join(map(repr, unknown))}; known: "
                          f"{', '.join(uc.STRATEGY_NAMES)}" if unknown else "--strategies: none given")
    return names


def _variants(texts: list[str]) -> list[uc.PolicyVariant]:
    try:
        return [uc.parse_variant(text) for text in texts]
    except uc.VariantError as exc:
        raise usage_error(f"--variant: {exc}") from None


def _diff_pair(diff: str | None, plan: uc.Plan) -> tuple[str, str] | None:
    if diff is None:
        return None
    parts = [p.strip() for p in diff.split(",")]
    if len(parts) != 2 or not all(parts):
        raise usage_error("--diff takes two runs: A,B (e.g. seniority,hours)")
    for part in parts:
        try:
            uc.run_key(part, plan.strategies, [v.name for v in plan.variants])
        except ValueError as exc:
            raise usage_error(f"--diff: {exc}") from None
        if part.endswith(":greedy") and not any(j.greedy for j in plan.jobs):
            raise usage_error(f"--diff: {part!r} needs the greedy list (drop --no-greedy)")
    return parts[0], parts[1]


def comparison_table(report: uc.ComparisonReport) -> Table:
    import pandas as pd  # loaded with the comparison, not with the command line

    from offduty.service.reports.comparison import cell

    title = f"compared · {escape(report.instance_name or 'instance')}"
    hidden = set() if report.variants else {"variant", "members_losing", "members_gaining"}
    if len(report.strategies) == 1:  # one strategy: named in the title, not in every row
        hidden.add("strategy")
        title += f" · strategy {report.strategies[0]}"
    if report.variants:
        title += " · " + " · ".join(f"{escape(v.name)}: {escape(v.describe())}" for v in report.variants)
    table = Table(title=title, title_justify="left")
    shown = {k: v for k, v in COLUMNS.items() if k not in hidden}
    for key, header in shown.items():
        table.add_column(header, justify="left" if key in ("variant", "strategy", "method", "status")
                         else "right")
    for row in report.table.to_dict("records"):
        cells = []
        for key in shown:
            value = row.get(key)
            if key == "filled":
                cells.append(f"{cell(key, value)}/{cell('required', row.get('required'))}")
            elif key == "pay_cost" and isinstance(value, float) and value == value:
                cells.append(f"{value:,.0f}")
            else:
                cells.append(escape(cell(key, value)))
        table.add_row(*cells, style=None if row.get("filled") is not None and not pd.isna(row.get("filled"))
                      else "red")
    table.caption = ("score: each strategy's own objective on the roster (lower is better); gap: the worst "
                     "tier's, – when not proven; lose/gain h: members whose hours fall/rise against base")
    return table


def _explanations(report: uc.ComparisonReport) -> None:
    """Why each run without a roster has none (and the notes of the others), once per text."""
    seen: set[str] = set()
    for row in report.table.to_dict("records"):
        text = row.get("explanation") or ""
        if not text or text in seen:
            continue
        seen.add(text)
        who = f"{row['strategy']} ({row['method']})" + (f" under {row['variant']}" if report.variants else "")
        style = "red" if row.get("status") in ("infeasible", "unknown") else "yellow"
        out_console.print(f"{who}: {row['status']}: {text}", style=style, markup=False, highlight=False)


def _variant_members(report: uc.ComparisonReport, out: Path) -> None:
    import pandas as pd

    strategy = report.strategies[0]
    for v in report.variants:
        changes = uc.variant_changes(report, v.name, strategy)
        if changes.empty:
            out_console.print(f"{v.name}: nobody's hours change against {uc.BASE} ({strategy}, optimizer)",
                              markup=False)
            continue
        lose, gain = changes[changes.change < 0], changes[changes.change > 0]
        out_console.print(f"{v.name} against {uc.BASE} ({strategy}, optimizer): {len(lose):,} members lose "
                          f"{-lose.change.sum():,.2f} h, {len(gain):,} gain {gain.change.sum():,.2f} h",
                          markup=False)
        shown = pd.concat([lose.head(SHOWN_MEMBERS // 2), gain.tail(SHOWN_MEMBERS // 2)])
        out_console.print(shown.to_string(index=False, float_format=lambda x: f"{x:,.2f}"), markup=False)
        if len(changes) > len(shown):
            out_console.print(f"… and {len(changes) - len(shown):,} more members: "
                              f"{out / ('variant-' + v.name + '-members.csv')}", markup=False)


def _print_diff(report: uc.ComparisonReport, pair: tuple[str, str], out: Path) -> None:
    try:
        changes = uc.diff(report, *pair)
    except ValueError as exc:  # a run without a roster: nothing to compare
        out_console.print(f"--diff: {exc}", markup=False, style="yellow")
        return
    out_console.print(f"hours per member, {pair[0]} → {pair[1]} "
                      f"({len(changes):,} members get work under either):", markup=False)
    head = changes.head(SHOWN_MEMBERS * 2)
    out_console.print(head.to_string(index=False, float_format=lambda x: f"{x:,.2f}"), markup=False)
    path = out / f"diff-{pair[0]}-{pair[1]}.csv".replace(":", "_").replace("/", "_")
    changes.to_csv(path, index=False)
    if len(changes) > SHOWN_MEMBERS * 2:
        out_console.print(f"… and {len(changes) - SHOWN_MEMBERS * 2:,} more members: {path}", markup=False)
    else:
        out_console.print(f"written: {path}", markup=False)
