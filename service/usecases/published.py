"""Published rosters in the store: publish a job's roster, versions and diffs, §IV.D
cancellations and decisions, transfers, a coordinator's manual edits, refills, and the delivery
of the outbox.

Every change is a new immutable version (who made it: the API key; when; why; its diff from the
previous one), written with its notices in one transaction, compare-and-set on the roster's
current version. The rules are the plain-data use cases' (`cancellations`, `resolving`,
`notifications`); this module only loads, checks access, and stores.

Delivery (`deliver_due`) claims due messages, hands each to its channel's sender, and marks it
delivered, or leaves it pending with the error and an exponential backoff: a sender that is down
loses nothing, and each message is handed over until one attempt succeeds (its idempotency key
lets a receiver drop a repeat whose acknowledgement was lost).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from offduty.models.instance import Instance
from offduty.service.notify.senders import (
    DeliveryError,
    LogSender,
    Outgoing,
    Sender,
    SmtpSender,
    WebhookSender,
)
from offduty.service.settings import Settings
from offduty.service.store.rosters import (
    CancellationRow,
    NewMessage,
    NewVersion,
    RosterRecord,
    RosterStore,
    VersionConflict,
    VersionRecord,
)
from offduty.service.usecases import cancellations as cx
from offduty.service.usecases import edits as ed
from offduty.service.usecases.jobs import Conflict, Forbidden, NotFound, RequestProblem, Services
from offduty.service.usecases.jobs import get as get_job
from offduty.service.usecases.keys import Principal
from offduty.service.usecases.loading import load
from offduty.service.usecases.notifications import Notice, cancellation_notices, version_notices
from offduty.service.usecases.resolving import resolve, with_roster
from offduty.service.usecases.rosters import RosterDiff, roster_diff
from offduty.solver import Result, SolveParams
from offduty.solver.params import Resolve

log = logging.getLogger(__name__)
Pair = tuple[str, str]


@dataclass(frozen=True)
class Contacts:
    """Where e-mail notices go: the coordinator's address, members' and employers' by id."""

    coordinator: str | None = None
    members: Mapping[str, str] | None = None
    employers: Mapping[str, str] | None = None

    def email(self, recipient_kind: str, recipient: str) -> str | None:
        if recipient_kind == "coordinator":
            return self.coordinator
        book = self.members if recipient_kind == "member" else self.employers
        return (book or {}).get(recipient)

    def as_dict(self) -> dict[str, Any]:
        return {
            "coordinator": self.coordinator,
            "members": dict(self.members or {}),
            "employers": dict(self.employers or {}),
        }

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Contacts:
        return cls(data.get("coordinator"), data.get("members") or {}, data.get("employers") or {})


def rosters(services: Services) -> RosterStore:
    return RosterStore(services.store)


def _require_coordinator(principal: Principal) -> None:
    if not principal.role.can_submit:
        raise Forbidden(f"role {principal.role.value!r} cannot change rosters")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- reading -------------------------------------------------------------------------------------


def get(services: Services, principal: Principal, roster_id: str) -> RosterRecord:
    found = rosters(services).get(roster_id, principal.agency)
    if found is None:
        raise NotFound(f"no roster {roster_id!r}")
    return found


def list_rosters(services: Services, principal: Principal, limit: int = 50) -> list[RosterRecord]:
    """The caller's agency's published rosters, newest first."""
    return rosters(services).for_agency(principal.agency, limit)


def versions(services: Services, principal: Principal, roster_id: str) -> list[VersionRecord]:
    get(services, principal, roster_id)
    return rosters(services).versions(roster_id)


def version(services: Services, principal: Principal, roster_id: str, number: int) -> VersionRecord:
    get(services, principal, roster_id)
    found = rosters(services).version(roster_id, number)
    if found is None:
        raise NotFound(f"roster {roster_id} has no version {number}")
    return found


def current(services: Services, principal: Principal, roster_id: str) -> tuple[RosterRecord, VersionRecord]:
    roster = get(services, principal, roster_id)
    return roster, version(services, principal, roster_id, roster.current_version)


def diff(services: Services, principal: Principal, roster_id: str, before: int, after: int) -> RosterDiff:
    """What changed from version `before` to version `after` (either order)."""
    return roster_diff(
        version(services, principal, roster_id, before).assignments,
        version(services, principal, roster_id, after).assignments,
    )


def cancellations(services: Services, principal: Principal, roster_id: str) -> list[cx.CancellationRecord]:
    get(services, principal, roster_id)
    return [_record(r) for r in rosters(services).cancellations(roster_id)]


