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
import re
import signal
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


def _far_event(year: str) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        raw["events"].append({"id": "EV9", "employer": "E1", "shifts": [
            {"id": "S9", "start": f"{year}-09-13T10:00:00-05:00", "end": f"{year}-09-13T14:00:00-05:00"}]})
        raw["events"].append({"id": "EV8", "employer": "E1", "shifts": [
            {"id": "S8", "start": at("18:00"), "end": at("20:00")}]})
    return change


def _no_members(raw: Raw) -> None:
    raw["applications"] = [{"member": m, "shift": "S1", "at": at("08:00", "2026-09-01")} for m in "ABC" * 40]
    del raw["members"]


#: The malformed inputs a user was seen to get through, or to crash on, each a class of its own.
STRICT: dict[str, BadCase] = {
    "count-as-text": BadCase(_json(mutated(lambda d: _pos(d).update(count="2"))), 11,
                             (("events[0].shifts[0].positions[0].count", 'must be a whole number'),)),
    "count-as-bool": BadCase(_json(mutated(lambda d: _pos(d).update(count=True))), 11,
                             (("events[0].shifts[0].positions[0].count", "must be a whole number"),)),
    "pool-as-text": BadCase(_json(mutated(lambda d: d["events"][0].update(pool="yes"))), 11,
                            (("events[0].pool", 'must be true or false (got "yes")'),)),
    "count-a-billion": BadCase(_json(mutated(lambda d: _pos(d).update(count=10**9))), 16,
                               (("events[0].shifts[0].positions[0].count", "must be at most 10,000"),)),
    "count-2^70": BadCase(_json(mutated(lambda d: _pos(d).update(count=2**70))), 16,
                          (("events[0].shifts[0].positions[0].count", "must be at most 10,000"),)),
    "pay-infinity": BadCase(_json(mutated(lambda d: _pos(d).update(pay_rate=float("inf")))), 16,
                            (("events[0].shifts[0].positions[0].pay_rate", "must be a finite number"),)),
    "cap-100h": BadCase(_json(mutated(lambda d: d.update(policy={"work_day_cap_hours": 100}))), 16,
                        (("policy.work_day_cap_hours", "must be at most 24"),)),
    "year-1926": BadCase(_json(mutated(_far_event("1926"))), 16, (
        ("events[1].shifts[0].end", "1926-09-13T14:00:00-05:00 is more than 730 days"),
        ("events[1].shifts[0].start", "1926-09-13T10:00:00-05:00 is more than 730 days"))),
    "year-2206": BadCase(_json(mutated(_far_event("2206"))), 16, (
        ("events[1].shifts[0].end", "2206-09-13T14:00:00-05:00 is more than 730 days"),
        ("events[1].shifts[0].start", "2206-09-13T10:00:00-05:00 is more than 730 days"))),
    "empty-object": BadCase(b"{}", 11, (("events", "required field is missing"),
                                        ("members", "required field is missing"))),
    "no-members": BadCase(_json(mutated(_no_members)), 11, (("members", "required field is missing"),)),
    "deep-nesting": BadCase(b'{"members": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 10,
                            (("(file)", "objects and lists nested deeper than 32 levels"),)),
    "thousands-of-digits": BadCase(b'{"members": [], "events": [], "x": ' + b"9" * 5000 + b"}", 10,
                                   (("(file)", "a number with thousands of digits"),)),
}
BAD.update(STRICT)


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
    jobs["validate:understaffed"] = ["validate", "understaffed.json"]
    jobs["validate:understaffed-allowed"] = ["validate", "understaffed.json", "--allow-understaffed"]
    (d / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(tiny()).encode())
    jobs["solve:bom"] = ["solve", "bom.json", "--quiet"]
    (d / "fallback.json").write_text(json.dumps(tiny()), encoding="utf-8")
    jobs["solve:full-disk"] = ["solve", "fallback.json", "--quiet", "--out", "/dev/full"]
    for name, args in USAGE.items():
        jobs[f"usage:{name}"] = args
    jobs["schema:instance"] = ["schema", "instance"]
    jobs["schema:solution"] = ["schema", "solution", "--out", "solution.schema.json"]
    jobs["compare:understaffed"] = ["compare", "understaffed.json", "--strategies", "seniority,hours",
                                    "--out", "under-report", "--no-parallel"]
    jobs["compare:understaffed-allowed"] = ["compare", "understaffed.json", "--strategies", "seniority,hours",
                                            "--allow-understaffed", "--out", "under-allowed-report",
                                            "--no-parallel"]
    jobs["generate"] = ["generate", "chiefs-game", "--seed", "1", "--out", "generated.json"]
    jobs["demo"] = ["demo", "--out-dir", "demo"]
    (d / "chiefs.json").write_text(json.dumps(generate_scenario("chiefs-game", 1)), encoding="utf-8")
    jobs["compare"] = ["compare", "chiefs.json", "--strategies", ",".join(STRATEGY_NAMES),
                       "--out", "report", "--diff", "seniority,hours", "--no-parallel"]
    # the "done when": policy what-if on the game, as an administrator types it
    (d / "game.json").write_text((d / "chiefs.json").read_text(), encoding="utf-8")
    jobs["compare:variants"] = ["compare", "game.json", "--variant", "cap14: work_day_cap_hours=14",
                                "--variant", "rest8: min_rest_hours=8", "--no-parallel"]
    # piped, as in CI: the progress still shows, on stderr
    jobs["solve:piped"] = ["solve", "chiefs.json", "--out", "piped.solution.json"]
    # a time limit shorter than preparing the model: the greedy roster, its tiers unproven
    jobs["solve:short"] = ["solve", "chiefs.json", "--time-limit", "0.01", "--out", "short.solution.json"]

    first = ("compare", "compare:variants", "demo", "solve:piped", "solve:short", "generate")
    order = [*first, *(j for j in jobs if j not in first)]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_run, d, jobs[name]) for name in order}
        runs = {name: f.result() for name, f in futures.items()}
    return Cli(d, runs)


