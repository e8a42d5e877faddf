"""The frozen result of a solve: the solution format of DESIGN.md plus helpers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from offduty.models.solution import Solution, SolveStatus


class Result(Solution):
    """What `solve()` returns. Serializes to the solution format with `to_json()`."""

    @property
    def has_solution(self) -> bool:
        return self.status.has_solution

    def pairs(self) -> list[tuple[str, str]]:
        return [(a.member, a.position) for a in self.assignments]

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def assignments_frame(self) -> pd.DataFrame:
        columns = ["member", "position", "shift", "event", "start", "end", "hours", "pay_rate", "locked"]
        return pd.DataFrame([a.model_dump() for a in self.assignments], columns=columns)

    def write_csv(self, path: str | Path) -> None:
        self.assignments_frame().to_csv(path, index=False)

    @classmethod
    def no_solution(cls, status: SolveStatus, strategy: str, candidates: str, **kw: object) -> Result:
        return cls.model_validate({"status": status, "strategy": strategy, "candidates": candidates, **kw})
