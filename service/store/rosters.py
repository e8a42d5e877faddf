"""The roster repository: published rosters, immutable versions, cancellations, the outbox.

Every method is one transaction on the store's engines. A new version is compare-and-set on the
roster's `current_version` (two coordinators acting at once: one wins, the other is told), and
its outbox messages and cancellation changes are written in the same transaction. Versions are
inserted, never updated nor deleted (the database refuses it too: revision 0003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from offduty.service.store.repository import Store, now
from offduty.service.store.roster_tables import (
    Batch,
    BatchJob,
    OutboxMessage,
    Roster,
    RosterCancellation,
    RosterVersion,
)


@dataclass(frozen=True)
class RosterRecord:
    id: str
    agency: str
    key_id: str
    name: str
    job_id: str
    instance: str
    strategy: str
    contacts: dict[str, Any]
    current_version: int
    created_at: dt.datetime


@dataclass(frozen=True)
class NewVersion:
    kind: str
    reason: str
    key_id: str
    assignments: list[tuple[str, str]]
    diff: dict[str, Any]
    report: dict[str, Any] | None = None


@dataclass(frozen=True)
class VersionRecord:
    roster_id: str
    number: int
    kind: str
    reason: str
    key_id: str
    created_at: dt.datetime
    assignments: list[tuple[str, str]]
    diff: dict[str, Any]
    report: dict[str, Any] | None


@dataclass(frozen=True)
class CancellationRow:
    id: str
    roster_id: str
    member: str
    position: str
    requested_at: dt.datetime
    detail_start: dt.datetime
    reason: str | None
    comment: str
    status: str
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str | None
    key_id: str


@dataclass(frozen=True)
class NewMessage:
    delivery_key: str
    message_key: str
    channel: str
    kind: str
    recipient_kind: str
    recipient: str
    email: str | None
    subject: str
    body: str
    data: dict[str, Any]


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    delivery_key: str
    message_key: str
    roster_id: str
    channel: str
    kind: str
    recipient_kind: str
    recipient: str
    email: str | None
    subject: str
    body: str
    data: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


@dataclass(frozen=True)
class BatchRecord:
    id: str
    agency: str
    key_id: str
    name: str
    request: dict[str, Any]
    created_at: dt.datetime
    #: (group index, job id, event ids), by group.
    groups: list[tuple[int, str, list[str]]]


class VersionConflict(Exception):
    """The roster moved on since the caller read it (another change came first)."""


class RosterStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- rosters and versions ---------------------------------------------------------------------

    def create(
        self, roster: RosterRecord, first: NewVersion, messages: Sequence[NewMessage]
    ) -> VersionRecord:
        with self.store._write() as s:
            s.add(
                Roster(
                    id=roster.id,
                    agency=roster.agency,
                    key_id=roster.key_id,
                    name=roster.name[:200],
                    job_id=roster.job_id,
                    instance=roster.instance,
                    strategy=roster.strategy,
                    contacts=roster.contacts,
                    current_version=1,
                    created_at=roster.created_at,
                )
            )
            s.flush()
            row = _insert_version(s, roster.id, 1, first)
            _insert_messages(s, roster.agency, roster.id, messages)
            return _version(row)

    def get(self, roster_id: str, agency: str | None = None) -> RosterRecord | None:
        with self.store._read() as s:
            row = s.get(Roster, roster_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            return _roster(row)

    def for_agency(self, agency: str, limit: int = 50) -> list[RosterRecord]:
        """The agency's rosters, newest first."""
        with self.store._read() as s:
            q = (
                select(Roster)
                .where(Roster.agency == agency)
                .order_by(Roster.created_at.desc(), Roster.id)
                .limit(limit)
            )
            return [_roster(r) for r in s.scalars(q)]

    def versions(self, roster_id: str) -> list[VersionRecord]:
        with self.store._read() as s:
            q = (
                select(RosterVersion)
                .where(RosterVersion.roster_id == roster_id)
                .order_by(RosterVersion.number)
            )
            return [_version(r) for r in s.scalars(q)]

    def version(self, roster_id: str, number: int) -> VersionRecord | None:
        with self.store._read() as s:
            row = s.get(RosterVersion, (roster_id, number))
            return _version(row) if row is not None else None

    def add_version(
        self,
        roster_id: str,
        expected: int,
        version: NewVersion,
        messages: Sequence[NewMessage],
        cancellations: Sequence[CancellationRow] = (),
    ) -> VersionRecord:
        """Version `expected + 1`, its messages and cancellation changes, in one transaction.
        Raises VersionConflict when the roster is no longer at `expected`."""
        with self.store._write() as s:
            done = s.execute(
                update(Roster)
                .where(Roster.id == roster_id, Roster.current_version == expected)
                .values(current_version=expected + 1)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise VersionConflict(f"roster {roster_id} is no longer at version {expected}")
            row = _insert_version(s, roster_id, expected + 1, version)
            for c in cancellations:
                _put_cancellation(s, c)
            agency = s.get(Roster, roster_id).agency  # type: ignore[union-attr]
            _insert_messages(s, agency, roster_id, messages)
            return _version(row)

    # --- cancellations --------------------------------------------------------------------------

    def put_cancellation(
        self, row: CancellationRow, messages: Sequence[NewMessage] = (), expected_status: str | None = None
    ) -> CancellationRow:
        """Insert or update a cancellation (a request, a decision) and its messages. With
        `expected_status`, compare-and-set: VersionConflict when it changed meanwhile."""
        with self.store._write() as s:
            if expected_status is not None:
                current = s.get(RosterCancellation, row.id)
                if current is None or current.status != expected_status:
                    raise VersionConflict(f"cancellation {row.id} is no longer {expected_status}")
            _put_cancellation(s, row)
            agency = s.get(Roster, row.roster_id).agency  # type: ignore[union-attr]
            _insert_messages(s, agency, row.roster_id, messages)
            return row

    def cancellations(self, roster_id: str) -> list[CancellationRow]:
        with self.store._read() as s:
            q = (
                select(RosterCancellation)
                .where(RosterCancellation.roster_id == roster_id)
                .order_by(RosterCancellation.requested_at, RosterCancellation.id)
            )
            return [_cancellation(r) for r in s.scalars(q)]

    # --- batches ---------------------------------------------------------------------------------

    def add_batch(self, batch: BatchRecord) -> None:
        """The batch and the job of each group (the jobs exist already)."""
        with self.store._write() as s:
            s.add(
                Batch(
                    id=batch.id,
                    agency=batch.agency,
                    key_id=batch.key_id,
                    name=batch.name[:200],
                    request=batch.request,
                    created_at=batch.created_at,
                )
            )
            s.flush()
            for index, job_id, events in batch.groups:
                s.add(BatchJob(batch_id=batch.id, group_index=index, job_id=job_id, events=events))

    def get_batch(self, batch_id: str, agency: str | None = None) -> BatchRecord | None:
        with self.store._read() as s:
            row = s.get(Batch, batch_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            links = s.scalars(
                select(BatchJob).where(BatchJob.batch_id == batch_id).order_by(BatchJob.group_index)
            )
            return BatchRecord(
                row.id,
                row.agency,
                row.key_id,
                row.name,
                dict(row.request),
                row.created_at,
                [(j.group_index, j.job_id, [str(e) for e in j.events]) for j in links],
            )

    # --- outbox ---------------------------------------------------------------------------------

    def messages(self, roster_id: str) -> list[OutboxRecord]:
        with self.store._read() as s:
            q = select(OutboxMessage).where(OutboxMessage.roster_id == roster_id).order_by(OutboxMessage.id)
            return [_message(r) for r in s.scalars(q)]

    def claim_due(
        self, at: dt.datetime, lease: dt.timedelta, limit: int = 100, channels: Sequence[str] | None = None
    ) -> list[OutboxRecord]:
        """Pending messages due at `at`, each claimed for `lease` (compare-and-set: a message is
        claimed by one deliverer at a time, in any process)."""
        with self.store._read() as s:
            q = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.state == "pending",
                    OutboxMessage.next_attempt_at <= at,
                    or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < at),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
            if channels is not None:
                q = q.where(OutboxMessage.channel.in_(list(channels)))
            ids = list(s.scalars(q))
        claimed = []
        for message_id in ids:
            with self.store._write() as s:
                done = s.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        OutboxMessage.state == "pending",
                        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < at),
                    )
                    .values(claimed_until=at + lease)
                )
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(_message(s.get_one(OutboxMessage, message_id)))
        return claimed

    def delivered(self, message_id: int, at: dt.datetime) -> None:
        with self.store._write() as s:
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(
                    state="delivered",
                    delivered_at=at,
                    claimed_until=None,
                    attempts=OutboxMessage.attempts + 1,
                    last_error=None,
                )
            )

    def retry_later(self, message_id: int, next_at: dt.datetime, error: str) -> None:
        with self.store._write() as s:
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(
                    next_attempt_at=next_at,
                    claimed_until=None,
                    last_error=error[:2000],
                    attempts=OutboxMessage.attempts + 1,
                )
            )