#: Mistyped options and unusable output paths: exit 2 with a message, before anything is solved.
USAGE: dict[str, list[str]] = {
    "out-dir-missing": ["solve", "tiny.json", "--out", "no/such/dir/solution.json"],
    "out-is-a-directory": ["solve", "tiny.json", "--out", "."],
    "csv-dir-missing": ["solve", "tiny.json", "--csv", "no/such/dir/a.csv"],
    "time-limit-nan": ["solve", "tiny.json", "--time-limit", "nan"],
    "time-limit-text": ["solve", "tiny.json", "--time-limit", "soon"],
    "seed-too-large": ["solve", "tiny.json", "--seed", str(2**40)],
    "workers-zero": ["solve", "tiny.json", "--workers", "0"],
    "compare-out-is-a-file": ["compare", "tiny.json", "--out", "tiny.json"],
    "compare-diff-not-compared": ["compare", "tiny.json", "--strategies", "seniority",
                                  "--diff", "seniority,hours"],
    "compare-diff-unknown-method": ["compare", "tiny.json", "--diff", "seniority:lottery,hours"],
    "compare-unknown-strategy": ["compare", "tiny.json", "--strategies", "seniority,lottery"],
    "compare-bad-variant": ["compare", "tiny.json", "--variant", "cap14 work_day_cap_hours=14"],
    "compare-variant-unknown-field": ["compare", "tiny.json", "--variant", "x: work_day_hours=14"],
    "compare-variant-out-of-range": ["compare", "tiny.json", "--variant", "x: work_day_cap_hours=100"],
    "compare-variant-named-base": ["compare", "tiny.json", "--variant", "base: min_rest_hours=8"],
    "schema-unknown": ["schema", "roster"],
    "generate-out-dir-missing": ["generate", "chiefs-game", "--out", "no/such/dir/x.json"],
    "demo-out-dir-is-a-file": ["demo", "--out-dir", "tiny.json"],
    "unknown-command": ["sovle", "tiny.json"],
}


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
    assert run.code == 5, str(run)  # valid, with a warning: nobody is eligible for EV2
    assert "valid input · 4 members · 2 positions (5 slots) · 3 events" in run.flat_stdout
    assert "warning: NO-ELIGIBLE EV2: nobody is eligible for its 3 slot(s)" in run.flat_stdout
    rows = {}
    for line in run.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 4 and cells[0].startswith("EV") and ":" not in cells[0]:
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


# --- usage errors and results that are never lost ------------------------------------------------


