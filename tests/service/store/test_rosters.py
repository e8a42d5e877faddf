"""The roster repository on SQLite and PostgreSQL: versions are immutable, a new version is
compare-and-set, messages are written with their version and claimed by one deliverer."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy
from sqlalchemy.exc import DBAPIError

from offduty.service.store import Store
from offduty.service.store.rosters import (
    NewMessage,
    NewVersion,
    RosterRecord,
    RosterStore,
    VersionConflict,
)


def message(key: str, channel: str = "webhook") -> NewMessage:
    return NewMessage(f"{key}:{channel}", key, channel, "assigned", "member", "M1", None, "s", "b", {"k": 1})


def roster(rosters: RosterStore) -> RosterRecord:
    record = RosterRecord(
        "r1", "kcpd", "k_1", "game", "job-1", "{}", "seniority", {}, 1, dt.datetime.now(dt.UTC)
    )
    rosters.create(
        record,
        NewVersion("publish", "published", "k_1", [("M1", "P1")], {"added": []}),
        [message("a"), message("b")],
    )
    return record


def test_versions_are_immutable_and_compare_and_set(store: Store) -> None:
    rosters = RosterStore(store)
    roster(rosters)
    second = NewVersion("refill", "refill", "k_2", [("M2", "P1")], {"moved": []})
    made = rosters.add_version("r1", 1, second, [message("c"), message("a")])  # "a" again: stored once
    assert made.number == 2 and made.key_id == "k_2" and made.assignments == [("M2", "P1")]
    with pytest.raises(VersionConflict):
        rosters.add_version("r1", 1, second, [])
    assert [v.number for v in rosters.versions("r1")] == [1, 2]
    assert rosters.get("r1").current_version == 2  # type: ignore[union-attr]
    for statement in (
        "UPDATE roster_versions SET reason = 'edited' WHERE number = 1",
        "DELETE FROM roster_versions WHERE number = 2",
    ):
        with pytest.raises(DBAPIError, match="immutable"), store.engine.begin() as conn:
            conn.execute(sqlalchemy.text(statement))
    assert rosters.version("r1", 1).reason == "published"  # type: ignore[union-attr]
    assert [m.message_key for m in rosters.messages("r1")] == ["a", "b", "c"]


def test_a_message_is_claimed_once_and_retried_later(store: Store) -> None:
    rosters = RosterStore(store)
    roster(rosters)
    now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)  # the messages are due from their creation on
    lease = dt.timedelta(seconds=60)
    first = rosters.claim_due(now + dt.timedelta(seconds=1), lease)
    assert {m.message_key for m in first} == {"a", "b"}
    assert rosters.claim_due(now + dt.timedelta(seconds=2), lease) == []  # held by the first claim
    a, b = sorted(first, key=lambda m: m.message_key)
    rosters.delivered(a.id, now)
    rosters.retry_later(b.id, now + dt.timedelta(seconds=30), "SMTP down")
    assert rosters.claim_due(now + dt.timedelta(seconds=10), lease) == []  # b waits for its backoff
    (again,) = rosters.claim_due(now + dt.timedelta(seconds=31), lease)
    assert again.message_key == "b" and again.attempts == 1 and again.last_error == "SMTP down"
