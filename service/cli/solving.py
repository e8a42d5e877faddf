"""Commands that solve: solve, validate, compare, generate, demo. They parse, call a use case and
render; the work is in `offduty.service.usecases`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from offduty.service import usecases as uc
from offduty.service.cli.app import STATUS_EXIT, Exit, app, console, out_console
from offduty.service.reports.comparison import write_comparison


def _load(path: Path, out: Path | None = None, strategy: str = "seniority",
          candidates: uc.Candidates = uc.Candidates.ALL_ELIGIBLE) -> uc.Instance:
    """Load an instance or exit with the problem class's code, listing every problem."""
    try:
        return uc.load(path)
    except uc.InvalidInstance as exc:
        console.print(f"[bold red]{escape(str(path))}: {len(exc.problems)} input problem(s)[/]")
        for p in exc.problems:
            # user text (ids, values) must never be read as rich markup
            console.print(f"  [red]{escape(p.path or '(file)')}[/]: {escape(p.message)}", highlight=False)
        if out is not None:
            uc.write_solution(uc.invalid_input_result(exc, strategy, candidates), out)
        raise typer.Exit(exc.exit_code) from None


class _ProgressView:
    """Live view of the search: tier, objective, bound, gap, elapsed."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last: uc.Progress | None = None
        self.phase = "building the model"

    def update(self, progress: uc.Progress) -> None:
        self.last = progress
        self.phase = f"tier {progress.tier_index + 1}: {progress.tier}"

    def __rich__(self) -> Text:
        p = self.last
        elapsed = time.perf_counter() - self.started
        if p is None:
            return Text(f"⏳ {self.phase} … {elapsed:5.1f} s", style="cyan")
        return Text(f"⏳ {self.phase}  objective {uc.format_number(p.objective)}  "
                    f"bound {uc.format_number(p.bound)}  gap {uc.format_gap(p.gap)}  {elapsed:5.1f} s",
                    style="cyan")


def run_solve(instance: uc.Instance, params: uc.SolveParams, *, quiet: bool = False,
              greedy: bool = False) -> uc.Result:
    """Solve with live progress on a terminal; exit 1 when the verifier rejects the roster."""
    view = _ProgressView()
    try:
        if quiet or greedy or not console.is_terminal:
            return uc.solve_verified(instance, params, greedy=greedy, progress=view.update)
        with Live(view, console=console, refresh_per_second=8, transient=True):
            return uc.solve_verified(instance, params, progress=view.update)
    except uc.RosterRejected as exc:
        _rejected(exc)
        raise AssertionError("unreachable") from None


def _rejected(exc: uc.RosterRejected) -> None:
    console.print(f"[bold red]BUG: the solution breaks {len(exc.violations)} rule(s); nothing written.[/]")
    for v in exc.violations[:50]:
        console.print(f"  [red]{v.code}[/] {escape(v.message)}", highlight=False)
    raise typer.Exit(Exit.INTERNAL_ERROR)


def summary_table(instance: uc.Instance, result: uc.Result) -> Group:
    m = result.metrics
    head = Table(title=f"offduty · {escape(instance.name or 'instance')} · strategy {result.strategy} "
                       f"· candidates {result.candidates.value}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    status_style = {"optimal": "green", "feasible": "yellow"}.get(result.status.value, "red")
    head.add_row("status", f"[{status_style}]{result.status.value}[/]")
    if m:
        head.add_row("filled / required", f"{m.get('filled'):,} / {m.get('required'):,}")
    head.add_row("gap (worst tier)", uc.format_gap(result.gap))
    t = result.timings
    head.add_row("timings", f"build {t.get('build_s', 0):.2f} s · solve {t.get('solve_s', 0):.2f} s · "
                            f"total {t.get('total_s', 0):.2f} s")
    if m:
        head.add_row("hours Gini / max−min", f"{m.get('hours_gini')} / {m.get('hours_max_min')} h")
        head.add_row("inversions (seniority / first come)",
                     f"{m.get('seniority_inversions')} / {m.get('fcfs_inversions')}")
        head.add_row("pay cost", f"${m.get('pay_cost', 0):,.2f}")
        if m.get("changes"):
            head.add_row("changes vs current roster", str(m.get("changes")))
    parts: list[Table | Text] = [head]
    if result.tiers:
        tiers = Table(title="tiers (all minimized)", title_justify="left")
        for col in ("tier", "status", "objective", "bound", "gap", "solve s"):
            tiers.add_column(col, justify="right" if col != "tier" else "left")
        for tier in result.tiers:
            tiers.add_row(tier.name, tier.status, uc.format_number(tier.objective),
                          uc.format_number(tier.bound), uc.format_gap(tier.gap), f"{tier.solve_s:.2f}")
        parts.append(tiers)
    if result.unfilled:
        unfilled = Table(title=f"unfilled positions ({len(result.unfilled)})", title_justify="left")
        for col in ("position", "missing", "eligible", "excluded by (first rule)"):
            unfilled.add_column(col)
        for u in result.unfilled[:15]:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(u.reasons.items(), key=lambda kv: -kv[1]))
            unfilled.add_row(escape(u.position), str(u.missing), str(u.eligible), reasons)
        parts.append(unfilled)
    for s in result.shortages[:10]:
        parts.append(Text(f"shortage: {s.event} has {s.achieved} of {s.floor} during {s.start} – {s.end}",
                          style="yellow"))
    for line in result.explanation:
        parts.append(Text(line, style="red" if not result.has_solution else "yellow"))
    return Group(*parts)


def _finish(instance: uc.Instance, result: uc.Result, out: Path | None, csv: Path | None) -> None:
    written = uc.write_solution(result, out, csv if result.assignments else None)
    out_console.print(summary_table(instance, result))
    if written:
        out_console.print("written: " + ", ".join(str(p) for p in written), markup=False)
    raise typer.Exit(STATUS_EXIT[result.status])


def _check_strategy(strategy: str) -> None:
    if strategy not in uc.STRATEGY_NAMES:
        console.print(f"unknown strategy {strategy!r}; known: {', '.join(uc.STRATEGY_NAMES)}", style="red",
                      markup=False)
        raise typer.Exit(Exit.USAGE)


StrategyOpt = Annotated[str, typer.Option("--strategy", "-s", help="distribution strategy (tier 2)")]
CandidatesOpt = Annotated[uc.Candidates, typer.Option(help="who may be given pool details")]
TimeLimitOpt = Annotated[float, typer.Option(help="seconds for the whole solve, build included", min=0.01)]
WorkersOpt = Annotated[int, typer.Option(help="CP-SAT workers (1 is fastest on 2 cores)", min=1)]


@app.command()
def solve(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    strategy: StrategyOpt = "seniority",
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
    time_limit: TimeLimitOpt = 60.0,
    workers: WorkersOpt = 1,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    allow_understaffed: Annotated[bool, typer.Option(
        help="report unmet staffing floors as shortages instead of answering infeasible")] = False,
    out: Annotated[Path | None, typer.Option(help="write the solution JSON here")] = None,
    csv: Annotated[Path | None, typer.Option(help="write the assignments as CSV here")] = None,
    greedy: Annotated[bool, typer.Option(help="use the greedy list method instead of CP-SAT")] = False,
    quiet: Annotated[bool, typer.Option(help="no live progress")] = False,
) -> None:
    """Fill every position of INSTANCE.json; print a summary; exit 0 solved, 3 infeasible."""
    _check_strategy(strategy)
    instance = _load(instance_path, out, strategy, candidates)
    params = uc.SolveParams(strategy=strategy, candidates=candidates, time_limit=time_limit,
                            allow_understaffed=allow_understaffed,
                            engine=uc.EngineParams(workers=workers, seed=seed))
    result = run_solve(instance, params, quiet=quiet, greedy=greedy)
    _finish(instance, result, out, csv)


@app.command()
def validate(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
) -> None:
    """Report input problems; per event, how many members are eligible and why the rest are not."""
    instance = _load(instance_path)
    report = uc.eligibility_report(instance, candidates)
    table = Table(title=f"{escape(str(instance_path))}: valid · {report.members} members · "
                        f"{report.positions} positions ({report.slots} slots) · {len(report.events)} events",
                  title_justify="left")
    for col in ("event", "slots", "eligible members", "why the others are not (their nearest miss)"):
        table.add_column(col)
    for row in report.events:
        if row.eligible is None:
            table.add_row(escape(row.event), "0", "—", "no positions")
            continue
        why = ", ".join(f"{code} {n}" for code, n in row.excluded_by.items())
        table.add_row(escape(row.event), str(row.slots), str(row.eligible), why)
    out_console.print(table)


@app.command()
def compare(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    strategies: Annotated[str, typer.Option(help="comma-separated strategies")] =
        "seniority,first_come,hours,rotation,balanced",
    candidates: CandidatesOpt = uc.Candidates.ALL_ELIGIBLE,
    time_limit: Annotated[float, typer.Option(help="seconds per strategy", min=0.01)] = 60.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    out: Annotated[Path | None, typer.Option(help="directory for CSV, Markdown and PNG charts")] = None,
    diff: Annotated[str | None, typer.Option(
        help="per-member hours between two strategies, e.g. seniority,hours")] = None,
    parallel: Annotated[bool, typer.Option(help="solve strategies in parallel processes")] = True,
) -> None:
    """Solve the same instance under each strategy (optimizer and greedy list) side by side."""
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    for name in names:
        _check_strategy(name)
    diff_pair = _diff_pair(diff)
    instance = _load(instance_path)
    params = uc.SolveParams(candidates=candidates, time_limit=time_limit, engine=uc.EngineParams(seed=seed))
    try:
        with console.status(f"solving {len(names)} strategies …"):
            report = uc.compare(instance, names, params, parallel=parallel)
    except uc.RosterRejected as exc:
        _rejected(exc)
    out_console.print(_comparison_table(report))
    if out is not None:
        paths = write_comparison(report, out)
        out_console.print("written: " + ", ".join(str(p) for p in paths.values()), markup=False)
    if diff_pair is not None:
        changes = uc.diff(report, *diff_pair)
        out_console.print(f"hours per member, {diff_pair[0]} → {diff_pair[1]} "
                          f"({len(changes)} members get work under either):", markup=False)
        out_console.print(changes.head(20).to_string(index=False), markup=False)
        if out is not None:
            path = out / f"diff-{diff_pair[0]}-{diff_pair[1]}.csv".replace(":", "_")
            changes.to_csv(path, index=False)
            out_console.print(f"written: {path}", markup=False)


def _diff_pair(diff: str | None) -> tuple[str, str] | None:
    if diff is None:
        return None
    parts = [p.strip() for p in diff.split(",")]
    if len(parts) != 2 or not all(parts):
        console.print("--diff takes two strategies: A,B", style="red", markup=False)
        raise typer.Exit(Exit.USAGE)
    for part in parts:
        _check_strategy(part.partition(":")[0])
    return parts[0], parts[1]


def _comparison_table(report: uc.ComparisonReport) -> Table:
    table = Table(title=f"strategies compared · {escape(report.instance_name or 'instance')}",
                  title_justify="left")
    columns = {"strategy": "strategy", "method": "method", "status": "status", "gap": "gap",
               "filled": "filled", "hours_gini": "Gini", "hours_max_min": "max−min h",
               "seniority_inversions": "sen. inv.", "fcfs_inversions": "fcfs inv.",
               "pay_cost": "cost $", "solve_s": "solve s"}
    for title in columns.values():
        table.add_column(title, justify="left" if title in ("strategy", "method", "status") else "right")
    for row in report.table.to_dict("records"):
        cells = []
        for key in columns:
            v = row.get(key)
            if key == "filled":
                cells.append(f"{v}/{row.get('required')}")
            elif key == "gap":
                cells.append("—" if row.get("method") == "greedy" else uc.format_gap(None if v != v else v))
            elif isinstance(v, float):
                cells.append(f"{v:,.2f}" if key == "pay_cost" else f"{v:.4g}")
            else:
                cells.append("—" if v is None else str(v))
        table.add_row(*cells)
    return table


@app.command()
def generate(
    scenario: Annotated[str, typer.Argument(help="chiefs-game, royals-homestand, kc-week, kc-month")],
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    out: Annotated[Path | None, typer.Option(help="file to write ('-' for stdout)")] = None,
) -> None:
    """Generate a seeded, realistic Kansas City scenario instance."""
    if scenario not in uc.SCENARIOS:
        console.print(f"unknown scenario {scenario!r}; known: {', '.join(uc.SCENARIOS)}", style="red",
                      markup=False)
        raise typer.Exit(Exit.USAGE)
    data = uc.generate_scenario(scenario, seed)
    if out is not None and str(out) == "-":
        sys.stdout.write(json.dumps(data, indent=1))
        return
    path = out or Path(f"{scenario}-{seed}.json")
    path.write_text(json.dumps(data, indent=1))
    slots = sum(p["count"] for e in data["events"] for s in e["shifts"] for p in s["positions"])
    out_console.print(f"{escape(str(path))}: {len(data['members'])} members, {len(data['events'])} events, "
                      f"{slots} positions, {len(data.get('applications', []))} applications")


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="where the demo files go")] = Path("offduty-demo"),
    strategy: StrategyOpt = "seniority",
    time_limit: TimeLimitOpt = 60.0,
    seed: Annotated[int, typer.Option(help="scenario seed")] = 1,
) -> None:
    """Generate the Chiefs game at Arrowhead (1,300 members, ~300 positions) and solve it."""
    _check_strategy(strategy)
    out_dir.mkdir(parents=True, exist_ok=True)
    instance_path = out_dir / "chiefs-game.json"
    instance_path.write_text(json.dumps(uc.generate_scenario("chiefs-game", seed), indent=1))
    out_console.print(f"generated {instance_path}", markup=False)
    instance = _load(instance_path)
    params = uc.SolveParams(strategy=strategy, time_limit=time_limit)
    result = run_solve(instance, params)
    _finish(instance, result, out_dir / "solution.json", out_dir / "assignments.csv")
