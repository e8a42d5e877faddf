"""The `offduty` command line, run as a user runs it: a separate Python process per command.

Every command line of this module is started once, concurrently, by the module fixture `cli`
(each process spends most of its ~1 s importing OR-Tools, pandas and pydantic, so running them
side by side keeps the suite fast); each test then checks the exit code, the streams and the
files of its own runs.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from offduty.benchmarks.scenarios import generate as generate_scenario
from offduty.distribution.registry import STRATEGIES
from offduty.models.validation import load_instance_file

Raw = dict[str, Any]
CLI = [sys.executable, "-m", "offduty.service.cli"]
#: A wide terminal, so that rich does not wrap the lines the tests look for; no colour codes.
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
TIMEOUT_S = 300
STRATEGY_NAMES = list(STRATEGIES)


def at(clock: str, day: str = "2026-09-13", offset: str = "-05:00") -> str:
    return f"{day}T{clock}:00{offset}"


def tiny() -> Raw:
    """Three members; P1 (2 slots) anyone can fill, P2 needs a k9 certification nobody has."""
    return {
        "name": "tiny",
        "members": [
            {"id": "A", "seniority_date": "2000-01-01", "hour_plan": 10,
             "tours": [{"start": at("06:00", "2026-09-14"), "end": at("16:00", "2026-09-14")}]},
            {"id": "B", "seniority_date": "2005-01-01"},
            {"id": "C", "seniority_date": "2010-01-01"},
        ],
        "employers": [{"id": "E1", "name": "Chiefs"}],
        "events": [{"id": "EV1", "employer": "E1", "name": "Preseason",
                    "shifts": [{"id": "S1", "start": at("10:00"), "end": at("14:00"), "positions": [
                        {"id": "P1", "count": 2, "pay_rate": 50.0},
                        {"id": "P2", "count": 1, "certifications": ["k9"]}]}]}],
    }


def understaffed() -> Raw:
    """A 15,000-seat sporting venue with alcohol needs 3 + 10 = 13 officers; there are 2."""
    return {
        "members": [{"id": "A", "seniority_date": "2000-01-01"}, {"id": "B", "seniority_date": "2010-01-01"}],
        "employers": [{"id": "E1"}],
        "events": [{"id": "EV-STADIUM", "employer": "E1", "venue": "sporting_alcohol", "attendance": 15000,
                    "shifts": [{"id": "S1", "start": at("10:00"), "end": at("14:00"),
                                "positions": [{"id": "P1", "count": 20, "pay_rate": 50}]}]}],
    }


def eligibility() -> Raw:
    """EV1: A eligible; B suspended, C an entrant, D has open close-outs. EV2: employer not approved.
    EV3: no positions."""
    return {
        "members": [
            {"id": "A", "seniority_date": "2000-01-01"},
            {"id": "B", "seniority_date": "2010-01-01", "privileges": "suspended"},
            {"id": "C", "seniority_date": "2010-01-01", "status": "entrant"},
            {"id": "D", "seniority_date": "2010-01-01", "open_closeouts": 2},
        ],
        "employers": [{"id": "E1"}, {"id": "E2", "approved": False}],
        "events": [
            {"id": "EV1", "employer": "E1", "shifts": [{"id": "S1", "start": at("10:00"), "end": at("14:00"),
                                                         "positions": [{"id": "P1", "count": 2}]}]},
            {"id": "EV2", "employer": "E2", "shifts": [
                {"id": "S2", "start": at("10:00", "2026-09-14"), "end": at("14:00", "2026-09-14"),
                 "positions": [{"id": "P2", "count": 3}]}]},
            {"id": "EV3", "employer": "E1"},
        ],
    }


def mutated(change: Callable[[Raw], object]) -> Raw:
    raw = tiny()
    change(raw)
    return raw


def _pos(raw: Raw) -> Raw:
    return raw["events"][0]["shifts"][0]["positions"][0]


def _mixed(raw: Raw) -> None:
    raw["events"][0]["shifts"][0]["start"] = "2026-09-13T10:00:00"
    raw["events"][0]["employer"] = "E9"
    _pos(raw)["pay_rate"] = 20


@dataclass(frozen=True)
class BadCase:
    """A bad input file (bytes; None: the file does not exist), the exit code of its class, and the
    problems (path as printed, message prefix) the user must be told about."""

    content: bytes | None
    code: int
    problems: tuple[tuple[str, str], ...]


def _json(raw: Raw) -> bytes:
    return json.dumps(raw).encode()


BAD: dict[str, BadCase] = {
    "not-json": BadCase(b'{"members": [\n', 10, (("(file)", "not valid JSON"),)),
    "missing-file": BadCase(None, 10, (("(file)", "no such file"),)),
    "unknown-field": BadCase(_json(mutated(lambda d: d["members"][0].update(rank_title="Sgt."))), 11,
                             (("members[0].rank_title", "unknown field"),)),
    "naive-time": BadCase(_json(mutated(lambda d: d["members"][0]["tours"][0].update(
        start="2026-09-14T06:00:00"))), 12, (("members[0].tours[0].start", "time without a UTC offset"),)),
    "end-before-start": BadCase(_json(mutated(lambda d: d["events"][0]["shifts"][0].update(end=at("09:00")))),
                                13, (("events[0].shifts[0].end", "before start"),)),
    "duplicate-id": BadCase(_json(mutated(lambda d: d["members"][2].update(id="A"))), 14,
                            (("members[2].id", "duplicate member id 'A'"),)),
    "dangling-reference": BadCase(_json(mutated(lambda d: d["events"][0].update(employer="E9"))), 15,
                                  (("events[0].employer", "no employer with id 'E9'"),)),
    "out-of-range": BadCase(_json(mutated(lambda d: _pos(d).update(count=-1))), 16,
                            (("events[0].shifts[0].positions[0].count",
                              "must be at least 0"),)),
    "against-policy": BadCase(_json(mutated(lambda d: _pos(d).update(pay_rate=20))), 17,
                              (("events[0].shifts[0].positions[0].pay_rate",
                                "20 is below the minimum pay rate 38 (§III.D)"),)),
    "mixed": BadCase(_json(mutated(_mixed)), 12, (
        ("events[0].shifts[0].start", "time without a UTC offset"),
        ("events[0].employer", "no employer with id 'E9'"),
        ("events[0].shifts[0].positions[0].pay_rate", "20 is below the minimum pay rate 38"),
    )),
}


def _markup(raw: Raw) -> None:
    raw["events"][0]["employer"] = "[bold]E9"
    raw["members"][0]["conflicts"] = ["[/]"]


#: User text that looks like rich console markup must be printed as it is.
MARKUP = BadCase(_json(mutated(_markup)), 15, (
    ("events[0].employer", "no employer with id '[bold]E9'"),
    ("members[0].conflicts[0]", "no employer with id '[/]'"),
))

#: `validate` is run on one file of each class (the other files differ only in the class's details).
VALIDATE = ("missing-file", "unknown-field", "naive-time", "end-before-start", "duplicate-id",
            "dangling-reference", "out-of-range", "against-policy", "mixed")


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def flat_stderr(self) -> str:
        return " ".join(self.stderr.split())

    @property
    def flat_stdout(self) -> str:
        return " ".join(self.stdout.split())

    def __str__(self) -> str:
        return f"$ offduty {' '.join(self.args)}\n-> exit {self.code}\n{self.stdout}\n{self.stderr}"


@dataclass
class Cli:
    dir: Path
    runs: dict[str, Run]

    def __getitem__(self, name: str) -> Run:
        return self.runs[name]


def _run(cwd: Path, args: list[str]) -> Run:
    proc = subprocess.run([*CLI, *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    return Run(tuple(args), proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    d = tmp_path_factory.mktemp("cli")
    jobs: dict[str, list[str]] = {}
    for name, case in (BAD | {"markup": MARKUP}).items():
        f = d / f"{name}.json"
        if case.content is not None:
            f.write_bytes(case.content)
        jobs[f"solve:{name}"] = ["solve", str(f), "--quiet", "--out", str(d / f"{name}.solution.json"),
                                 "--csv", str(d / f"{name}.csv")]
        if name in VALIDATE:
            jobs[f"validate:{name}"] = ["validate", str(f)]
    for name, raw in {"tiny": tiny(), "understaffed": understaffed(), "eligibility": eligibility()}.items():
        (d / f"{name}.json").write_text(json.dumps(raw), encoding="utf-8")
    jobs["solve:tiny"] = ["solve", "tiny.json", "--quiet", "--out", "tiny.solution.json", "--csv", "tiny.csv"]
    jobs["solve:understaffed"] = ["solve", "understaffed.json", "--quiet",
                                  "--out", "understaffed.solution.json"]
    jobs["solve:understaffed-allowed"] = ["solve", "understaffed.json", "--quiet", "--allow-understaffed",
                                          "--out", "understaffed-allowed.solution.json"]
    jobs["solve:unknown-strategy"] = ["solve", "tiny.json", "--strategy", "no-such-strategy",
                                      "--out", "unknown-strategy.solution.json"]
    jobs["validate:eligibility"] = ["validate", "eligibility.json"]
    jobs["generate"] = ["generate", "chiefs-game", "--seed", "1", "--out", "generated.json"]
    jobs["demo"] = ["demo", "--out-dir", "demo"]
    (d / "chiefs.json").write_text(json.dumps(generate_scenario("chiefs-game", 1)), encoding="utf-8")
    jobs["compare"] = ["compare", "chiefs.json", "--strategies", ",".join(STRATEGY_NAMES),
                       "--out", "report", "--diff", "seniority,hours", "--no-parallel"]

    order = ["compare", "demo", "generate"] + [j for j in jobs if j not in ("compare", "demo", "generate")]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_run, d, jobs[name]) for name in order}
        runs = {name: f.result() for name, f in futures.items()}
    return Cli(d, runs)


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, str(run)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("job", [f"solve:{n}" for n in BAD] + [f"validate:{n}" for n in VALIDATE])
def test_bad_input_exits_with_its_class_code_and_names_the_path(cli: Cli, job: str) -> None:
    case, run = BAD[job.split(":")[1]], cli[job]
    no_traceback(run)
    assert run.code == case.code, str(run)
    assert f"{len(case.problems)} input problem(s)" in run.flat_stderr, str(run)
    for path, message in case.problems:
        assert f"{path}: {message}" in run.flat_stderr, str(run)
    assert "input problem" not in run.stdout


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_out_is_an_invalid_input_solution(cli: Cli, name: str) -> None:
    case = BAD[name]
    solution = json.loads((cli.dir / f"{name}.solution.json").read_text())
    assert solution["status"] == "invalid_input"
    assert solution["strategy"] == "seniority"
    assert solution["assignments"] == []
    problems = solution["problems"]
    assert len(problems) == len(case.problems)
    for path, message in case.problems:
        shown = "" if path == "(file)" else path
        assert any(p["path"] == shown and p["message"].startswith(message) for p in problems), problems
    assert min(KIND_CODES[p["kind"]] for p in problems) == case.code
    assert not (cli.dir / f"{name}.csv").exists()


KIND_CODES = {"unreadable": 10, "schema": 11, "naive_time": 12, "time_order": 13, "duplicate_id": 14,
              "dangling_reference": 15, "out_of_range": 16, "policy": 17}


def test_each_class_has_a_distinct_exit_code() -> None:
    codes = {BAD[n].code for n in ("not-json", "unknown-field", "naive-time", "end-before-start",
                                   "duplicate-id", "dangling-reference", "out-of-range", "against-policy")}
    assert codes == set(range(10, 18))


def test_problem_text_is_printed_verbatim(cli: Cli) -> None:
    run = cli["solve:markup"]
    no_traceback(run)
    assert run.code == MARKUP.code, str(run)
    for path, message in MARKUP.problems:
        assert f"{path}: {message}" in run.flat_stderr, str(run)


# --- valid input ----------------------------------------------------------------------------------

CONTRACT = ("status", "strategy", "candidates", "objective", "bound", "gap", "timings", "assignments",
            "unfilled", "metrics")


def test_solve_tiny_instance(cli: Cli) -> None:
    run = cli["solve:tiny"]
    no_traceback(run)
    assert run.code == 0, str(run)
    solution = json.loads((cli.dir / "tiny.solution.json").read_text())
    for key in CONTRACT:
        assert key in solution, key
    assert solution["status"] == "optimal"
    assert solution["strategy"] == "seniority"
    assert solution["candidates"] == "all_eligible"
    assert solution["gap"] == 0
    assert len(solution["objective"]) == len(solution["bound"]) >= 2
    assert {"build_s", "solve_s", "total_s"} <= set(solution["timings"])
    pairs = sorted((a["member"], a["position"]) for a in solution["assignments"])
    # P1 gets two of the three members; nobody has the k9 certification P2 needs
    assert len(pairs) == 2
    assert {p for _, p in pairs} == {"P1"}
    assert len({m for m, _ in pairs}) == 2
    assert {m for m, _ in pairs} <= {"A", "B", "C"}
    (unfilled,) = solution["unfilled"]
    assert (unfilled["position"], unfilled["missing"]) == ("P2", 1)
    assert unfilled["reasons"].get("E-CERT") == 3
    assert solution["metrics"]["filled"] == 2
    assert solution["metrics"]["required"] == 3
    assert solution["problems"] == []
    # the summary goes to stdout
    assert "optimal" in run.stdout


def test_solve_tiny_instance_csv(cli: Cli) -> None:
    solution = json.loads((cli.dir / "tiny.solution.json").read_text())
    with (cli.dir / "tiny.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(solution["assignments"]) == 2
    assert {"member", "position"} <= set(rows[0])
    assert sorted((r["member"], r["position"]) for r in rows) == \
        sorted((a["member"], a["position"]) for a in solution["assignments"])


def test_staffing_floor_impossible_is_infeasible_and_explained(cli: Cli) -> None:
    run = cli["solve:understaffed"]
    no_traceback(run)
    assert run.code == 3, str(run)
    assert "EV-STADIUM" in run.flat_stdout
    assert "13" in run.flat_stdout
    solution = json.loads((cli.dir / "understaffed.solution.json").read_text())
    assert solution["status"] == "infeasible"
    assert solution["assignments"] == []
    assert any("EV-STADIUM" in line and "13" in line for line in solution["explanation"]), \
        solution["explanation"]


def test_allow_understaffed_reports_shortages(cli: Cli) -> None:
    run = cli["solve:understaffed-allowed"]
    no_traceback(run)
    assert run.code == 0, str(run)
    solution = json.loads((cli.dir / "understaffed-allowed.solution.json").read_text())
    assert solution["status"] in ("optimal", "feasible")
    assert len(solution["assignments"]) == 2
    assert solution["shortages"], solution
    for s in solution["shortages"]:
        assert (s["event"], s["floor"], s["achieved"]) == ("EV-STADIUM", 13, 2)


def test_unknown_strategy_is_a_usage_error(cli: Cli) -> None:
    run = cli["solve:unknown-strategy"]
    no_traceback(run)
    assert run.code == 2, str(run)
    assert "no-such-strategy" in run.stderr


def test_validate_reports_eligibility_per_event(cli: Cli) -> None:
    run = cli["validate:eligibility"]
    no_traceback(run)
    assert run.code == 0, str(run)
    assert "valid · 4 members · 2 positions (5 slots) · 3 events" in run.flat_stdout
    rows = {}
    for line in run.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 4 and cells[0].startswith("EV"):
            rows[cells[0]] = cells[1:]
    assert set(rows) == {"EV1", "EV2", "EV3"}, run.stdout
    slots, eligible, why = rows["EV1"]
    assert (slots, eligible) == ("2", "1")
    assert sorted(why.split(", ")) == ["E-CLOSEOUT 1", "E-ENTRANT 1", "E-PRIVILEGES 1"]
    slots, eligible, why = rows["EV2"]
    assert (slots, eligible) == ("3", "0")
    reasons = dict(r.rsplit(" ", 1) for r in why.split(", "))
    assert reasons.get("E-EMPLOYER") is not None
    assert sum(int(n) for n in reasons.values()) == 4
    assert rows["EV3"][0] == "0"
    assert "no positions" in rows["EV3"][2]


# --- generate and demo ------------------------------------------------------------------------------


def test_generate_writes_a_valid_instance(cli: Cli) -> None:
    run = cli["generate"]
    no_traceback(run)
    assert run.code == 0, str(run)
    path = cli.dir / "generated.json"
    instance = load_instance_file(path)  # raises InvalidInstance with every problem if not
    assert instance.members
    assert instance.events
    assert any(p.count > 0 for e in instance.events for s in e.shifts for p in s.positions)
    assert "generated.json" in run.stdout


def test_demo(cli: Cli) -> None:
    run = cli["demo"]
    no_traceback(run)
    assert run.code == 0, str(run)
    out = cli.dir / "demo"
    instance = load_instance_file(out / "chiefs-game.json")
    solution = json.loads((out / "solution.json").read_text())
    assert solution["status"] == "optimal"
    assert solution["assignments"]
    with (out / "assignments.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(solution["assignments"])
    member_ids = {m.id for m in instance.members}
    position_ids = {p.id for e in instance.events for s in e.shifts for p in s.positions}
    assert {r["member"] for r in rows} <= member_ids
    assert {r["position"] for r in rows} <= position_ids
    assert len({(r["member"], r["position"]) for r in rows}) == len(rows)


def test_compare_on_the_demo_instance(cli: Cli) -> None:
    """`offduty compare` on the Chiefs game: one table row per strategy and method, every
    optimizer row proven optimal, the CSV/Markdown/PNG files and the per-member diff written."""
    run = cli["compare"]
    no_traceback(run)
    assert run.code == 0, str(run)
    report = cli.dir / "report"
    with (report / "comparison.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {(r["strategy"], r["method"]) for r in rows} == {
        (s, m) for s in STRATEGY_NAMES for m in ("optimizer", "greedy")}
    assert len(rows) == 2 * len(STRATEGY_NAMES)
    assert {r["status"] for r in rows if r["method"] == "optimizer"} == {"optimal"}
    for name in ("hours_distribution.png", "lorenz.png"):
        assert (report / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name
    assert "| strategy |" in (report / "comparison.md").read_text()
    with (report / "diff-seniority-hours.csv").open(newline="") as f:
        assert {"member", "change"} <= set(next(csv.DictReader(f)))
    for name in STRATEGY_NAMES:
        assert name in run.stdout


def test_fixture_inputs_are_what_they_claim() -> None:
    """The valid inputs of this module are valid (in process, so a failure points here)."""
    from offduty.models.validation import parse_instance

    for raw in (tiny(), understaffed(), eligibility()):
        parse_instance(copy.deepcopy(raw))
