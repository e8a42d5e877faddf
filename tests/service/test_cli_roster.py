"""The roster commands on files, run as a coordinator runs them: one process per command, in
order (each reads what the previous one wrote): cancel beyond and within 14 days, refusals,
approve, deny, resolve with a change report, transfer, and a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from offduty.models.validation import load_instance_file
from offduty.solver import verify
from tests.solver.test_resolve import move_case

CLI = [sys.executable, "-m", "offduty.service.cli"]
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=300)


def records(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text())["cancellations"]
    return data


def roster(path: Path) -> set[tuple[str, str]]:
    return {(a["member"], a["position"]) for a in json.loads(path.read_text())["assignments"]}


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The move case without its cancellations, published, then the coordinator's commands."""
    d = tmp_path_factory.mktemp("roster-cli")
    raw = move_case().model_dump(mode="json")
    raw["cancellations"] = []
    (d / "game.json").write_text(json.dumps(raw))
    (d / "published.json").write_text(json.dumps({"assignments": raw["assignments"]}))
    common = ["game.json", "--roster", "published.json", "--cancellations", "c.json"]
    within = ["--at", "2026-09-11T09:00:00-05:00"]
    y_cancels = [*common, "--member", "Y", "--position", "V2", *within]
    steps: dict[str, subprocess.CompletedProcess[str]] = {}

    def together(**commands: list[str | Path]) -> None:
        """Commands that read the same files and write none (or their own): run side by side."""
        with ThreadPoolExecutor(len(commands)) as pool:
            futures = {name: pool.submit(run, *args, cwd=d) for name, args in commands.items()}
        steps.update({name: f.result() for name, f in futures.items()})

    steps["beyond"] = run("cancel", *common, "--member", "X", "--position", "V1", "--comment",
                          "Family wedding out of state.", "--at", "2026-08-20T09:00:00-05:00", cwd=d)
    together(**{"no-reason": ["cancel", *y_cancels, "--comment", "Court."],
                "no-comment": ["cancel", *y_cancels, "--reason", "court"],
                "medical": ["cancel", *y_cancels, "--reason", "illness", "--comment",
                            "Stomach virus since Friday"]})
    steps["within"] = run("cancel", *y_cancels, "--reason", "court", "--comment", "Subpoenaed for a trial.",
                          cwd=d)
    steps["pending-resolve"] = run("resolve", *common, "--out", "pending.json", "--report",
                                   "pending-report.json", cwd=d)
    pending_id = records(d / "c.json")[1]["id"]
    steps["approve"] = run("approve", "c.json", pending_id, "--by", "Sgt. Lee", cwd=d)
    steps["approve-again"] = run("approve", "c.json", pending_id, cwd=d)
    steps["resolve"] = run("resolve", *common, "--out", "new.json", "--report", "report.json", cwd=d)
    transfer = ["transfer", "game.json", "--roster", "new.json", "--from", "B", "--position", "P"]
    together(**{"transfer": [*transfer, "--to", "Y", "--out", "transferred.json"],
                "transfer-bad": [*transfer, "--to", "C", "--out", "bad.json"],
                "list": ["cancellations", "c.json"]})
    return {"dir": d, "steps": steps}


def test_a_cancellation_beyond_fourteen_days_is_immediate(flow: dict[str, Any]) -> None:
    step = flow["steps"]["beyond"]
    assert step.returncode == 0, step.stderr
    assert "cancelled" in step.stdout and "released" in step.stdout


@pytest.mark.parametrize(("name", "field", "words"), [
    ("no-reason", "reason", "reason code is required"),
    ("no-comment", "comment", "comment is required"),
    ("medical", "comment", "medical details"),
])
def test_refusals_are_clear(flow: dict[str, Any], name: str, field: str, words: str) -> None:
    step = flow["steps"][name]
    assert step.returncode == 2
    assert f"refused {field}: " in step.stderr and words in step.stderr
    assert "Traceback" not in step.stderr
    assert "Stomach" not in (flow["dir"] / "c.json").read_text()


def test_a_pending_member_keeps_the_position(flow: dict[str, Any]) -> None:
    d = flow["dir"]
    assert flow["steps"]["within"].returncode == 0
    assert "cancel_pending" in flow["steps"]["within"].stdout
    assert flow["steps"]["pending-resolve"].returncode == 0, flow["steps"]["pending-resolve"].stderr
    pairs = roster(d / "pending.json")
    assert ("Y", "V2") in pairs  # still scheduled: only X's immediate cancellation is in force
    report = json.loads((d / "pending-report.json").read_text())
    assert [c["member"] for c in report["cancelled"]] == ["X"]


def test_approve_then_resolve_shows_the_move(flow: dict[str, Any]) -> None:
    d, steps = flow["dir"], flow["steps"]
    assert steps["approve"].returncode == 0 and "approved" in steps["approve"].stdout
    assert steps["approve-again"].returncode == 2 and "not cancel_pending" in steps["approve-again"].stderr
    assert steps["resolve"].returncode == 0, steps["resolve"].stderr
    out = steps["resolve"].stdout
    assert "4 change(s), proven minimal; 2 cancellation(s) in force" in out
    assert "A: P → V1" in out and "in place of Y (cancelled)" in out
    new = json.loads((d / "new.json").read_text())
    instance = load_instance_file(d / "game.json")
    assert verify(instance, new["assignments"]) == []
    report = json.loads((d / "report.json").read_text())
    assert report["changes"] == 4 and report["proof"]["status"] == "optimal"
    moves = [(m["member"], m["from_position"], m["to_position"]) for m in report["moved"]]
    assert moves == [("A", "P", "V1")]
    listing = steps["list"].stdout
    assert "approved" in listing and "cancelled" in listing and "Sgt. Lee" in listing


def test_transfer(flow: dict[str, Any]) -> None:
    d, steps = flow["dir"], flow["steps"]
    assert steps["transfer"].returncode == 0, steps["transfer"].stderr
    pairs = roster(d / "transferred.json")
    assert ("Y", "P") in pairs and ("B", "P") not in pairs
    bad = steps["transfer-bad"]
    assert bad.returncode == 2 and "C cannot take P" in bad.stderr and "C-OVERLAP" in bad.stderr
    assert not (d / "bad.json").exists()


def test_resolve_a_batch_directory(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "move.json").write_text(move_case().model_dump_json())
    step = run("resolve", "--batch", batch, "--out", tmp_path / "out", "--workers", "2", cwd=tmp_path)
    assert step.returncode == 0, step.stderr
    assert "total: 4 change(s), 3/3 filled, status optimal" in step.stdout
    summary = json.loads((tmp_path / "out" / "batch.json").read_text())
    assert summary["per_event"] == {"move.json:EV1": "optimal"}
    empty = run("resolve", "--batch", tmp_path / "nothing", cwd=tmp_path)
    assert empty.returncode == 10 and "not a directory" in empty.stderr