@pytest.mark.parametrize("name", list(USAGE))
def test_usage_errors_exit_2_with_a_message_before_solving(cli: Cli, name: str) -> None:
    run = cli[f"usage:{name}"]
    no_traceback(run)
    assert run.code == 2, str(run)
    assert run.stderr.strip(), str(run)
    assert "started" not in run.stderr and "written" not in run.stdout, str(run)  # nothing was solved


def test_a_write_that_fails_saves_next_to_the_instance(cli: Cli) -> None:
    run = cli["solve:full-disk"]
    no_traceback(run)
    assert run.code == 6, str(run)
    saved = cli.dir / "fallback.solution.json"
    assert f"could not write /dev/full (No space left on device); saved it to {saved}" in run.flat_stderr
    solution = json.loads(saved.read_text())
    assert solution["status"] == "optimal" and len(solution["assignments"]) == 2


def test_a_byte_order_mark_is_accepted(cli: Cli) -> None:
    run = cli["solve:bom"]
    no_traceback(run)
    assert run.code == 0, str(run)


# --- validate predicts the solve ----------------------------------------------------------------


def test_validate_predicts_an_unmeetable_floor(cli: Cli) -> None:
    run = cli["validate:understaffed"]
    no_traceback(run)
    assert run.code == 3, str(run)
    assert "error: C-STAFFING-RATIO EV-STADIUM: event EV-STADIUM" in run.flat_stdout
    assert "needs at least 13 members" in run.flat_stdout and "at most 2 can be assigned" in run.flat_stdout
    allowed = cli["validate:understaffed-allowed"]
    assert allowed.code == 5, str(allowed)
    assert "(reported as a shortage)" in allowed.flat_stdout


# --- honest figures -------------------------------------------------------------------------------


def _check_honest(instance_path: Path, solution: dict[str, Any], run: Run) -> None:
    """What the solution and the summary say is true: the roster keeps every rule, the status
    claims optimality only when every tier is proven, the headline gap is the worst tier's or
    "not proven", and each tier's objective is the roster's value."""
    from offduty.service.usecases import strategy_scores
    from offduty.solver import Result, SolveParams, verify

    instance = load_instance_file(instance_path)
    result = Result.model_validate(solution)
    assert result.has_solution and result.assignments
    assert verify(instance, result.pairs()) == []
    tiers = result.tiers
    assert (result.status.value == "optimal") == all(t.status == "optimal" for t in tiers)
    gaps = [t.gap for t in tiers]
    if any(g is None for g in gaps):
        assert result.gap is None
        assert "not proven" in run.flat_stdout
    else:
        assert result.gap == max(g for g in gaps if g is not None)
    for t in tiers:
        assert (t.bound is None) == (t.gap is None)
        if t.status == "optimal":
            assert t.bound == t.objective
    coverage = sum(p.count for e in instance.events for s in e.shifts for p in s.positions)
    assert tiers[0].objective == coverage - len(result.assignments)  # priorities are 1 here
    (score,) = strategy_scores(instance, SolveParams(strategy=result.strategy), [result])
    assert tiers[1].objective in (None, score)
    assert f"{score:,}" in run.flat_stdout  # the summary shows the strategy's own score


def test_time_limit_shorter_than_the_build_returns_the_verified_greedy_roster(cli: Cli) -> None:
    run = cli["solve:short"]
    no_traceback(run)
    assert run.code == 0, str(run)
    solution = json.loads((cli.dir / "short.solution.json").read_text())
    assert solution["status"] == "feasible"
    assert solution["gap"] is None  # the strategy tier was never solved: no bound, no proof
    assert solution["tiers"][1]["bound"] is None and solution["tiers"][1]["status"] == "unknown"
    assert "0.00%" not in run.stdout.split("tiers")[0]  # nothing claims a proof in the headline
    assert any("greedy list roster is returned" in line for line in solution["explanation"])
    _check_honest(cli.dir / "chiefs.json", solution, run)


def test_a_piped_solve_shows_its_progress(cli: Cli) -> None:
    run = cli["solve:piped"]
    no_traceback(run)
    assert run.code == 0, str(run)
    lines = run.stderr.splitlines()
    assert lines[0].endswith("seniority: started")
    assert any("tier 1 (coverage): objective" in line for line in lines), run.stderr
    assert any("tier 2 (seniority): objective" in line and "bound" in line and "gap" in line
               for line in lines), run.stderr
    assert "done after" in lines[-1]
    _check_honest(cli.dir / "chiefs.json", json.loads((cli.dir / "piped.solution.json").read_text()), run)


