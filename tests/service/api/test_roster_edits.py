"""A coordinator's manual edits of a published roster (POST /rosters/{id}/edits) over the real app:
each edit is checked by the independent verifier, a rule-breaking one is refused naming the rule,
the member and the position and changes nothing; a good one is the next immutable version with its
diff, key, time and comment, and its notices are in the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.api.conftest import ApiWorld, make_world
from tests.service.api.test_rosters import game, pairs


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ApiWorld]:
    yield from make_world(tmp_path, max_time_limit=60)


def publish(world: ApiWorld) -> dict[str, Any]:
    job = world.submit(game(), time_limit=10)
    world.run(job["id"])
    answer = world.client.post("/api/v1/rosters", json={"job_id": job["id"]}, headers=world.headers())
    assert answer.status_code == 201, answer.text
    roster = dict(answer.json())
    # the game's published roster: A on P, X on V1 (k9), Y on V2
    assert pairs(roster["version"]) == {("A", "P"), ("X", "V1"), ("Y", "V2")}
    return roster


def edit(
    world: ApiWorld,
    rid: str,
    edits: list[dict[str, Any]],
    comment: str | None = "Swapped at the sergeant's request.",
    role: str = "coordinator",
    agency: str = "kcpd",
    **extra: Any,
) -> Any:
    body: dict[str, Any] = {"edits": edits, **extra}
    if comment is not None:
        body["comment"] = comment
    return world.client.post(f"/api/v1/rosters/{rid}/edits", json=body, headers=world.headers(role, agency))


def messages(world: ApiWorld, rid: str) -> list[dict[str, Any]]:
    answer = world.client.get(f"/api/v1/rosters/{rid}/notifications", headers=world.headers())
    assert answer.status_code == 200
    return list(answer.json())


def test_remove_assign_and_swap_make_versions_with_notices(world: ApiWorld) -> None:
    roster = publish(world)
    rid = roster["id"]
    before = len(messages(world, rid))
    removed = edit(
        world,
        rid,
        [{"op": "remove", "member": "Y", "position": "V2"}],
        comment="Y is needed at the precinct that day.",
    )
    assert removed.status_code == 201, removed.text
    v2 = removed.json()
    assert v2["number"] == 2 and v2["kind"] == "edit" and v2["made_by"].startswith("k_")
    assert "Y is needed at the precinct that day." in v2["reason"] and "Y removed from V2" in v2["reason"]
    assert [(r["member"], r["position"]) for r in v2["diff"]["removed"]] == [("Y", "V2")]
    assert pairs(v2) == {("A", "P"), ("X", "V1")}
    # the notices of the version were written with it: Y, the coordinator (and the employer)
    new = messages(world, rid)[before:]
    assert {(m["kind"], m["recipient"]) for m in new} >= {("removed", "Y"), ("version", "coordinator")}
    assert all(m["state"] == "pending" for m in new)
    # assign B to the vacancy, then swap A and X (A has k9 too)
    assigned = edit(world, rid, [{"op": "assign", "member": "B", "position": "V2"}])
    assert assigned.status_code == 201 and ("B", "V2") in pairs(assigned.json())
    swapped = edit(
        world,
        rid,
        [{"op": "swap", "member": "A", "position": "P", "with_member": "X", "with_position": "V1"}],
        expected_version=3,
    )
    assert swapped.status_code == 201, swapped.text
    v4 = swapped.json()
    assert v4["number"] == 4 and pairs(v4) == {("X", "P"), ("A", "V1"), ("B", "V2")}
    assert {(m["member"], m["from_position"], m["to_position"]) for m in v4["diff"]["moved"]} == {
        ("A", "P", "V1"),
        ("X", "V1", "P"),
    }
    kinds = {(m["kind"], m["recipient"]) for m in messages(world, rid)}
    assert {("assigned", "B"), ("moved", "A"), ("moved", "X")} <= kinds
    # every version stays as it was
    versions = world.client.get(f"/api/v1/rosters/{rid}/versions", headers=world.headers()).json()
    assert [v["kind"] for v in versions] == ["publish", "edit", "edit", "edit"]
    assert pairs(versions[1]) == pairs(v2)
    diff = world.client.get(
        f"/api/v1/rosters/{rid}/diff", params={"from": 1, "to": 4}, headers=world.headers()
    ).json()
    assert diff["changes"] == roster_changes(versions[0], v4)


def roster_changes(a: dict[str, Any], b: dict[str, Any]) -> int:
    from offduty.service.usecases.rosters import roster_diff

    return roster_diff(pairs(a), pairs(b)).changes


def test_a_rule_breaking_edit_names_the_rule_and_changes_nothing(world: ApiWorld) -> None:
    roster = publish(world)
    rid = roster["id"]
    before = len(messages(world, rid))
    # C has no k9 certification, which V1 needs
    answer = edit(
        world,
        rid,
        [
            {"op": "remove", "member": "X", "position": "V1"},
            {"op": "assign", "member": "C", "position": "V1"},
        ],
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["type"] == "urn:offduty:problem:rule-broken"
    [item] = body["errors"]
    assert (item["rule"], item["member"], item["position"], item["path"]) == ("E-CERT", "C", "V1", "edits[1]")
    assert "E-CERT" in item["message"] and "k9" in item["message"]
    # a swap that puts Y (no k9) on V1
    swap = edit(
        world,
        rid,
        [{"op": "swap", "member": "X", "position": "V1", "with_member": "Y", "with_position": "V2"}],
    )
    assert swap.status_code == 422 and swap.json()["errors"][0]["rule"] == "E-CERT"
    assert swap.json()["errors"][0]["member"] == "Y"
    now = world.client.get(f"/api/v1/rosters/{rid}", headers=world.headers()).json()
    assert now["current_version"] == 1 and len(messages(world, rid)) == before


@pytest.mark.parametrize(
    ("edits", "comment", "path", "fragment"),
    [
        ([{"op": "assign", "member": "B", "position": "V2"}], "ok", "edits[0].position", "no vacancy"),
        (
            [{"op": "assign", "member": "Z", "position": "V2"}],
            "ok",
            "edits[0].member",
            "no member with id 'Z'",
        ),
        ([{"op": "remove", "member": "B", "position": "P"}], "ok", "edits[0].member", "B does not hold P"),
        (
            [{"op": "swap", "member": "A", "position": "P"}],
            "ok",
            "edits[0].with_member",
            "required for a swap",
        ),
        ([{"op": "remove", "member": "A", "position": "P"}], None, "comment", "a comment is required"),
        ([{"op": "remove", "member": "A", "position": "P"}], "  ", "comment", "a comment is required"),
        ([{"op": "remove", "member": "A", "position": "P"}], "A has the flu", "comment", "medical"),
        (
            [
                {"op": "remove", "member": "A", "position": "P"},
                {"op": "assign", "member": "A", "position": "P"},
            ],
            "ok",
            "edits",
            "leave the roster as it is",
        ),
        ([], "ok", "edits", ""),
        ([{"op": "move", "member": "A", "position": "P"}], "ok", "edits[0].op", ""),
    ],
)
def test_a_bad_edit_names_the_field(
    world: ApiWorld, edits: list[dict[str, Any]], comment: str | None, path: str, fragment: str
) -> None:
    rid = publish(world)["id"]
    answer = edit(world, rid, edits, comment=comment)
    assert answer.status_code == 422, answer.text
    item = answer.json()["errors"][0]
    assert item["path"] == path and fragment in item["message"]
    if comment and "flu" in comment:
        assert "flu" not in answer.text
    assert world.client.get(f"/api/v1/rosters/{rid}", headers=world.headers()).json()["current_version"] == 1


def test_roles_agencies_and_stale_versions(world: ApiWorld) -> None:
    rid = publish(world)["id"]
    remove = [{"op": "remove", "member": "Y", "position": "V2"}]
    assert edit(world, rid, remove, role="viewer").status_code == 403
    assert edit(world, rid, remove, agency="other").status_code == 404
    stale = edit(world, rid, remove, expected_version=7)
    assert stale.status_code == 409 and "at version 1" in stale.json()["detail"]
    assert edit(world, rid, remove, expected_version=1).status_code == 201
