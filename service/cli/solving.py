"""Commands that solve: solve, validate, compare, generate, demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Group
from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from offduty.models.errors import InvalidInstance
from offduty.models.instance import Instance
from offduty.models.solution import Candidates, ProblemOut, SolveStatus
from offduty.models.validation import load_instance_file
from offduty.service.cli.app import STATUS_EXIT, Exit, app, console, out_console
from offduty.solver.params import Progress, SolveParams
from offduty.solver.result import Result


def _load(path: Path, out: Path | None = None, strategy: str = "seniority",
          candidates: Candidates = Candidates.ALL_ELIGIBLE) -> Instance:
    """Load an instance or exit with the problem class's code, listing every problem."""
    try:
        return load_instance_file(path)
    except InvalidInstance as exc:
        console.print(f"[bold red]{escape(str(path))}: {len(exc.problems)} input problem(s)[/]")
        for p in exc.problems:
            # user text (ids, values) must never be read as rich markup
            console.print(f"  [red]{escape(p.path or '(file)')}[/]: {escape(p.message)}", highlight=False)
        if out is not None:
            result = Result.no_solution(SolveStatus.INVALID_INPUT, strategy, candidates,
                                        problems=[ProblemOut(**p.to_dict()) for p in exc.problems])
            out.write_text(result.to_json())
        raise typer.Exit(exc.exit_code) from None