def instance_of(roster: RosterRecord) -> Instance:
    return load(json.loads(roster.instance))


# --- publishing ------------------------------------------------------------------------------------


def publish(
    services: Services,
    principal: Principal,
    job_id: str,
    *,
    name: str | None = None,
    contacts: Contacts | None = None,
) -> tuple[RosterRecord, VersionRecord]:
    """Version 1 of a new roster: the final roster of a finished solve job."""
    _require_coordinator(principal)
    job = get_job(services, principal, job_id)
    found = services.store.solution(job_id)
    document = services.store.job_input(job_id)
    if found is None or not found.final or document is None:
        raise Conflict(f"job {job_id} has no final roster to publish ({job.state})")
    result = Result.model_validate_json(found.document)
    if not result.has_solution:
        raise Conflict(f"job {job_id} ended {result.status.value}: nothing to publish")
    raw = json.loads(document)
    raw["assignments"], raw["cancellations"] = [], []
    instance = load(raw)
    roster = RosterRecord(
        id=str(uuid.uuid4()),
        agency=principal.agency,
        key_id=principal.key_id,
        name=name or instance.name or job_id,
        job_id=job_id,
        instance=json.dumps(raw, separators=(",", ":")),
        strategy=result.strategy,
        contacts=(contacts or Contacts()).as_dict(),
        current_version=1,
        created_at=_now(),
    )
    pairs = sorted(set(result.pairs()))
    change = roster_diff([], pairs)
    why = f"published from solve job {job_id}"
    notices = version_notices(roster.id, roster.name, 1, why, instance, change)
    first = NewVersion("publish", why, principal.key_id, pairs, change.model_dump(mode="json"))
    created = rosters(services).create(
        roster, first, _deliveries(services.settings, roster.contacts, notices)
    )
    return roster, created


# --- cancellations ---------------------------------------------------------------------------------


def request_cancellation(
    services: Services,
    principal: Principal,
    roster_id: str,
    *,
    member: str,
    position: str,
    at: dt.datetime | None,
    reason: str | None,
    comment: str | None,
) -> tuple[cx.CancellationRecord, VersionRecord | None]:
    """A member's self-cancellation (§IV.D): immediate beyond the notice period (a new version
    without the member), else pending (the member stays scheduled, no new version)."""
    _require_coordinator(principal)
    roster, now_version = current(services, principal, roster_id)
    instance = instance_of(roster)
    records = cancellations(services, principal, roster_id)
    try:
        record = cx.request_cancellation(
            instance,
            now_version.assignments,
            records,
            member=member,
            position=position,
            at=at or _now(),
            reason=reason,
            comment=comment,
        )
    except cx.CancellationError as exc:
        raise _problem(exc) from None
    notices = cancellation_notices(roster.id, roster.name, record, instance)
    if record.pending:
        rosters(services).put_cancellation(
            _row(record, roster_id, principal.key_id),
            _deliveries(services.settings, roster.contacts, notices),
        )
        return record, None
    why = f"{member} cancelled {position} more than the notice period ahead (§IV.D.3.a)"
    made = _new_version(
        services,
        principal,
        roster,
        now_version,
        "cancellation",
        why,
        set(now_version.assignments) - {(member, position)},
        notices,
        [_row(record, roster_id, principal.key_id)],
        skip_member=member,
    )
    return record, made


def decide(
    services: Services,
    principal: Principal,
    roster_id: str,
    cancellation_id: str,
    *,
    approve: bool,
    note: str | None = None,
) -> tuple[cx.CancellationRecord, VersionRecord | None]:
    """Approve (a new version without the member) or deny (nothing changes) a pending one."""
    _require_coordinator(principal)
    roster, now_version = current(services, principal, roster_id)
    instance = instance_of(roster)
    try:
        pending = cx.find(cancellations(services, principal, roster_id), cancellation_id)
        record = cx.decide(pending, approve=approve, by=principal.key_id, at=_now(), note=note)
    except cx.CancellationError as exc:
        if exc.field == "id":
            raise NotFound(exc.message) from None
        raise Conflict(exc.message) from None
    notices = cancellation_notices(roster.id, roster.name, record, instance)
    row = _row(record, roster_id, principal.key_id)
    if not approve:
        try:
            rosters(services).put_cancellation(
                row,
                _deliveries(services.settings, roster.contacts, notices),
                expected_status=cx.CancellationStatus.CANCEL_PENDING.value,
            )
        except VersionConflict as exc:
            raise Conflict(str(exc)) from None
        return record, None
    why = f"cancellation {record.id} of {record.member} on {record.position} approved (§IV.D.3.e)"
    made = _new_version(
        services,
        principal,
        roster,
        now_version,
        "approval",
        why,
        set(now_version.assignments) - {(record.member, record.position)},
        notices,
        [row],
        skip_member=record.member,
    )
    return record, made


