"""The comparison of strategies and policy variants as files: a CSV table, a Markdown page and
charts (hours per strategy, Lorenz curves; with variants, fill and hours per variant)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from offduty.distribution.metrics import gini
from offduty.service.usecases.comparison import BASE, ComparisonReport, variant_changes

#: How each column of the table is written in the Markdown page: integers with separators,
#: decimals fixed (never scientific notation), an empty cell as "–".
_DECIMALS = {"gap": None, "hours_gini": 4, "hours_max_min": 2, "pay_cost": 2, "solve_s": 2, "total_s": 2}


def write_comparison(report: ComparisonReport, out_dir: str | Path) -> dict[str, Path]:
    """Write comparison.csv, comparison.md, hours_distribution.png and lorenz.png into `out_dir`
    (created if needed); with policy variants also fill_by_variant.png, hours_by_variant.png and
    one variant-NAME-members.csv per variant (who loses or gains hours). Returns the paths by
    file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in
             ("comparison.csv", "comparison.md", "hours_distribution.png", "lorenz.png")}
    report.table.to_csv(paths["comparison.csv"], index=False)
    paths["comparison.md"].write_text(_markdown(report), encoding="utf-8")
    _plot_distribution(report, paths["hours_distribution.png"])
    _plot_lorenz(report, paths["lorenz.png"])
    if report.variants:
        for name in ("fill_by_variant.png", "hours_by_variant.png"):
            paths[name] = out / name
        _plot_fill(report, paths["fill_by_variant.png"])
        _plot_variant_hours(report, paths["hours_by_variant.png"])
        for variant in report.variants:
            name = f"variant-{_safe(variant.name)}-members.csv"
            paths[name] = out / name
            variant_changes(report, variant.name).to_csv(paths[name], index=False)
    return paths


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def cell(column: str, value: object) -> str:
    """One table cell as text: "–" for nothing, integers with separators, fixed decimals."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if column == "gap" and isinstance(value, int | float):
        return f"{value:.2%}"
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        decimals = _DECIMALS.get(column, 2)
        if float(value).is_integer() and column not in _DECIMALS:
            return f"{int(value):,}"
        return f"{value:,.{decimals}f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(report: ComparisonReport) -> str:
    table = report.table
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" if c in ("variant", "strategy", "method", "status", "explanation") else "---:"
                          for c in table.columns) + "|"
    body = ["| " + " | ".join(cell(c, v) for c, v in zip(table.columns, row, strict=True)) + " |"
            for row in table.astype(object).itertuples(index=False)]
    name = report.instance_name or "instance"
    variants = "".join(f"- `{v.name}`: {v.describe()}\n" for v in report.variants)
    intro = (f"# Strategy comparison: {name}\n\n"
             f"{len(report.ytd):,} members eligible for anything; hours are totals (year to date + "
             f"new). `score` is each strategy's own objective (its tier's value on the roster; lower "
             f"is better; compare it between the optimizer and the greedy list of one strategy). "
             f"Inversions count (better-ranked member, assignment) pairs the member could have "
             f"taken; `hours_transfers` counts detail moves that would lower the larger total. "
             f"`gap` is the optimizer's worst tier gap (– when a tier is not proven, and for the "
             f"greedy list). `floor_short`: members missing at the worst instant of each event "
             f"below its staffing floor. Rows without a roster give their status and explanation.\n\n"
             + (f"Policy variants (against `{BASE}`, the instance's own policy; `members_losing` and "
                f"`members_gaining` count members whose total hours fall or rise):\n\n{variants}\n"
                if variants else ""))
    return intro + "\n".join([header, rule, *body]) + "\n"


def _run_label(column: str) -> str:
    return column.replace("/optimizer", "").replace("/", "\n")


def _plot_distribution(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = [c for c in report.hours.columns if c.count("/") == 1]  # the base policy's runs
    if not columns:
        _no_roster(report, path)
        return
    labels = [_run_label(c) for c in columns]
    fig, axes = plt.subplots(1, 2, figsize=(max(8.0, 1.3 * len(columns) + 4), 5.5), squeeze=False)
    left, right = axes[0]
    colors = ["#4C72B0" if c.endswith("/optimizer") else "#DD8452" for c in columns]
    data = [report.hours[c].to_numpy() for c in columns]
    worked = [report.hours[c][report.hours[c] > report.ytd].to_numpy() for c in columns]
    for ax, values, title in (
            (left, data, f"all {len(report.ytd)} members eligible for anything"),
            (right, worked, "members who get new work")):
        box = ax.boxplot([v if len(v) else np.zeros(1) for v in values], patch_artist=True,
                         widths=0.6, flierprops={"markersize": 2, "alpha": 0.4})
        for patch, color in zip(box["boxes"], colors, strict=True):
            patch.set_facecolor(color)
            patch.set_alpha(0.6)
        ax.set_xticks(range(1, len(columns) + 1), labels, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("total hours (year to date + new)")
        ax.grid(axis="y", alpha=0.3)
    for i, v in enumerate(worked, start=1):
        right.annotate(f"n={len(v)}", (i, 0), xycoords=("data", "axes fraction"),
                       xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.6) for c in ("#4C72B0", "#DD8452")]
    fig.legend(handles, ["optimizer", "greedy list"], loc="upper right", fontsize=8)
    fig.suptitle(f"Total hours per strategy — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _no_roster(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2))
    ax.axis("off")
    ax.text(0.5, 0.5, "no strategy found a roster under the instance's own policy\n(see comparison.md)",
            ha="center", va="center")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _lorenz(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The Lorenz curve of `values` (fewest first) at the population shares `grid`."""
    v = np.sort(values)
    total = v.sum()
    x = np.linspace(0, 1, len(v) + 1)
    y = np.concatenate([[0.0], np.cumsum(v) / total]) if total > 0 else x
    return np.interp(grid, x, y)


