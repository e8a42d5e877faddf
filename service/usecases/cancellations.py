"""Self-cancellations and transfers by the rules of §IV.D, on plain data.

A member cancels an assignment they hold (`request_cancellation`):

- more than `policy.cancellation_notice_days` (14) days before the detail starts, the
  cancellation is immediate (§IV.D.3.a): status `cancelled`, the assignment is released;
- within those days it needs a reason code from `policy.cancellation_reasons` (§IV.D.3.b) and
  stays `cancel_pending`: the member keeps the assignment until the coordinator approves or
  denies it (§IV.D.3.d-e);
- every self-cancellation needs a comment (§IV.D.3.c; a missing one "will prevent the user from
  submitting"), and the details of a personal illness are not noted (§IV.D.3.c(2)): a comment
  that reads like medical details is refused by a simple word check and never stored or logged.

A transfer (`transfer`) hands an assignment from one member to another eligible member who can
take it under every rule (the independent verifier decides); it also settles a pending
cancellation of that assignment (§IV.D.3.d(2)). Nothing here stores anything: the functions take
and return values, and the CLI (files) and the API (the store) keep them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from offduty.models.instance import Cancellation, Instance
from offduty.service.usecases.rosters import Pair, pairs_of

#: Stems that mark a comment as medical detail (§IV.D.3.c(2)); matched at the start of a word,
#: case-insensitively. Simple on purpose: it catches the common words, and a coordinator reads
#: the rest. "illness" and "sick" alone say nothing about the illness and pass.
MEDICAL_STEMS: tuple[str, ...] = (
    "flu", "influenza", "covid", "fever", "cough", "vomit", "nause", "diarrh", "migraine",
    "surger", "surgical", "diagnos", "symptom", "infect", "virus", "viral", "bacteri", "pneumon",
    "bronchit", "asthma", "diabet", "cancer", "tumor", "chemo", "pregnan", "miscarr", "fractur",
    "sprain", "concuss", "stomach", "blood pressure", "heart attack", "prescri", "medicat",
    "antibiot", "therap", "x-ray", "biopsy", "disease", "disorder", "depress", "anxiety",
    "psychiatr", "emergency room", "urgent care", "strep", "stitches", "allerg",
)
_MEDICAL = re.compile(r"\b(" + "|".join(re.escape(s) for s in MEDICAL_STEMS) + r")", re.IGNORECASE)


class CancellationError(ValueError):
    """A cancellation or transfer that cannot be made: the field concerned and why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class CancellationStatus(StrEnum):
    #: Beyond the notice period: released at once (§IV.D.3.a).
    CANCELLED = "cancelled"
    #: Within it: the member keeps the assignment until the coordinator decides (§IV.D.3.d).
    CANCEL_PENDING = "cancel_pending"
    APPROVED = "approved"
    DENIED = "denied"
    #: The assignment was transferred to another member instead (§IV.D.3.d(1)-(2)).
    TRANSFERRED = "transferred"


IN_FORCE = (CancellationStatus.CANCELLED, CancellationStatus.APPROVED)


class CancellationRecord(BaseModel):
    """One self-cancellation and its state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    member: str
    position: str
    requested_at: AwareDatetime
    detail_start: AwareDatetime
    reason: str | None = None
    comment: str
    status: CancellationStatus
    decided_at: AwareDatetime | None = None
    decided_by: str | None = None
    #: The coordinator's note on the decision, or the member the assignment was transferred to.
    note: str | None = None

    @property
    def in_force(self) -> bool:
        """Does the cancellation release the assignment (immediate, or approved)?"""
        return self.status in IN_FORCE

    @property
    def pending(self) -> bool:
        return self.status == CancellationStatus.CANCEL_PENDING

    def as_instance_cancellation(self) -> Cancellation:
        """The instance format's cancellation (what the re-solve reads)."""
        return Cancellation(member=self.member, position=self.position, at=self.requested_at,
                            reason=self.reason or "", comment=self.comment)


def detail_start(instance: Instance, position: str) -> dt.datetime:
    """The start of the shift holding `position`; CancellationError when there is none."""
    for event in instance.events:
        for shift in event.shifts:
            if any(p.id == position for p in shift.positions):
                return shift.start
    raise CancellationError("position", f"no position with id {position!r}")


def check_comment(comment: str | None) -> str:
    """The comment, stripped; CancellationError when it is missing or gives medical details.
    The refused comment is never echoed (it must not be stored, nor logged)."""
    text = (comment or "").strip()
    if not text:
        raise CancellationError("comment", "a comment is required for every self-cancellation "
                                           "(§IV.D.3.c: a detailed explanation)")
    if _MEDICAL.search(text):
        raise CancellationError("comment", "the comment seems to give medical details; the details of "
                                           "a personal illness are not noted (§IV.D.3.c(2)). Give the "
                                           "reason without them. The comment was not stored.")
    return text


