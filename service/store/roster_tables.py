"""Published rosters, their immutable versions, the §IV.D cancellations, and the notifications
outbox (SQLAlchemy 2 declarative, on the store's `Base`; revision 0003).

A roster version is written once and never changed: the repository has no method that updates
or deletes one, no API route does, and the database refuses it (triggers of revision 0003). A
version's messages are written in the transaction that writes the version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from offduty.service.store.tables import Base


class Roster(Base):
    __tablename__ = "rosters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: The solve job it was published from.
    job_id: Mapped[str] = mapped_column(String(36))
    #: The instance document (its assignments and cancellations are the versions' business).
    instance: Mapped[str] = mapped_column(Text)
    strategy: Mapped[str] = mapped_column(String(32))
    #: E-mail addresses: {"coordinator": ..., "members": {id: ...}, "employers": {id: ...}}.
    contacts: Mapped[dict[str, Any]]
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]


class RosterVersion(Base):
    __tablename__ = "roster_versions"

    roster_id: Mapped[str] = mapped_column(ForeignKey("rosters.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: publish, cancellation, approval, refill, transfer
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    #: The API key that made it.
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime]
    #: [[member, position], ...], sorted.
    assignments: Mapped[list[Any]] = mapped_column(JSON)
    #: The diff from the previous version (RosterDiff).
    diff: Mapped[dict[str, Any]]
    #: A refill's change report (ChangeReport), else null.
    report: Mapped[dict[str, Any] | None]


class RosterCancellation(Base):
    __tablename__ = "roster_cancellations"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    roster_id: Mapped[str] = mapped_column(ForeignKey("rosters.id"), index=True)
    member: Mapped[str] = mapped_column(String(64))
    position: Mapped[str] = mapped_column(String(128))
    requested_at: Mapped[dt.datetime]
    detail_start: Mapped[dt.datetime]
    reason: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The notice's idempotency key plus the channel: one delivery per channel, written once.
    delivery_key: Mapped[str] = mapped_column(String(80), unique=True)
    #: The idempotency key the receiver sees.
    message_key: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(64))
    roster_id: Mapped[str] = mapped_column(String(36), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]]
    #: pending, delivered
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    #: A delivery in progress holds the message until then (another process skips it).
    claimed_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: strategy, time limit, freeze, max_changes
    request: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class BatchJob(Base):
    __tablename__ = "batch_jobs"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    group_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("solve_jobs.id"))
    events: Mapped[list[Any]] = mapped_column(JSON)


__all__ = ["Batch", "BatchJob", "OutboxMessage", "Roster", "RosterCancellation", "RosterVersion"]