def transfer(
    services: Services,
    principal: Principal,
    roster_id: str,
    *,
    from_member: str,
    to_member: str,
    position: str,
) -> VersionRecord:
    """Hand an assignment to another member who can take it (§IV.D.3.d(2))."""
    _require_coordinator(principal)
    roster, now_version = current(services, principal, roster_id)
    instance = instance_of(roster)
    try:
        after = cx.transfer(
            instance, now_version.assignments, from_member=from_member, to_member=to_member, position=position
        )
    except cx.CancellationError as exc:
        raise _problem(exc) from None
    records = cancellations(services, principal, roster_id)
    settled = [
        r
        for r in cx.settle_by_transfer(
            records,
            from_member=from_member,
            position=position,
            to_member=to_member,
            by=principal.key_id,
            at=_now(),
        )
        if r not in records
    ]
    notices = [n for r in settled for n in cancellation_notices(roster.id, roster.name, r, instance)]
    why = f"{position} transferred from {from_member} to {to_member} (§IV.D.3.d(2))"
    return _new_version(
        services,
        principal,
        roster,
        now_version,
        "transfer",
        why,
        after,
        notices,
        [_row(r, roster_id, principal.key_id) for r in settled],
    )


def edit(
    services: Services,
    principal: Principal,
    roster_id: str,
    *,
    edits: Sequence[ed.Edit],
    comment: str | None,
    expected_version: int | None = None,
) -> VersionRecord:
    """A coordinator's manual edit (assign to a vacancy, remove, swap), checked by the independent
    verifier: the next version, with its diff, the key, the time and the comment, and the notices
    to everyone it concerns in the same transaction. `expected_version`: refuse (Conflict) unless
    the roster is still at that version. Raises `edits.EditRejected` for a bad or rule-breaking edit."""
    _require_coordinator(principal)
    text = ed.check_comment(comment)
    roster, now_version = current(services, principal, roster_id)
    if expected_version is not None and expected_version != now_version.number:
        raise Conflict(
            f"roster {roster_id} is at version {now_version.number}, not {expected_version}; "
            "read it again and retry"
        )
    after = ed.apply_edits(instance_of(roster), now_version.assignments, edits)
    why = f"manual edit: {'; '.join(e.text() for e in edits)}. Comment: {text}"
    return _new_version(services, principal, roster, now_version, "edit", why, after, [], [])


def refill(
    services: Services,
    principal: Principal,
    roster_id: str,
    *,
    freeze: bool = False,
    max_changes: int | None = None,
    time_limit: float | None = None,
) -> VersionRecord:
    """Re-solve the current version with the cancellations in force: tiers coverage, changes,
    the strategy over newcomers; a new version with the change report."""
    _require_coordinator(principal)
    roster, now_version = current(services, principal, roster_id)
    base = instance_of(roster)
    in_force = cx.in_force(cancellations(services, principal, roster_id))
    instance = with_roster(base, now_version.assignments, in_force)
    limit = min(time_limit or services.settings.default_time_limit, services.settings.max_time_limit)
    params = SolveParams(
        strategy=roster.strategy, time_limit=limit, resolve=Resolve(freeze=freeze, max_changes=max_changes)
    )
    resolved = resolve(instance, params)
    if not resolved.result.has_solution:
        raise Conflict(
            f"the re-solve found no roster ({resolved.result.status.value}): "
            + "; ".join(resolved.result.explanation[:3])
        )
    report = resolved.report
    why = f"refill: {report.lines()[0]}"
    return _new_version(
        services,
        principal,
        roster,
        now_version,
        "refill",
        why,
        set(resolved.result.pairs()),
        [],
        [],
        report=report.model_dump(mode="json"),
        left_empty=report.left_empty,
    )


