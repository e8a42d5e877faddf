"""The floors of ARCHITECTURE.md, checked on the imports themselves.

models → constraints → distribution → solver → service, with benchmarks beside service: imports
run downwards only. `lint-imports` checks the contracts of pyproject.toml (TYPE_CHECKING imports
included); the tests below also read every module's imports directly, so a breach names its line.
docs/architecture.md draws the package graph from the imports; a test keeps the drawing true
(`python -m tests.test_layers` redraws it).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ("models", "constraints", "distribution", "solver", "benchmarks", "service")
#: The folders whose modules may never import the solver (not even for typing).
BELOW_SOLVER = ("constraints", "distribution")
DRAWING = ROOT / "docs" / "architecture.md"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative imports resolved to `offduty.*`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["offduty", *path.relative_to(ROOT).parent.parts]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            out.append((node.lineno, base))
    return out


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_contracts_of_pyproject_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", _python_files(*BELOW_SOLVER), ids=lambda p: str(p.relative_to(ROOT)))
def test_constraints_and_distribution_never_import_the_solver(path: Path) -> None:
    bad = [(line, m) for line, m in _imports(path) if m.split(".")[:2] == ["offduty", "solver"]]
    assert not bad, f"{path.relative_to(ROOT)} imports the solver: {bad}"


def test_no_module_imports_a_bare_top_level_folder() -> None:
    """Installed, the folders exist only as `offduty.*`: a bare `import models` works in a checkout
    and fails for every user."""
    bare = re.compile(rf"^({'|'.join(FLOORS)})(\.|$)")
    found = [f"{p.relative_to(ROOT)}:{line} {m}" for p in _python_files(*FLOORS, "tests", "src")
             for line, m in _imports(p) if bare.match(m)]
    assert not found, "\n".join(found)


def package_edges() -> list[tuple[str, str]]:
    """(importer, imported) between the floors, from the modules' imports."""
    edges = set()
    for floor in FLOORS:
        for path in _python_files(floor):
            for _, module in _imports(path):
                parts = module.split(".")
                if parts[0] == "offduty" and len(parts) > 1 and parts[1] in FLOORS and parts[1] != floor:
                    edges.add((floor, parts[1]))
    return sorted(edges, key=lambda e: (FLOORS.index(e[0]), FLOORS.index(e[1])))


def test_every_edge_runs_down_a_floor() -> None:
    floor_of = {name: i for i, name in enumerate(("models", "constraints", "distribution", "solver"))}
    floor_of.update(benchmarks=4, service=4)
    beside = {("service", "benchmarks")}  # service may use the scenario generators
    up = [(a, b) for a, b in package_edges() if floor_of[b] >= floor_of[a] and (a, b) not in beside]
    assert not up, f"imports running up or sideways: {up}"


def drawing() -> str:
    lines = ["```mermaid", "graph TD"]
    lines += [f"    {a} --> {b}" for a, b in package_edges()]
    return "\n".join([*lines, "```"])


def test_the_drawing_in_the_docs_is_the_import_graph() -> None:
    text = DRAWING.read_text(encoding="utf-8")
    assert drawing() in text, "docs/architecture.md is out of date: run `python -m tests.test_layers`"


if __name__ == "__main__":
    text = DRAWING.read_text(encoding="utf-8")
    start, end = text.index("```mermaid"), text.index("```", text.index("```mermaid") + 3) + 3
    DRAWING.write_text(text[:start] + drawing() + text[end:], encoding="utf-8")
    print(f"redrew {DRAWING.relative_to(ROOT)}")
