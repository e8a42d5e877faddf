"""Batch re-solves: independent groups of events, solved apart, across processes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from offduty.models.validation import parse_instance
from offduty.service.usecases.batches import (
    BatchError,
    group_instance,
    independent_groups,
    resolve_batch_dir,
    write_batch,
)
from offduty.service.usecases.resolving import resolve
from offduty.solver import SolveParams, verify
from offduty.solver.params import Resolve
from tests.constraints.conftest import at, instance, member, position, shift
from tests.constraints.conftest import event as make_event
from tests.solver.test_resolve import move_case

PARAMS = SolveParams(time_limit=20, resolve=Resolve())


def three_events(second_day: str = "2026-09-20", **policy: Any) -> dict[str, Any]:
    """EV1 and EV2 on 2026-09-13 (EV2 an hour after EV1 ends), EV3 on `second_day`; members M1-M4
    may work all of them; M1 held EV1's P1 and M3 EV3's P3, both cancelled."""
    return instance(
        [member(f"M{i}", f"200{i}-01-01") for i in range(1, 5)],
        [make_event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1", count=2))),
         make_event("EV2", shift("S2", at("15:00"), at("19:00"), position("P2"))),
         make_event("EV3", shift("S3", at("10:00", second_day), at("14:00", second_day), position("P3")))],
        policy=policy or None,
        assignments=[{"member": "M1", "position": "P1"}, {"member": "M2", "position": "P1"},
                     {"member": "M2", "position": "P2"}, {"member": "M3", "position": "P3"}],
        cancellations=[{"member": "M1", "position": "P1"}, {"member": "M3", "position": "P3"}],
    )


def test_events_a_week_apart_share_no_member() -> None:
    inst = parse_instance(three_events())
    assert independent_groups(inst) == [["EV1", "EV2"], ["EV3"]]
    # the day after is within reach of the work-day cap: one group
    assert independent_groups(parse_instance(three_events("2026-09-14"))) == [["EV1", "EV2", "EV3"]]
    # a weekly cap ties the week; the hours strategy ties a member's whole total
    assert len(independent_groups(parse_instance(three_events(max_secondary_hours_per_week=20)))) == 1
    assert len(independent_groups(inst, strategy="hours")) == 1


def test_groups_solved_apart_add_up_to_the_whole() -> None:
    inst = parse_instance(three_events())
    whole = resolve(inst, PARAMS).result
    parts = [resolve(group_instance(inst, g, i), PARAMS).result
             for i, g in enumerate(independent_groups(inst))]
    union = {p for r in parts for p in r.pairs()}
    assert verify(inst, union) == []
    assert whole.proven and all(r.proven for r in parts)
    for tier in range(3):
        assert sum(r.objective[tier] or 0 for r in parts) == whole.objective[tier]


def write(directory: Path, name: str, raw: dict[str, Any]) -> None:
    (directory / name).write_text(json.dumps(raw), encoding="utf-8")


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("batch")
    write(directory, "a-week.json", three_events())
    write(directory, "b-move.json", move_case().model_dump(mode="json"))
    return directory


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_directory_is_resolved_per_group(batch_dir: Path, workers: int, tmp_path: Path) -> None:
    outcome = resolve_batch_dir(batch_dir, PARAMS, workers=workers)
    assert [(g.file, g.group, g.events) for g in outcome.groups] == [
        ("a-week.json", 0, ["EV1", "EV2"]), ("a-week.json", 1, ["EV3"]), ("b-move.json", 0, ["EV1"])]
    assert outcome.status == "optimal" and all(g.proof == "optimal" for g in outcome.groups)
    assert outcome.changes == 1 + 1 + 4  # one refill in each a-week group, the move case's 4
    assert outcome.per_event == {"a-week.json:EV1": "optimal", "a-week.json:EV2": "optimal",
                                 "a-week.json:EV3": "optimal", "b-move.json:EV1": "optimal"}
    written = write_batch(outcome, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "batch.json").read_text())
    assert summary["changes"] == 6 and summary["groups"] == 3 and len(written) == 7


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match=r"no \*\.json instance files"):
        resolve_batch_dir(tmp_path, PARAMS)
