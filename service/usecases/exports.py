"""Writing a solution where the user asked: the solution JSON and the assignments CSV.

A finished solve is never lost to a typo: `output_problem` checks an output path before anything
is solved, and `save_solution` writes each file where it was asked, or, if that fails anyway
(a full disk, a directory removed meanwhile), next to the instance, or else in the temporary
directory, and says where each one went.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from offduty.solver import Result

ASSIGNMENT_COLUMNS = ["member", "position", "shift", "event", "start", "end", "hours", "pay_rate", "locked"]


def assignments_frame(result: Result) -> pd.DataFrame:
    """One row per assignment (the solution format's assignment fields)."""
    return pd.DataFrame([a.model_dump() for a in result.assignments], columns=ASSIGNMENT_COLUMNS)


def assignments_csv(result: Result) -> str:
    return str(assignments_frame(result).to_csv(index=False))


def output_problem(path: Path, *, directory: bool = False) -> str | None:
    """Why `path` cannot be written (a file, or with `directory` a folder to create or fill), or
    None. Checked before solving, so that a typo costs nothing."""
    if directory:
        if path.exists() and not path.is_dir():
            return f"{path} is a file, not a directory"
        target = path if path.is_dir() else _existing_parent(path)
    else:
        if path.is_dir():
            return f"{path} is a directory; give a file name"
        if not path.parent.is_dir():
            return f"the directory {path.parent} does not exist"
        target = path if path.exists() else path.parent
    if target is None:
        return f"no directory on the way to {path} exists"
    if not target.is_dir() and not os.access(target, os.W_OK):
        return f"{target} is not writable"
    if target.is_dir() and not os.access(target, os.W_OK | os.X_OK):
        return f"the directory {target} is not writable"
    return None


def _existing_parent(path: Path) -> Path | None:
    for parent in path.absolute().parents:
        if parent.exists():
            return parent if parent.is_dir() else None
    return None


@dataclass
class Saved:
    """Where each file went: `written` as asked; `moved`: (asked, written instead, why)."""

    written: list[Path] = field(default_factory=list)
    moved: list[tuple[Path, Path, str]] = field(default_factory=list)
    lost: list[tuple[Path, str]] = field(default_factory=list)


def save_solution(result: Result, out: Path | None = None, csv: Path | None = None,
                  fallback_dir: Path | None = None, stem: str = "offduty") -> Saved:
    """Write the solution JSON to `out` and the assignments CSV to `csv`. A file that cannot be
    written there goes to `fallback_dir` (e.g. the instance's folder), else the temporary
    directory, as `<stem>.solution.json` / `<stem>.assignments.csv`."""
    saved = Saved()
    files = [(out, result.to_json, "solution.json"),
             (csv, lambda: assignments_csv(result), "assignments.csv")]
    for path, render, suffix in files:
        if path is None:
            continue
        text = render()
        error = _write(path, text)
        if error is None:
            saved.written.append(path)
            continue
        for folder in (fallback_dir, Path(tempfile.gettempdir())):
            if folder is None:
                continue
            instead = folder / f"{stem}.{suffix}"
            if instead.resolve() != path.resolve() and _write(instead, text) is None:
                saved.moved.append((path, instead, error))
                break
        else:
            saved.lost.append((path, error))
    return saved


def _write(path: Path, text: str) -> str | None:
    try:
        with path.open("w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def write_solution(result: Result, out: Path | None = None, csv: Path | None = None) -> list[Path]:
    """Write the solution JSON to `out` and the assignments CSV to `csv`; the paths written.
    Raises OSError when a file cannot be written (`save_solution` falls back instead)."""
    written = []
    if out is not None:
        out.write_text(result.to_json(), encoding="utf-8")
        written.append(out)
    if csv is not None:
        csv.write_text(assignments_csv(result), encoding="utf-8")
        written.append(csv)
    return written