def _insert_version(s: Session, roster_id: str, number: int, v: NewVersion) -> RosterVersion:
    row = RosterVersion(
        roster_id=roster_id,
        number=number,
        kind=v.kind,
        reason=v.reason,
        key_id=v.key_id,
        created_at=now(),
        assignments=[list(p) for p in sorted(v.assignments)],
        diff=v.diff,
        report=v.report,
    )
    s.add(row)
    s.flush()
    return row


def _insert_messages(s: Session, agency: str, roster_id: str, messages: Sequence[NewMessage]) -> None:
    created = now()
    known = (
        set(
            s.scalars(
                select(OutboxMessage.delivery_key).where(
                    OutboxMessage.delivery_key.in_([m.delivery_key for m in messages])
                )
            )
        )
        if messages
        else set()
    )
    for m in messages:
        if m.delivery_key in known:  # the same notice composed twice is stored once
            continue
        known.add(m.delivery_key)
        s.add(
            OutboxMessage(
                delivery_key=m.delivery_key,
                message_key=m.message_key,
                agency=agency,
                roster_id=roster_id,
                channel=m.channel,
                kind=m.kind,
                recipient_kind=m.recipient_kind,
                recipient=m.recipient,
                email=m.email,
                subject=m.subject,
                body=m.body,
                data=m.data,
                state="pending",
                attempts=0,
                next_attempt_at=created,
                created_at=created,
            )
        )
    s.flush()