def _plot_lorenz(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, delta) = plt.subplots(1, 2, figsize=(13, 6))
    grid = np.linspace(0, 1, 501)
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="equality")
    reference_column = next((report.column(s) for s in report.strategies
                             if report.column(s) in report.hours.columns), None)
    reference = (_lorenz(report.hours[reference_column].to_numpy(), grid) if reference_column is not None
                 else grid)
    cmap = plt.get_cmap("tab10")
    for i, strategy in enumerate(report.strategies):
        for method, style in (("optimizer", "-"), ("greedy", ":")):
            column = report.column(strategy, method)
            if column not in report.hours.columns:
                continue
            values = report.hours[column].to_numpy()
            curve = _lorenz(values, grid)
            label = f"{strategy} ({method}), Gini {gini(values):.4f}"
            ax.plot(grid, curve, style, color=cmap(i % 10), linewidth=1.4, label=label)
            delta.plot(grid, 100 * (curve - reference), style, color=cmap(i % 10), linewidth=1.4,
                       label=label)
    ax.set_xlabel("share of members eligible for anything (fewest hours first)")
    ax.set_ylabel("share of total hours")
    ax.set_title("Lorenz curves of total hours (year to date + new)", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    delta.axhline(0, color="grey", linewidth=0.8)
    delta.set_xlabel("share of members eligible for anything (fewest hours first)")
    delta.set_ylabel(f"Lorenz curve minus {reference_column or 'equality'}, percentage points")
    delta.set_title("Differences between the curves (above 0 = more equal)", fontsize=10)
    delta.set_xlim(0, 1)
    delta.grid(alpha=0.3)
    fig.suptitle(f"Lorenz curves — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _optimizer_rows(report: ComparisonReport) -> pd.DataFrame:
    return report.table[report.table.method == "optimizer"]


def _plot_fill(report: ComparisonReport, path: Path) -> None:
    """Filled share of the slots per variant (bars: one per strategy, optimizer); a variant
    without a roster shows its status instead of a bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = _optimizer_rows(report)
    names = report.variant_names
    width = 0.8 / max(1, len(report.strategies))
    fig, ax = plt.subplots(figsize=(max(7.0, 1.4 * len(names) * len(report.strategies) ** 0.5 + 3), 5))
    cmap = plt.get_cmap("tab10")
    for i, strategy in enumerate(report.strategies):
        for j, variant in enumerate(names):
            row = rows[(rows.strategy == strategy) & (rows.variant == variant)]
            x = j + (i - (len(report.strategies) - 1) / 2) * width
            if row.empty or pd.isna(row.iloc[0].filled):
                ax.annotate(str(row.iloc[0].status) if not row.empty else "–", (x, 1), ha="center",
                            fontsize=7, rotation=90, color="firebrick")
                continue
            share = 100 * float(row.iloc[0].filled) / max(1, int(row.iloc[0].required))
            ax.bar(x, share, width, color=cmap(i % 10), label=strategy if j == 0 else None)
            ax.annotate(f"{int(row.iloc[0].filled):,}", (x, share), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("slots filled (%)")
    ax.set_ylim(0, 105)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"Fill per policy variant — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _plot_variant_hours(report: ComparisonReport, path: Path) -> None:
    """New hours per member who works, per variant (box plots, the first strategy's optimizer)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    strategy = report.strategies[0]
    names, data = [], []
    for variant in report.variant_names:
        column = report.column(strategy, "optimizer", variant)
        names.append(variant)
        if column in report.hours:
            new = (report.hours[column] - report.ytd).to_numpy()
            data.append(new[new > 0])
        else:
            data.append(np.zeros(0))
    fig, ax = plt.subplots(figsize=(max(7.0, 1.3 * len(names) + 3), 5))
    ax.boxplot([d if len(d) else np.zeros(1) for d in data], widths=0.6,
               flierprops={"markersize": 2, "alpha": 0.4})
    for i, d in enumerate(data, start=1):
        ax.annotate(f"n={len(d):,}", (i, 0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize=7)
    ax.set_xticks(range(1, len(names) + 1), names)
    ax.set_ylabel("new hours per member who works")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"Hours per policy variant ({strategy}, optimizer) — {report.instance_name or 'instance'}",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
