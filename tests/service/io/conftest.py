"""Input files for the importer tests: the documented examples of docs/csv-format.md, written out."""

from __future__ import annotations

from pathlib import Path

import pytest

from offduty.service.io.errors import RowError
from offduty.service.io.importer import ImportResult, import_instance
from offduty.service.io.schema import TABLES


def example_csv(key: str) -> str:
    """The documented example of one table as CSV text (the header, then the example rows)."""
    table = TABLES[key]
    lines = [",".join(table.names)]
    lines += [",".join(f'"{v}"' if "," in v else v for v in row) for row in table.example]
    return "\n".join(lines) + "\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Every table's documented example as `<key>.csv` in a fresh directory."""
    out = {}
    for key in TABLES:
        path = tmp_path / f"{key}.csv"
        path.write_text(example_csv(key), encoding="utf-8")
        out[key] = path
    return out


def run(files: dict[str, Path], **kw: object) -> ImportResult:
    return import_instance(files, **kw)  # type: ignore[arg-type]


def errors_of(files: dict[str, Path], **kw: object) -> list[RowError]:
    result = run(files, **kw)
    assert result.instance is None, "the import should have failed"
    assert result.errors
    return result.errors