def _put_cancellation(s: Session, c: CancellationRow) -> None:
    row = s.get(RosterCancellation, c.id)
    fields = {k: getattr(c, k) for k in CancellationRow.__dataclass_fields__}
    if row is None:
        s.add(RosterCancellation(**fields))
    else:
        for k, v in fields.items():
            setattr(row, k, v)
    s.flush()


def _roster(r: Roster) -> RosterRecord:
    return RosterRecord(
        r.id,
        r.agency,
        r.key_id,
        r.name,
        r.job_id,
        r.instance,
        r.strategy,
        dict(r.contacts),
        r.current_version,
        r.created_at,
    )


def _version(r: RosterVersion) -> VersionRecord:
    return VersionRecord(
        r.roster_id,
        r.number,
        r.kind,
        r.reason,
        r.key_id,
        r.created_at,
        [(str(m), str(p)) for m, p in r.assignments],
        dict(r.diff),
        dict(r.report) if r.report is not None else None,
    )


def _cancellation(r: RosterCancellation) -> CancellationRow:
    return CancellationRow(**{k: getattr(r, k) for k in CancellationRow.__dataclass_fields__})


def _message(r: OutboxMessage) -> OutboxRecord:
    return OutboxRecord(
        r.id,
        r.delivery_key,
        r.message_key,
        r.roster_id,
        r.channel,
        r.kind,
        r.recipient_kind,
        r.recipient,
        r.email,
        r.subject,
        r.body,
        dict(r.data),
        r.state,
        r.attempts,
        r.next_attempt_at,
        r.last_error,
        r.created_at,
        r.delivered_at,
    )
