"""The data commands (import, export-csv, payroll, invoice, report) run as a user runs them: a
separate process per command line, all started at once by the module fixture (most of each
process's time is imports). Each test checks the exit code, the streams and the files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from offduty.models.validation import load_instance_file
from offduty.service.io.schema import TABLES
from tests.service.io.conftest import example_csv
from tests.service.kcweek import kc_week, kc_week_raw, kc_week_solution

CLI = [sys.executable, "-m", "offduty.service.cli"]
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
TIMEOUT_S = 300
EIGHT = [k for k, t in TABLES.items() if not t.optional]


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"$ offduty {' '.join(self.args)}\n-> exit {self.code}\n{self.stdout}\n{self.stderr}"


def _run(cwd: Path, args: list[str]) -> Run:
    proc = subprocess.run([*CLI, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT_S,
                          check=False)
    return Run(tuple(args), proc.returncode, proc.stdout, proc.stderr)


def _files(directory: Path, edit: Callable[[str, str], str] = lambda key, text: text) -> None:
    directory.mkdir()
    for key in TABLES:
        (directory / f"{key}.csv").write_text(edit(key, example_csv(key)), encoding="utf-8")


def _bad(key: str, text: str) -> str:
    """Three problems in three files: an unknown tour member, a DST-gap local time, a bad count."""
    if key == "tours":
        text = text.replace("M1042,2026-09-15", "M9,2026-09-15")
        return text.replace("2026-09-14 06:00", "2026-03-08 02:30")
    if key == "positions":
        return text.replace("EV1-S1,40,", "EV1-S1,forty,")
    return text


def _commands(d: Path) -> dict[str, list[str]]:
    explicit = [arg for key in EIGHT for arg in (f"--{key}", f"good/{key}.csv")]
    week = ["week.json", "solution.json"]
    return {
        "import": ["import", *explicit, "--policy", "policy.json", "--tz", "America/Chicago",
                   "-o", "good.json"],
        "import-bad": ["import", "--dir", "bad", "-o", "bad.json", "--errors", "problems.csv"],
        "import-missing": ["import", "--members", "good/members.csv", "-o", "missing.json"],
        "export": ["export-csv", "week.json", "--out", "week-csv"],
        "payroll": ["payroll", *week, "--from", "2026-09-14", "--to", "2026-09-20", "-o", "payroll.csv"],
        "payroll-other": ["payroll", "week.json", "other.json", "-o", "other.csv"],
        "payroll-not-json": ["payroll", "week.json", "week-csv-not-there.json"],
        "payroll-bad-date": ["payroll", *week, "--from", "2026-13-01"],
        "invoice": ["invoice", *week, "--from", "2026-09-14", "--to", "2026-09-20", "--issuer", "KCPD",
                    "--out", "invoices"],
        "invoice-bad-by": ["invoice", *week, "--by", "month"],
        "hours": ["report", "hours", *week, "--from", "2026-09-14", "--to", "2026-09-20", "--out", "rep"],
        "supervisors": ["report", "supervisors", *week, "--month", "2026-09", "--out", "rep"],
        "schedule": ["report", "schedule", *week, "--member", kc_week_solution().assignments[0].member,
                     "--out", "rep"],
        "schedule-nobody": ["report", "schedule", *week, "--member", "NOBODY", "--out", "rep-x"],
        "fairness": ["report", "fairness", "week.json", "solution.json", "solution-hours.json",
                     "--out", "rep"],
        "unfilled": ["report", "unfilled", *week, "--out", "rep"],
        "employers": ["report", "employers", *week, "--top", "5", "--out", "rep"],
    }


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Run]]:
    d = tmp_path_factory.mktemp("cli-data")
    _files(d / "good")
    _files(d / "bad", _bad)
    (d / "policy.json").write_text('{"minimum_pay_rate": 40}', encoding="utf-8")
    (d / "week.json").write_text(json.dumps(kc_week_raw()), encoding="utf-8")
    (d / "solution.json").write_text(kc_week_solution().model_dump_json(), encoding="utf-8")
    (d / "solution-hours.json").write_text(kc_week_solution("hours").model_dump_json(), encoding="utf-8")
    other = kc_week_solution().model_dump(mode="json")
    other["assignments"][0]["member"] = "GHOST"
    (d / "other.json").write_text(json.dumps(other), encoding="utf-8")
    commands = _commands(d)
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(commands, pool.map(lambda args: _run(d, args), commands.values()), strict=True))
    # the round trip needs the export first
    runs["reimport"] = _run(d, ["import", "--dir", "week-csv", "--name", kc_week().name, "-o", "week2.json"])
    return d, runs


def test_no_command_prints_a_traceback(cli: tuple[Path, dict[str, Run]]) -> None:
    for run in cli[1].values():
        assert "Traceback" not in run.output, str(run)


def test_import_of_good_files(cli: tuple[Path, dict[str, Run]]) -> None:
    d, runs = cli
    run = runs["import"]
    assert run.code == 0, str(run)
    assert "good.json: 2 members, 2 tours, 1 leaves, 2 employers, 1 events, 2 positions, 1 applications" \
        in run.stdout
    instance = load_instance_file(d / "good.json")
    assert instance.name == "good" and instance.policy.minimum_pay_rate == 40
    assert instance.members[0].tours[0].start.isoformat() == "2026-09-14T06:00:00-05:00"


def test_import_with_bad_rows_reports_all_and_writes_nothing(cli: tuple[Path, dict[str, Run]]) -> None:
    d, runs = cli
    run = runs["import-bad"]
    assert run.code == 11, str(run)  # the smallest class of 11 (bad count), 12 (DST gap), 15 (unknown member)
    assert not (d / "bad.json").exists()
    text = " ".join(run.stderr.split())
    assert "3 problem(s) in the input files; nothing written" in text
    assert "bad/tours.csv, row 2, column start (cell B2): 2026-03-08 02:30:00 does not exist in " \
           "America/Chicago" in text
    assert "bad/tours.csv, row 3, column member (cell A3): no member with id 'M9' in members.csv" in text
    assert "bad/positions.csv, row 2, column count (cell C2): not a whole number: 'forty'" in text
    problems = list(csv.DictReader(io.StringIO((d / "problems.csv").read_text(encoding="utf-8"))))
    assert [(p["file"], p["row"], p["column"], p["cell"]) for p in problems] == [
        ("bad/tours.csv", "2", "start", "B2"), ("bad/tours.csv", "3", "member", "A3"),
        ("bad/positions.csv", "2", "count", "C2")]


def test_import_without_the_eight_files_is_a_usage_error(cli: tuple[Path, dict[str, Run]]) -> None:
    run = cli[1]["import-missing"]
    assert run.code == 2
    assert "missing input file(s): --tours, --leaves, --employers" in " ".join(run.stderr.split())
    assert not (cli[0] / "missing.json").exists()


def test_export_and_import_back_is_the_same_instance(cli: tuple[Path, dict[str, Run]]) -> None:
    d, runs = cli
    assert runs["export"].code == 0, str(runs["export"])
    hint = "import them back with: offduty import --dir week-csv --name kc-week-2026-09-14"
    assert hint in runs["export"].stdout
    assert sorted(p.name for p in (d / "week-csv").iterdir()) == sorted([f"{k}.csv" for k in EIGHT]
                                                                        + ["policy.json"])
    assert runs["reimport"].code == 0, str(runs["reimport"])
    assert load_instance_file(d / "week2.json").model_dump() == kc_week().model_dump()


def test_payroll_file(cli: tuple[Path, dict[str, Run]]) -> None:
    d, runs = cli
    run = runs["payroll"]
    assert run.code == 0, str(run)
    rows = list(csv.reader(io.StringIO((d / "payroll.csv").read_text(encoding="utf-8"), newline="")))
    assert rows[0][:10] == ["member", "serial", "name", "event", "employer", "start", "end", "hours", "rate",
                            "pay"]
    assert len(rows) - 1 == len(kc_week_solution().assignments)  # the week holds every detail
    total = sum(float(r[9]) for r in rows[1:])
    assert f"pay {total:,.2f}" in run.stdout


@pytest.mark.parametrize(("name", "code", "fragment"), [
    ("payroll-other", 15, "assignments[0].member: no member with id 'GHOST' in the instance"),
    ("payroll-not-json", 10, "cannot read week-csv-not-there.json"),
    ("payroll-bad-date", 2, "'2026-13-01' is not a date"),
    ("invoice-bad-by", 2, "--by is employer or event, not 'month'"),
    ("schedule-nobody", 2, "no member with id 'NOBODY' in the instance"),
])
def test_bad_arguments_and_files(cli: tuple[Path, dict[str, Run]], name: str, code: int,
                                 fragment: str) -> None:
    run = cli[1][name]
    assert run.code == code, str(run)
    assert fragment in " ".join(run.output.split())


def test_invoices(cli: tuple[Path, dict[str, Run]]) -> None:
    d, runs = cli
    assert runs["invoice"].code == 0, str(runs["invoice"])
    files = {p.name for p in (d / "invoices").iterdir()}
    assert "invoices.csv" in files
    summary = list(csv.DictReader(io.StringIO((d / "invoices" / "invoices.csv").read_text(encoding="utf-8"))))
    for row in summary:
        stem = f"invoice-{row['invoice']}"
        assert {f"{stem}.csv", f"{stem}.pdf"} <= files
    chiefs = next(r for r in summary if r["employer_name"] == "Kansas City Chiefs")
    assert float(chiefs["total"]) > float(chiefs["pay"]) > 0  # the instance bills fees


@pytest.mark.parametrize("kind", ["hours", "supervisors", "schedule", "fairness", "unfilled", "employers"])
def test_reports_render(cli: tuple[Path, dict[str, Run]], kind: str) -> None:
    d, runs = cli
    run = runs[kind]
    assert run.code == 0, str(run)
    for suffix in (".csv", ".md", ".png"):
        assert (d / "rep" / f"{kind}{suffix}").stat().st_size > 0
    assert "written:" in run.stdout