def request_cancellation(instance: Instance, roster: Iterable[Any], records: Sequence[CancellationRecord],
                         *, member: str, position: str, at: dt.datetime, reason: str | None,
                         comment: str | None, id: str | None = None) -> CancellationRecord:
    """A member's self-cancellation of an assignment they hold in `roster`, by §IV.D.

    Raises CancellationError naming the field: unknown member or position, an assignment the
    member does not hold, one already cancelled or pending, a detail already begun, a missing
    or medical comment, a missing or unknown reason within the notice period."""
    if not any(m.id == member for m in instance.members):
        raise CancellationError("member", f"no member with id {member!r}")
    start = detail_start(instance, position)
    if at.tzinfo is None:
        raise CancellationError("at", "the time needs a UTC offset")
    if (member, position) not in pairs_of(roster):
        raise CancellationError("position", f"{member} does not hold {position} in the current roster")
    for r in records:
        if (r.member, r.position) == (member, position) and (r.pending or r.in_force):
            raise CancellationError("position", f"{member} already cancelled {position} ({r.id}, {r.status})")
    if at >= start:
        raise CancellationError("at", f"the detail started at {start.isoformat()}: too late to cancel it")
    text = check_comment(comment)
    policy = instance.policy
    within = start - at <= dt.timedelta(days=policy.cancellation_notice_days)
    code = (reason or "").strip() or None
    if within and code is None:
        raise CancellationError("reason", f"within {policy.cancellation_notice_days:g} days of the detail a "
                                          f"reason code is required (§IV.D.3.b): one of "
                                          f"{', '.join(policy.cancellation_reasons)}")
    if code is not None and code not in policy.cancellation_reasons:
        raise CancellationError("reason", f"unknown reason code {code!r}; one of "
                                          f"{', '.join(policy.cancellation_reasons)}")
    status = CancellationStatus.CANCEL_PENDING if within else CancellationStatus.CANCELLED
    return CancellationRecord(id=id or new_id(), member=member, position=position, requested_at=at,
                              detail_start=start, reason=code, comment=text, status=status,
                              decided_at=None if within else at)


def new_id() -> str:
    return "C" + uuid.uuid4().hex[:10]


def decide(record: CancellationRecord, *, approve: bool, by: str, at: dt.datetime,
           note: str | None = None) -> CancellationRecord:
    """The coordinator's decision on a pending cancellation (§IV.D.3.e). Approved, the member
    is released; denied, nothing changes (§IV.D.3.g: the member must then work or go through
    the chain of command)."""
    if not record.pending:
        raise CancellationError("status", f"cancellation {record.id} is {record.status}, not cancel_pending")
    status = CancellationStatus.APPROVED if approve else CancellationStatus.DENIED
    return record.model_copy(update={"status": status, "decided_at": at, "decided_by": by,
                                     "note": (note or "").strip() or None})


def find(records: Sequence[CancellationRecord], cancellation_id: str) -> CancellationRecord:
    for r in records:
        if r.id == cancellation_id:
            return r
    raise CancellationError("id", f"no cancellation with id {cancellation_id!r}")


def replace(records: Sequence[CancellationRecord], record: CancellationRecord) -> list[CancellationRecord]:
    """`records` with the one of the same id replaced by `record`."""
    return [record if r.id == record.id else r for r in records]


def in_force(records: Iterable[CancellationRecord]) -> list[Cancellation]:
    """The cancellations that release their assignment, in the instance format."""
    return [r.as_instance_cancellation() for r in records if r.in_force]


def scheduled(roster: Iterable[Any], records: Iterable[CancellationRecord]) -> set[Pair]:
    """Who works what: `roster` less the cancellations in force (pending ones keep the member)."""
    released = {(r.member, r.position) for r in records if r.in_force}
    return pairs_of(roster) - released


def transfer(instance: Instance, roster: Iterable[Any], *, from_member: str, to_member: str,
             position: str, candidates: str = "all_eligible") -> set[Pair]:
    """`roster` with `position` handed from `from_member` to `to_member` (§IV.D.3.d(2)).

    Raises CancellationError when `from_member` does not hold it, or when `to_member` cannot
    take it: the rules they would break, as the independent verifier finds them."""
    pairs = pairs_of(roster)
    if not any(m.id == to_member for m in instance.members):
        raise CancellationError("to", f"no member with id {to_member!r}")
    detail_start(instance, position)
    if (from_member, position) not in pairs:
        raise CancellationError("from", f"{from_member} does not hold {position} in the current roster")
    if (to_member, position) in pairs:
        raise CancellationError("to", f"{to_member} already holds {position}")
    from offduty.solver.verify import verify  # the solver package loads only for a transfer

    after = (pairs - {(from_member, position)}) | {(to_member, position)}
    before = {(v.code, v.message)
              for v in verify(instance, pairs, candidates=candidates, allow_understaffed=True)}
    broken = [v for v in verify(instance, after, candidates=candidates, allow_understaffed=True)
              if (v.code, v.message) not in before]
    if broken:
        raise CancellationError("to", f"{to_member} cannot take {position}: "
                                      + "; ".join(f"{v.code} {v.message}" for v in broken))
    return after


def settle_by_transfer(records: Sequence[CancellationRecord], *, from_member: str, position: str,
                       to_member: str, by: str, at: dt.datetime) -> list[CancellationRecord]:
    """A pending cancellation of the transferred assignment is settled by the transfer."""
    out = []
    for r in records:
        if r.pending and (r.member, r.position) == (from_member, position):
            r = r.model_copy(update={"status": CancellationStatus.TRANSFERRED, "decided_at": at,
                                     "decided_by": by, "note": f"transferred to {to_member}"})
        out.append(r)
    return out