def test_ctrl_c_stops_the_search_and_keeps_a_true_roster(tmp_path: Path) -> None:
    """A stop mid-search (Ctrl-C once the strategy tier runs): the best roster so far, verified,
    with its true status and gap; the week is not proven within the seconds this takes."""
    path = tmp_path / "week.json"
    path.write_text(json.dumps(generate_scenario("kc-week", 1)), encoding="utf-8")
    out = tmp_path / "week.solution.json"
    proc = subprocess.Popen([*CLI, "solve", str(path), "--out", str(out)], cwd=tmp_path, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "tier 2 (seniority)" in line:
            proc.send_signal(signal.SIGINT)
            break
    stdout, rest = proc.communicate(timeout=TIMEOUT_S)
    run = Run(("solve", str(path)), proc.returncode, stdout, "".join(seen) + rest)
    no_traceback(run)
    assert run.code == 0, str(run)
    assert "stopping; the best roster found so far will be verified and written" in run.flat_stderr
    solution = json.loads(out.read_text())
    assert solution["status"] in ("feasible", "optimal")
    _check_honest(path, solution, run)


# --- comparisons for administrators -------------------------------------------------------------

NAN = re.compile(r"\bnan\b", re.IGNORECASE)


@pytest.mark.parametrize("job", ["compare:understaffed", "compare:understaffed-allowed"])
def test_compare_with_an_unmeetable_floor_never_shows_nan(cli: Cli, job: str) -> None:
    run = cli[job]
    no_traceback(run)
    assert run.code == 0, str(run)
    report = cli.dir / ("under-report" if job == "compare:understaffed" else "under-allowed-report")
    csv_text = (report / "comparison.csv").read_text()
    markdown = (report / "comparison.md").read_text()
    for text in (run.stdout, csv_text, markdown):
        assert not NAN.search(text), text
    with (report / "comparison.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    optimizer = [r for r in rows if r["method"] == "optimizer"]
    if job == "compare:understaffed":
        for row in optimizer:
            assert row["status"] == "infeasible"
            assert "EV-STADIUM" in row["explanation"] and "13" in row["explanation"]
            assert row["filled"] == "" and row["required"] == "20"
        assert "infeasible: event EV-STADIUM" in run.flat_stdout
        assert "–/20" in run.stdout
    else:
        for row in optimizer:
            assert row["status"] == "optimal"
            assert (row["filled"], row["floor_short"]) == ("2", "11")


def test_compare_policy_variants_as_an_administrator_types_it(cli: Cli) -> None:
    run = cli["compare:variants"]
    no_traceback(run)
    assert run.code == 0, str(run)
    report = cli.dir / "game-comparison"
    with (report / "comparison.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {(r["variant"], r["method"]) for r in rows} == {
        (v, m) for v in ("base", "cap14", "rest8") for m in ("optimizer", "greedy")}
    for name in ("fill_by_variant.png", "hours_by_variant.png", "hours_distribution.png", "lorenz.png"):
        assert (report / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name
    for row in rows:
        assert row["score"] and row["filled"], row
        if row["variant"] != "base":
            assert row["members_losing"] and row["members_gaining"], row
    for variant in ("cap14", "rest8"):
        assert f"{variant} against base (seniority, optimizer):" in run.stdout
        assert (report / f"variant-{variant}-members.csv").exists()
    assert "cap14: work_day_cap_hours=14" in run.flat_stdout
    assert not NAN.search(run.stdout)
    assert "compare: 3 job(s) started" in run.stderr  # progress, though piped


# --- the formats as documentation --------------------------------------------------------------


def test_schema_command_prints_the_formats(cli: Cli) -> None:
    run = cli["schema:instance"]
    no_traceback(run)
    assert run.code == 0, str(run)
    schema = json.loads(run.stdout)
    assert schema["title"] == "offduty instance"
    assert {"members", "events"} <= set(schema["required"])
    count = schema["$defs"]["Position"]["properties"]["count"]
    assert (count["minimum"], count["maximum"]) == (0, 10_000)
    solution = json.loads((cli.dir / "solution.schema.json").read_text())
    assert "assignments" in solution["properties"]
