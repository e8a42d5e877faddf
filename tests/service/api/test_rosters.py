"""/rosters over the real app (SQLite store): publish, cancellations within and beyond 14 days,
approve, deny, refill with its change report, transfers, versions and diffs, immutability, and
the outbox delivered through a real SMTP server and a webhook receiver on loopback."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy.exc import DBAPIError

from offduty.service.usecases import published
from offduty.service.usecases.rosters import roster_diff
from tests.service.api.conftest import ApiWorld, make_world
from tests.service.notify.receivers import SmtpServer, WebhookReceiver
from tests.solver.test_resolve import move_case

SECRET = "hook-secret"


def game() -> dict[str, Any]:
    """The move case before its cancellations: P, V1 (k9), V2 on one shift; A (k9), B, C, X (k9),
    Y. Its solve keeps A on P, X on V1 and Y on V2 (locked in the job's instance), which is then
    the published roster; once X and Y are released, only moving A fills both places."""
    raw = move_case().model_dump(mode="json")
    raw["assignments"] = [{**a, "locked": True} for a in raw["assignments"]]
    raw["cancellations"] = []
    return raw


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret=SECRET, fail_first=2)
    yield receiver
    receiver.close()


@pytest.fixture
def world(tmp_path: Path, smtp: SmtpServer, hook: WebhookReceiver) -> Iterator[ApiWorld]:
    yield from make_world(tmp_path, notify_smtp_host="127.0.0.1", notify_smtp_port=smtp.port,
                          notify_webhook_url=hook.url, notify_webhook_secret=SECRET, notify_retry_base_s=0.01,
                          notify_retry_max_s=0.01)


CONTACTS = {"coordinator": "coord@kcpd.example", "members": {m: f"{m.lower()}@kcpd.example" for m in "ABCXY"},
            "employers": {"E1": "events@chiefs.example"}}


def publish(world: ApiWorld) -> dict[str, Any]:
    job = world.submit(game(), time_limit=10)
    world.run(job["id"])
    response = world.client.post("/api/v1/rosters", json={"job_id": job["id"], "contacts": CONTACTS},
                                 headers=world.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def pairs(version: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["member"], a["position"]) for a in version["assignments"]}


def test_the_coordinators_day(world: ApiWorld) -> None:
    roster = publish(world)
    rid, api, h = roster["id"], world.client, world.headers()
    first = roster["version"]
    assert first["number"] == 1 and first["kind"] == "publish" and first["made_by"].startswith("k_")
    holder = {p: m for m, p in pairs(first)}
    # beyond 14 days: immediate, a new version without the member
    beyond = api.post(f"/api/v1/rosters/{rid}/cancellations", headers=h, json={
        "member": holder["V1"], "position": "V1", "at": "2026-08-20T09:00:00-05:00",
        "comment": "Family wedding out of state."})
    assert beyond.status_code == 201, beyond.text
    assert beyond.json()["cancellation"]["status"] == "cancelled" and beyond.json()["version"]["number"] == 2
    # within 14 days: refused without a reason or a comment, pending otherwise
    url = f"/api/v1/rosters/{rid}/cancellations"
    within = {"member": holder["V2"], "position": "V2", "at": "2026-09-11T09:00:00-05:00"}
    no_reason = api.post(url, headers=h, json={**within, "comment": "Court."})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["path"] == "reason"
    no_comment = api.post(url, headers=h, json={**within, "reason": "court"})
    assert no_comment.status_code == 422 and no_comment.json()["errors"][0]["path"] == "comment"
    medical = api.post(url, headers=h, json={**within, "reason": "illness", "comment": "Bad migraine"})
    assert medical.status_code == 422 and "migraine" not in medical.text
    pending = api.post(url, headers=h, json={**within, "reason": "court", "comment": "Subpoenaed."})
    assert pending.status_code == 201 and pending.json()["cancellation"]["status"] == "cancel_pending"
    assert pending.json()["version"] is None
    now = api.get(f"/api/v1/rosters/{rid}", headers=h).json()
    assert now["current_version"] == 2 and (holder["V2"], "V2") in pairs(now["version"])  # still scheduled
    cid = pending.json()["cancellation"]["id"]
    approved = api.post(f"/api/v1/rosters/{rid}/cancellations/{cid}/approve", headers=h, json={})
    assert approved.status_code == 200 and approved.json()["version"]["number"] == 3
    again = api.post(f"/api/v1/rosters/{rid}/cancellations/{cid}/deny", headers=h, json={})
    assert again.status_code == 409
    # refill: the move case; the version's diff is the change report's changes
    refill = api.post(f"/api/v1/rosters/{rid}/refill", headers=h, json={})
    assert refill.status_code == 201, refill.text
    version = refill.json()
    report = version["report"]
    assert version["number"] == 4 and report["changes"] == 4 and report["proof"]["status"] == "optimal"
    moves = [(m["member"], m["from_position"], m["to_position"]) for m in report["moved"]]
    assert moves == [("A", "P", "V1")]
    diff = api.get(f"/api/v1/rosters/{rid}/diff", params={"from": 3, "to": 4}, headers=h).json()
    assert diff["changes"] == report["changes"]
    assert {(m["member"], m["to_position"]) for m in diff["moved"]} == {(m["member"], m["to_position"])
                                                                      for m in report["moved"]}
    assert {(a["member"], a["position"]) for a in diff["added"]} == {(a["member"], a["position"])
                                                                     for a in report["added"]}
    three = api.get(f"/api/v1/rosters/{rid}/versions/3", headers=h).json()
    assert roster_diff(pairs(three), pairs(version)).changes == 4
    versions = api.get(f"/api/v1/rosters/{rid}/versions", headers=h).json()
    assert [v["kind"] for v in versions] == ["publish", "cancellation", "approval", "refill"]
    # a viewer reads but changes nothing; another agency sees nothing
    assert api.get(f"/api/v1/rosters/{rid}", headers=world.headers("viewer")).status_code == 200
    assert api.post(f"/api/v1/rosters/{rid}/refill", headers=world.headers("viewer")).status_code == 403
    assert api.get(f"/api/v1/rosters/{rid}", headers=world.headers(agency="other")).status_code == 404


def test_a_denied_cancellation_changes_nothing(world: ApiWorld) -> None:
    roster = publish(world)
    rid, h = roster["id"], world.headers()
    m, p = sorted(pairs(roster["version"]))[0]
    made = world.client.post(f"/api/v1/rosters/{rid}/cancellations", headers=h, json={
        "member": m, "position": p, "at": "2026-09-12T09:00:00-05:00", "reason": "personal",
        "comment": "Coordinator called."}).json()
    denied = world.client.post(f"/api/v1/rosters/{rid}/cancellations/{made['cancellation']['id']}/deny",
                               headers=h, json={"note": "Find a replacement first."})
    assert denied.status_code == 200 and denied.json()["cancellation"]["status"] == "denied"
    now = world.client.get(f"/api/v1/rosters/{rid}", headers=h).json()
    assert now["current_version"] == 1 and pairs(now["version"]) == pairs(roster["version"])


def test_no_endpoint_alters_a_version(world: ApiWorld) -> None:
    roster = publish(world)
    rid, h = roster["id"], world.headers()
    for method in ("put", "patch", "delete"):
        for path in (f"/api/v1/rosters/{rid}/versions/1", f"/api/v1/rosters/{rid}/versions",
                     f"/api/v1/rosters/{rid}"):
            assert getattr(world.client, method)(path, headers=h).status_code == 405
    mutating = [r for r in world.client.app.routes  # type: ignore[attr-defined]
                if getattr(r, "path", "").startswith("/api/v1/rosters") and "/versions" in r.path
                and set(r.methods) - {"GET", "HEAD"}]
    assert mutating == []
    # and the store itself refuses it
    engine = world.services.store.engine
    for statement in ("UPDATE roster_versions SET reason = 'edited'", "DELETE FROM roster_versions"):
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
            conn.execute(sqlalchemy.text(statement))
    assert world.client.get(f"/api/v1/rosters/{rid}/versions/1", headers=h).json() == roster["version"]


def test_notices_are_delivered_once_through_smtp_down_and_a_failing_webhook(
        world: ApiWorld, smtp: SmtpServer, hook: WebhookReceiver) -> None:
    roster = publish(world)
    rid, h = roster["id"], world.headers()
    m, p = sorted(pairs(roster["version"]))[0]
    world.client.post(f"/api/v1/rosters/{rid}/cancellations", headers=h, json={
        "member": m, "position": p, "at": "2026-08-01T09:00:00-05:00", "comment": "Moving away."})
    world.client.post(f"/api/v1/rosters/{rid}/refill", headers=h, json={})
    notices = world.client.get(f"/api/v1/rosters/{rid}/notifications", headers=h).json()
    kinds = Counter(n["kind"] for n in notices if n["channel"] == "email")
    assert kinds["assigned"] >= 3 and kinds["cancellation_cancelled"] == 2 and kinds["staffing_changed"] >= 1
    emails = {n["idempotency_key"] for n in notices if n["channel"] == "email"}
    hooks = {n["idempotency_key"] for n in notices if n["channel"] == "webhook"}
    smtp.stop()  # the mail server is down
    clock = dt.datetime.now(dt.UTC)
    for _ in range(4):
        clock += dt.timedelta(seconds=1)
        published.deliver_due(world.services, at=clock)
    states = world.client.get(f"/api/v1/rosters/{rid}/notifications", headers=h).json()
    assert {n["state"] for n in states if n["channel"] == "email"} == {"pending"}  # none lost
    assert all(n["attempts"] >= 1 and n["last_error"] for n in states if n["channel"] == "email")
    assert {n["state"] for n in states if n["channel"] == "webhook"} == {"delivered"}
    assert hook.requests == len(hooks) + 2  # two refused, then each once
    smtp.start()  # back up
    for _ in range(3):
        clock += dt.timedelta(seconds=1)
        published.deliver_due(world.services, at=clock)
    got = Counter(mail["Idempotency-Key"] for mail in smtp.messages)
    assert set(got) == emails and set(got.values()) == {1}  # every message exactly once
    assert Counter(a["key"] for a in hook.accepted) == Counter(dict.fromkeys(hooks, 1))
    assert hook.bad_signatures == 0
    final = world.client.get(f"/api/v1/rosters/{rid}/notifications", headers=h).json()
    assert {n["state"] for n in final} == {"delivered"}