class _ProgressView:
    """Live view of the search: tier, objective, bound, gap, elapsed."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last: Progress | None = None
        self.phase = "building the model"

    def update(self, progress: Progress) -> None:
        self.last = progress
        self.phase = f"tier {progress.tier_index + 1}: {progress.tier}"

    def __rich__(self) -> Text:
        p = self.last
        elapsed = time.perf_counter() - self.started
        if p is None:
            return Text(f"⏳ {self.phase} … {elapsed:5.1f} s", style="cyan")
        gap = f"{p.gap:.2%}" if p.gap is not None else "—"
        return Text(f"⏳ {self.phase}  objective {p.objective:g}  bound {p.bound:g}  gap {gap}  "
                    f"{elapsed:5.1f} s", style="cyan")


def run_solve(instance: Instance, params: SolveParams, *, quiet: bool = False,
              greedy: bool = False) -> Result:
    from offduty.solver.greedy import solve_greedy
    from offduty.solver.solve import solve

    if greedy:
        return solve_greedy(instance, params)
    view = _ProgressView()
    if quiet or not console.is_terminal:
        return solve(instance, params, progress=view.update)
    with Live(view, console=console, refresh_per_second=8, transient=True):
        return solve(instance, params, progress=view.update)


def verify_or_die(instance: Instance, result: Result, allow_understaffed: bool) -> None:
    """Every roster is checked by the independent verifier before it is written. Floors are
    checked only for a solution that claims to meet them."""
    from offduty.solver.verify import verify

    if not result.assignments:
        return
    violations = verify(instance, result.pairs(), candidates=result.candidates.value,
                        allow_understaffed=allow_understaffed or not result.has_solution)
    if violations:
        console.print(f"[bold red]BUG: the solution breaks {len(violations)} rule(s); nothing written.[/]")
        for v in violations[:50]:
            console.print(f"  [red]{v.code}[/] {escape(v.message)}", highlight=False)
        raise typer.Exit(Exit.INTERNAL_ERROR)


def summary_table(instance: Instance, result: Result) -> Group:
    m = result.metrics
    head = Table(title=f"offduty · {escape(instance.name or 'instance')} · strategy {result.strategy} "
                       f"· candidates {result.candidates.value}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    status_style = {"optimal": "green", "feasible": "yellow"}.get(result.status.value, "red")
    head.add_row("status", f"[{status_style}]{result.status.value}[/]")
    if m:
        head.add_row("filled / required", f"{m.get('filled')} / {m.get('required')}")
    head.add_row("gap", f"{result.gap:.4%}" if result.gap is not None else "—")
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
            tiers.add_row(tier.name, tier.status, _num(tier.objective), _num(tier.bound),
                          f"{tier.gap:.4%}" if tier.gap is not None else "—", f"{tier.solve_s:.2f}")
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


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _finish(instance: Instance, result: Result, params: SolveParams, out: Path | None,
            csv: Path | None) -> None:
    verify_or_die(instance, result, params.allow_understaffed)
    if out is not None:
        out.write_text(result.to_json())
    if csv is not None and result.assignments:
        result.write_csv(csv)
    out_console.print(summary_table(instance, result))
    if out is not None:
        out_console.print(f"solution written to {out}" + (f", assignments to {csv}" if csv else ""),
                          markup=False)
    raise typer.Exit(STATUS_EXIT[result.status])


StrategyOpt = Annotated[str, typer.Option("--strategy", "-s", help="distribution strategy (tier 2)")]
CandidatesOpt = Annotated[Candidates, typer.Option(help="who may be given pool details")]
TimeLimitOpt = Annotated[float, typer.Option(help="seconds for the whole solve", min=0.01)]
WorkersOpt = Annotated[int, typer.Option(help="CP-SAT workers (1 is fastest on 2 cores)", min=1)]


@app.command()
def solve(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    strategy: StrategyOpt = "seniority",
    candidates: CandidatesOpt = Candidates.ALL_ELIGIBLE,
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
    params = SolveParams(strategy=strategy, candidates=candidates, time_limit=time_limit,
                         workers=workers, seed=seed, allow_understaffed=allow_understaffed)
    result = run_solve(instance, params, quiet=quiet, greedy=greedy)
    _finish(instance, result, params, out, csv)


def _check_strategy(strategy: str) -> None:
    from offduty.distribution.registry import STRATEGIES

    if strategy not in STRATEGIES:
        console.print(f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}", style="red",
                      markup=False)
        raise typer.Exit(Exit.USAGE)


@app.command()
def validate(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    candidates: CandidatesOpt = Candidates.ALL_ELIGIBLE,
) -> None:
    """Report input problems; per event, how many members are eligible and why the rest are not."""
    from offduty.constraints.eligibility import compute_eligibility
    from offduty.constraints.registry import REASON_CODES
    from offduty.models.arrays import InstanceArrays

    instance = _load(instance_path)
    arrays = InstanceArrays.build(instance)
    elig = compute_eligibility(arrays, candidates)
    table = Table(title=f"{escape(str(instance_path))}: valid · {arrays.n_members} members · "
                        f"{arrays.n_positions} positions ({int(arrays.position_count.sum())} slots) · "
                        f"{len(instance.events)} events",
                  title_justify="left")
    for col in ("event", "slots", "eligible members", "why the others are not (their nearest miss)"):
        table.add_column(col)
    for v, event in enumerate(instance.events):
        cols = np.flatnonzero(arrays.position_event == v)
        if len(cols) == 0:
            table.add_row(escape(event.id), "0", "—", "no positions")
            continue
        reasons = elig.reason[:, cols]
        eligible = (reasons == 0).any(axis=1)
        # a member's nearest miss: the position where they passed the most rules
        nearest = np.where(eligible, 0, np.where(reasons == 0, 0, reasons).max(axis=1))
        counts = np.bincount(nearest[~eligible], minlength=len(REASON_CODES))
        why = ", ".join(f"{REASON_CODES[i]} {n}" for i, n in sorted(enumerate(counts), key=lambda x: -x[1])
                        if n and i)
        table.add_row(escape(event.id), str(int(arrays.position_count[cols].sum())), str(int(eligible.sum())),
                      why)
    out_console.print(table)


@app.command()
def compare(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    strategies: Annotated[str, typer.Option(help="comma-separated strategies")] =
        "seniority,first_come,hours,rotation,balanced",
    candidates: CandidatesOpt = Candidates.ALL_ELIGIBLE,
    time_limit: Annotated[float, typer.Option(help="seconds per strategy", min=0.01)] = 60.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    out: Annotated[Path | None, typer.Option(help="directory for CSV, Markdown and PNG charts")] = None,
    diff: Annotated[str | None, typer.Option(
        help="per-member hours between two strategies, e.g. seniority,hours")] = None,
    parallel: Annotated[bool, typer.Option(help="solve strategies in parallel processes")] = True,
) -> None:
    """Solve the same instance under each strategy (optimizer and greedy list) side by side."""
    from offduty.distribution import compare as cmp

    names = [s.strip() for s in strategies.split(",") if s.strip()]
    for name in names:
        _check_strategy(name)
    diff_pair = _diff_pair(diff)
    instance = _load(instance_path)
    params = SolveParams(candidates=candidates, time_limit=time_limit, seed=seed)
    with console.status(f"solving {len(names)} strategies …"):
        report = cmp.compare(instance, names, params, parallel=parallel)
    for result in report.results.values():
        verify_or_die(instance, result, params.allow_understaffed)
    out_console.print(_comparison_table(report))
    if out is not None:
        paths = cmp.write(report, out)
        out_console.print("written: " + ", ".join(str(p) for p in paths.values()), markup=False)
    if diff_pair is not None:
        changes = cmp.diff(report, *diff_pair)
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


def _comparison_table(report: object) -> Table:
    from offduty.distribution.compare import ComparisonReport

    assert isinstance(report, ComparisonReport)
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
                cells.append("—" if v is None or v != v else f"{v:.2%}")
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
    from offduty.benchmarks.scenarios import SCENARIOS
    from offduty.benchmarks.scenarios import generate as gen

    if scenario not in SCENARIOS:
        console.print(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}", style="red",
                      markup=False)
        raise typer.Exit(Exit.USAGE)
    data = gen(scenario, seed)
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
    from offduty.benchmarks.scenarios import generate as gen

    _check_strategy(strategy)
    out_dir.mkdir(parents=True, exist_ok=True)
    instance_path = out_dir / "chiefs-game.json"
    instance_path.write_text(json.dumps(gen("chiefs-game", seed), indent=1))
    out_console.print(f"generated {instance_path}", markup=False)
    instance = _load(instance_path)
    params = SolveParams(strategy=strategy, time_limit=time_limit)
    result = run_solve(instance, params)
    _finish(instance, result, params, out_dir / "solution.json", out_dir / "assignments.csv")