def _new_version(
    services: Services,
    principal: Principal,
    roster: RosterRecord,
    previous: VersionRecord,
    kind: str,
    why: str,
    after: set[Pair] | Sequence[Pair],
    extra: Sequence[Notice],
    rows: Sequence[CancellationRow],
    *,
    report: dict[str, Any] | None = None,
    left_empty: Sequence[Any] = (),
    skip_member: str | None = None,
) -> VersionRecord:
    change = roster_diff(previous.assignments, after)
    number = previous.number + 1
    notices = [
        n
        for n in version_notices(roster.id, roster.name, number, why, instance_of(roster), change, left_empty)
        if not (skip_member and n.recipient_kind == "member" and n.recipient == skip_member)
    ]
    new = NewVersion(kind, why, principal.key_id, sorted(set(after)), change.model_dump(mode="json"), report)
    try:
        return rosters(services).add_version(
            roster.id,
            previous.number,
            new,
            _deliveries(services.settings, roster.contacts, [*extra, *notices]),
            rows,
        )
    except VersionConflict as exc:
        raise Conflict(f"{exc}; read it again and retry") from None


# --- the outbox ------------------------------------------------------------------------------------


def channels(settings: Settings) -> dict[str, Sender]:
    """The senders the settings configure; the log when none is."""
    out: dict[str, Sender] = {}
    if settings.notify_smtp_host:
        out["email"] = SmtpSender(
            settings.notify_smtp_host, settings.notify_smtp_port, settings.notify_smtp_from
        )
    if settings.notify_webhook_url and settings.notify_webhook_secret:
        out["webhook"] = WebhookSender(settings.notify_webhook_url, settings.notify_webhook_secret)
    return out or {"log": LogSender()}


def _deliveries(
    settings: Settings, contacts: Mapping[str, Any], notices: Sequence[Notice]
) -> list[NewMessage]:
    """One outbox message per notice and channel that can reach its recipient."""
    book = Contacts.of(contacts)
    out = []
    for n in notices:
        email = book.email(n.recipient_kind, n.recipient)
        for name in channels(settings):
            if name == "email" and not email:
                continue
            out.append(
                NewMessage(
                    f"{n.key}:{name}",
                    n.key,
                    name,
                    n.kind,
                    n.recipient_kind,
                    n.recipient,
                    email,
                    n.subject,
                    n.body,
                    n.data,
                )
            )
    return out


@dataclass(frozen=True)
class Delivery:
    delivered: int
    failed: int


def deliver_due(
    services: Services,
    senders: Mapping[str, Sender] | None = None,
    *,
    at: dt.datetime | None = None,
    limit: int = 100,
) -> Delivery:
    """Hand each due message to its channel's sender once; failures wait with backoff."""
    settings = services.settings
    senders = senders if senders is not None else channels(settings)
    at = at or _now()
    store = rosters(services)
    delivered = failed = 0
    for m in store.claim_due(at, dt.timedelta(seconds=60), limit, channels=list(senders)):
        message = Outgoing(
            m.message_key, m.kind, m.recipient_kind, m.recipient, m.subject, m.body, m.data, m.email
        )
        try:
            senders[m.channel].send(message)
        except DeliveryError as exc:
            wait = min(settings.notify_retry_max_s, settings.notify_retry_base_s * 2**m.attempts)
            store.retry_later(m.id, at + dt.timedelta(seconds=wait), str(exc))
            log.warning(
                "notice %s via %s not delivered (attempt %d): %s",
                m.message_key,
                m.channel,
                m.attempts + 1,
                exc,
            )
            failed += 1
            continue
        store.delivered(m.id, _now())
        delivered += 1
    return Delivery(delivered, failed)


# --- helpers ---------------------------------------------------------------------------------------


def _row(r: cx.CancellationRecord, roster_id: str, key_id: str) -> CancellationRow:
    return CancellationRow(
        r.id,
        roster_id,
        r.member,
        r.position,
        r.requested_at,
        r.detail_start,
        r.reason,
        r.comment,
        r.status.value,
        r.decided_at,
        r.decided_by,
        r.note,
        key_id,
    )


def _record(r: CancellationRow) -> cx.CancellationRecord:
    return cx.CancellationRecord(
        id=r.id,
        member=r.member,
        position=r.position,
        requested_at=r.requested_at,
        detail_start=r.detail_start,
        reason=r.reason,
        comment=r.comment,
        status=cx.CancellationStatus(r.status),
        decided_at=r.decided_at,
        decided_by=r.decided_by,
        note=r.note,
    )


def _problem(exc: cx.CancellationError) -> RequestProblem:
    from offduty.models.errors import Problem, ProblemKind

    return RequestProblem([Problem(exc.field, exc.message, ProblemKind.POLICY)], "the request is refused")
