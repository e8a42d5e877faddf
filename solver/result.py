"""The frozen result of a solve: the solution format of DESIGN.md plus a few readers."""

from __future__ import annotations

from offduty.models.solution import Solution, SolveStatus


class Result(Solution):
    """What `solve()` returns. Serializes to the solution format with `to_json()`."""

    @property
    def has_solution(self) -> bool:
        return self.status.has_solution

    @property
    def proven(self) -> bool:
        """Every tier is proven optimal: no better roster exists under the tiers' order."""
        return self.status == SolveStatus.OPTIMAL

    def pairs(self) -> list[tuple[str, str]]:
        return [(a.member, a.position) for a in self.assignments]

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def summary(self) -> str:
        """A few lines for a log or a terminal: status, fill, each tier and its proof."""
        lines = [f"status {self.status.value}, strategy {self.strategy}, candidates {self.candidates.value}"]
        if self.metrics:
            lines.append(f"filled {self.metrics.get('filled')} of {self.metrics.get('required')} slots")
        lines.append(f"gap {format_gap(self.gap)}")
        for tier in self.tiers:
            lines.append(f"  tier {tier.name}: {tier.status}, objective {format_number(tier.objective)}, "
                         f"bound {format_number(tier.bound)}, gap {format_gap(tier.gap)}")
        t = self.timings
        if t:
            lines.append(f"build {t.get('build_s', 0):.2f} s, solve {t.get('solve_s', 0):.2f} s, "
                         f"total {t.get('total_s', 0):.2f} s")
        lines.extend(self.explanation)
        return "\n".join(lines)

    @classmethod
    def no_solution(cls, status: SolveStatus, strategy: str, candidates: str, **kw: object) -> Result:
        return cls.model_validate({"status": status, "strategy": strategy, "candidates": candidates, **kw})


def format_number(x: float | None) -> str:
    """An objective or bound: an integer with thousands separators, "—" when there is none."""
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def format_gap(gap: float | None) -> str:
    """A relative gap; "not proven" when some tier has no bound (never a false 0 %)."""
    return "not proven" if gap is None else f"{gap:.2%}"
