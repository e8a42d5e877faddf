"""What each roster change tells whom: the notices the outbox delivers.

- A self-cancellation: the member and the coordinator get a confirmation (§IV.D.3.a(2),
  §IV.D.3.c(4): "An e-mail confirmation is generated to both the member and the job
  coordinator"), with its state (cancelled, or cancel_pending); a decision likewise.
- A new roster version (a cancellation released, a refill, a transfer): each member added, moved
  or removed; the employer of each event that changed; the coordinator (a summary); and for each
  position left empty, "position open" offers to the members eligible for it (`max_offers`, most
  senior first), since nobody could be assigned.

Each notice has an idempotency key derived from what it is about (roster, version or
cancellation, kind, recipient, position), so composing the same change twice gives the same keys
and the outbox (unique on the key) stores it once. Comments of cancellations are never put in a
notice to anyone but the coordinator, and medical details never reach here (they are refused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offduty.constraints.eligibility import compute_eligibility
from offduty.models.arrays import InstanceArrays
from offduty.models.instance import Instance
from offduty.service.usecases.cancellations import CancellationRecord, CancellationStatus
from offduty.service.usecases.resolving import LeftEmpty
from offduty.service.usecases.rosters import RosterDiff

COORDINATOR = "coordinator"
#: "Position open" offers per empty position, most senior eligible members first.
MAX_OFFERS = 10


@dataclass(frozen=True)
class Notice:
    key: str
    kind: str
    recipient_kind: str  # member, coordinator, employer
    recipient: str
    subject: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)


def notice_key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class _Place:
    """A position with its shift, event and employer, as a notice names it."""

    position: str
    shift: str
    event: str
    event_name: str
    employer: str
    start: dt.datetime
    end: dt.datetime

    def text(self) -> str:
        return (f"{self.position} at {self.event_name or self.event} "
                f"({self.start:%a %Y-%m-%d %H:%M}–{self.end:%H:%M})")


def _places(instance: Instance) -> dict[str, _Place]:
    out = {}
    for event in instance.events:
        for shift in event.shifts:
            for p in shift.positions:
                out[p.id] = _Place(p.id, shift.id, event.id, event.name, event.employer, shift.start,
                                   shift.end)
    return out


def cancellation_notices(roster_id: str, roster_name: str, record: CancellationRecord,
                         instance: Instance) -> list[Notice]:
    """Confirmations of a cancellation request or decision to the member and the coordinator."""
    place = _places(instance)[record.position]
    state = {
        CancellationStatus.CANCELLED: "is cancelled; the position is released",
        CancellationStatus.CANCEL_PENDING: ("is pending the coordinator's decision; you keep the assignment "
                                            "until then (§IV.D.3.d)"),
        CancellationStatus.APPROVED: "was approved; you are released from the assignment",
        CancellationStatus.DENIED: "was denied; you keep the assignment (§IV.D.3.g)",
        CancellationStatus.TRANSFERRED: f"was settled by a transfer ({record.note or ''})",
    }[record.status]
    data = {"roster": roster_id, "cancellation": record.id, "status": record.status.value,
            "member": record.member, "position": record.position, "event": place.event,
            "start": place.start.isoformat()}
    subject = f"Cancellation {record.status.value}: {place.text()}"
    member = Notice(notice_key(roster_id, record.id, record.status.value, "member", record.member),
                    f"cancellation_{record.status.value}", "member", record.member, subject,
                    f"Your self-cancellation of {place.text()} {state}.", data)
    reason = f" Reason: {record.reason}." if record.reason else ""
    coordinator = Notice(
        notice_key(roster_id, record.id, record.status.value, COORDINATOR),
        f"cancellation_{record.status.value}", COORDINATOR, COORDINATOR, f"[{roster_name}] {subject}",
        f"{record.member}'s self-cancellation of {place.text()} {state}.{reason} Comment: {record.comment}",
        data)
    return [member, coordinator]


def version_notices(roster_id: str, roster_name: str, version: int, why: str, instance: Instance,
                    diff: RosterDiff, left_empty: Sequence[LeftEmpty] = (),
                    max_offers: int = MAX_OFFERS) -> list[Notice]:
    """Everyone a new roster version concerns, and offers for the positions it leaves empty."""
    places = _places(instance)
    base = {"roster": roster_id, "version": version}
    out: list[Notice] = []
    for a in diff.added:
        place = places[a.position]
        out.append(Notice(notice_key(roster_id, version, "assigned", a.member, a.position), "assigned",
                          "member", a.member, f"New assignment: {place.text()}",
                          f"You are assigned {place.text()} ({why}).",
                          {**base, "position": a.position, "event": place.event,
                           "start": place.start.isoformat()}))
    for m in diff.moved:
        old, new = places[m.from_position], places[m.to_position]
        out.append(Notice(notice_key(roster_id, version, "moved", m.member, m.from_position, m.to_position),
                          "moved", "member", m.member, f"Assignment moved: {new.text()}",
                          f"Your assignment moved from {old.text()} to {new.text()} ({why}).",
                          {**base, "from_position": m.from_position, "position": m.to_position}))
    for r in diff.removed:
        place = places[r.position]
        out.append(Notice(notice_key(roster_id, version, "removed", r.member, r.position), "removed",
                          "member", r.member, f"Assignment removed: {place.text()}",
                          f"You are no longer assigned {place.text()} ({why}).",
                          {**base, "position": r.position}))
    out += _employer_notices(roster_id, version, why, places, diff, left_empty)
    lines = [f"{a.member} added on {a.position}" for a in diff.added]
    lines += [f"{m.member} moved {m.from_position} → {m.to_position}" for m in diff.moved]
    lines += [f"{r.member} removed from {r.position}" for r in diff.removed]
    lines += [f"{e.position} left empty ({e.missing} missing): {e.why}" for e in left_empty]
    out.append(Notice(notice_key(roster_id, version, "version", COORDINATOR), "version", COORDINATOR,
                      COORDINATOR, f"[{roster_name}] version {version}: {why}",
                      "\n".join([f"Roster {roster_name} is at version {version} ({why}).", *lines]),
                      {**base, "changes": diff.changes}))
    out += offer_notices(roster_id, version, instance, left_empty, max_offers)
    return out


def _employer_notices(roster_id: str, version: int, why: str, places: dict[str, _Place], diff: RosterDiff,
                      left_empty: Sequence[LeftEmpty]) -> list[Notice]:
    by_event: dict[str, list[str]] = {}
    for a in diff.added:
        by_event.setdefault(places[a.position].event, []).append(f"{a.member} now works {a.position}")
    for m in diff.moved:
        by_event.setdefault(places[m.to_position].event, []).append(
            f"{m.member} moved from {m.from_position} to {m.to_position}")
    for r in diff.removed:
        by_event.setdefault(places[r.position].event, []).append(f"{r.member} no longer works {r.position}")
    for e in left_empty:
        by_event.setdefault(places[e.position].event, []).append(f"{e.position}: {e.missing} still open")
    out = []
    for event, lines in sorted(by_event.items()):
        employer = next(p.employer for p in places.values() if p.event == event)
        name = next(p.event_name or p.event for p in places.values() if p.event == event)
        out.append(Notice(notice_key(roster_id, version, "staffing", employer, event), "staffing_changed",
                          "employer", employer, f"Staffing changed: {name}",
                          "\n".join([f"The officers for {name} changed ({why}):", *lines]),
                          {"roster": roster_id, "version": version, "event": event}))
    return out


def offer_notices(roster_id: str, version: int, instance: Instance, left_empty: Iterable[LeftEmpty],
                  max_offers: int = MAX_OFFERS) -> list[Notice]:
    """ "Position open" offers to the members eligible for each empty position (every eligibility
    rule passed), most senior first, at most `max_offers` a position."""
    empties = list(left_empty)
    if not empties or max_offers <= 0:
        return []
    arrays = InstanceArrays.build(instance)
    reason = compute_eligibility(arrays).reason
    index = {p: i for i, p in enumerate(arrays.position_ids)}
    places = _places(instance)
    out = []
    for e in empties:
        eligible = np.flatnonzero(reason[:, index[e.position]] == 0)
        order = eligible[np.argsort(arrays.member_seniority_day[eligible], kind="stable")][:max_offers]
        place = places[e.position]
        for m in order.tolist():
            member = arrays.member_ids[m]
            out.append(Notice(notice_key(roster_id, version, "offer", member, e.position), "position_open",
                              "member", member, f"Position open: {place.text()}",
                              f"{place.text()} is open ({e.missing} missing) and you are eligible for it. "
                              f"Reply to the coordinator to take it.",
                              {"roster": roster_id, "version": version, "position": e.position,
                               "missing": e.missing}))
    return out
