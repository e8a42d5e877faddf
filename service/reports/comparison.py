"""The comparison of strategies as files: a CSV table, a Markdown page and two charts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from offduty.distribution.metrics import gini
from offduty.service.usecases.compare import ComparisonReport


def write_comparison(report: ComparisonReport, out_dir: str | Path) -> dict[str, Path]:
    """Write comparison.csv, comparison.md, hours_distribution.png and lorenz.png into `out_dir`
    (created if needed); returns their paths by file name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in
             ("comparison.csv", "comparison.md", "hours_distribution.png", "lorenz.png")}
    report.table.to_csv(paths["comparison.csv"], index=False)
    paths["comparison.md"].write_text(_markdown(report), encoding="utf-8")
    _plot_distribution(report, paths["hours_distribution.png"])
    _plot_lorenz(report, paths["lorenz.png"])
    return paths


def _markdown(report: ComparisonReport) -> str:
    table = report.table
    def cell(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "–"
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.2f}"
        return str(v)
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" if c in ("strategy", "method", "status") else "---:"
                          for c in table.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in table.astype(object).itertuples(index=False)]
    name = report.instance_name or "instance"
    intro = (f"# Strategy comparison: {name}\n\n"
             f"{len(report.ytd)} members eligible for anything; hours are totals (year to date + "
             f"new). Inversions count (better-ranked member, assignment) pairs the member could "
             f"have taken; `hours_transfers` counts detail moves that would lower the larger "
             f"total. `gap` is the optimizer's relative gap (none for the greedy list).\n\n")
    return intro + "\n".join([header, rule, *body]) + "\n"


def _plot_distribution(report: ComparisonReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = list(report.hours.columns)
    labels = [c.replace("/optimizer", "").replace("/", "\n") for c in columns]
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
    reference_column = report.column(report.strategies[0], "optimizer")
    reference = _lorenz(report.hours[reference_column].to_numpy(), grid)
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
    delta.set_ylabel(f"Lorenz curve minus {report.strategies[0]} (optimizer), percentage points")
    delta.set_title("Differences between the curves (above 0 = more equal)", fontsize=10)
    delta.set_xlim(0, 1)
    delta.grid(alpha=0.3)
    fig.suptitle(f"Lorenz curves — {report.instance_name or 'instance'}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)
