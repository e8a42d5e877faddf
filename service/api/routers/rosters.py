"""/rosters: publish a job's roster; versions and diffs; §IV.D cancellations, decisions and
transfers; refills; the notifications of a roster.

Versions are read-only: every route here either reads them or creates the next one; none updates
or deletes a version (and the store refuses it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from offduty.service.api.deps import Caller, ServicesDep, Submitter
from offduty.service.api.problems import ApiProblem, responses
from offduty.service.store.rosters import OutboxRecord, RosterRecord, VersionRecord
from offduty.service.usecases import edits as ed
from offduty.service.usecases import published as uc
from offduty.service.usecases.cancellations import CancellationRecord

router = APIRouter(prefix="/rosters", tags=["rosters"], responses=responses(401, 429))


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactsIn(_In):
    coordinator: str | None = None
    members: dict[str, str] = Field(default_factory=dict)
    employers: dict[str, str] = Field(default_factory=dict)


class PublishIn(_In):
    job_id: str = Field(max_length=36, description="a finished solve job with a roster")
    name: str | None = Field(default=None, max_length=200)
    contacts: ContactsIn = Field(default_factory=ContactsIn, description="e-mail addresses for notices")


class CancellationIn(_In):
    member: str = Field(max_length=64)
    position: str = Field(max_length=128)
    at: AwareDatetime | None = Field(default=None, description="when the member cancels (default: now)")
    reason: str | None = Field(default=None, max_length=64, description="required within the notice period")
    comment: str | None = Field(default=None, max_length=4000, description="required (§IV.D.3.c)")


class DecisionIn(_In):
    note: str | None = Field(default=None, max_length=2000)


class TransferIn(_In):
    from_member: str = Field(alias="from", max_length=64)
    to_member: str = Field(alias="to", max_length=64)
    position: str = Field(max_length=128)


class EditIn(_In):
    op: Literal["assign", "remove", "swap"] = Field(
        description="assign: a member to a vacancy; remove: a member from a position; swap: two "
        "members' positions (member on position ↔ with_member on with_position)"
    )
    member: str = Field(min_length=1, max_length=64)
    position: str = Field(min_length=1, max_length=128)
    with_member: str | None = Field(default=None, max_length=64, description="swap only")
    with_position: str | None = Field(default=None, max_length=128, description="swap only")


class EditsIn(_In):
    edits: list[EditIn] = Field(min_length=1, max_length=200, description="applied in order")
    comment: str | None = Field(
        default=None,
        max_length=4000,
        description="required: why (kept with the version, sent in the notices)",
    )
    expected_version: int | None = Field(
        default=None, ge=1, description="refuse (409) unless the roster is still at this version"
    )


class RefillIn(_In):
    freeze: bool = False
    max_changes: int | None = Field(default=None, ge=0)
    time_limit: float | None = Field(default=None, gt=0)


class VersionOut(BaseModel):
    number: int
    kind: str
    reason: str
    made_by: str = Field(description="the API key that made it")
    created_at: dt.datetime
    assignments: list[dict[str, str]]
    diff: dict[str, Any]
    report: dict[str, Any] | None = None


class RosterOut(BaseModel):
    id: str
    name: str
    job_id: str
    strategy: str
    created_at: dt.datetime
    current_version: int
    version: VersionOut
    cancellations: list[dict[str, Any]]
    links: dict[str, str]


class CancellationOut(BaseModel):
    cancellation: dict[str, Any]
    version: VersionOut | None = Field(description="the new version, when the change released the member")


class NotificationOut(BaseModel):
    id: int
    idempotency_key: str
    channel: str
    kind: str
    recipient_kind: str
    recipient: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    delivered_at: dt.datetime | None


def version_out(v: VersionRecord) -> VersionOut:
    return VersionOut(
        number=v.number,
        kind=v.kind,
        reason=v.reason,
        made_by=v.key_id,
        created_at=v.created_at,
        assignments=[{"member": m, "position": p} for m, p in v.assignments],
        diff=v.diff,
        report=v.report,
    )


def cancellation_out(r: CancellationRecord) -> dict[str, Any]:
    return r.model_dump(mode="json")


def roster_out(request: Request, services: uc.Services, principal: Any, roster: RosterRecord) -> RosterOut:
    base = str(request.app.url_path_for("get_roster", roster_id=roster.id))
    current = uc.version(services, principal, roster.id, roster.current_version)
    return RosterOut(
        id=roster.id,
        name=roster.name,
        job_id=roster.job_id,
        strategy=roster.strategy,
        created_at=roster.created_at,
        current_version=roster.current_version,
        version=version_out(current),
        cancellations=[cancellation_out(c) for c in uc.cancellations(services, principal, roster.id)],
        links={
            "self": base,
            "versions": f"{base}/versions",
            "diff": f"{base}/diff",
            "notifications": f"{base}/notifications",
        },
    )


@router.post(
    "",
    status_code=201,
    response_model=RosterOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="Publish a solve job's roster",
)
def publish_roster(
    body: PublishIn, request: Request, response: Response, services: ServicesDep, principal: Submitter
) -> RosterOut:
    """Version 1 of a new roster: the final roster of a finished job. Everyone assigned is told."""
    contacts = uc.Contacts(body.contacts.coordinator, body.contacts.members, body.contacts.employers)
    roster, _ = uc.publish(services, principal, body.job_id, name=body.name, contacts=contacts)
    out = roster_out(request, services, principal, roster)
    response.headers["Location"] = out.links["self"]
    return out


@router.get(
    "/{roster_id}", response_model=RosterOut, responses=responses(404, 422), summary="A roster, as it is now"
)
def get_roster(roster_id: str, request: Request, services: ServicesDep, principal: Caller) -> RosterOut:
    return roster_out(request, services, principal, uc.get(services, principal, roster_id))


@router.get(
    "/{roster_id}/versions",
    response_model=list[VersionOut],
    responses=responses(404, 422),
    summary="Every version, oldest first",
)
def list_versions(roster_id: str, services: ServicesDep, principal: Caller) -> list[VersionOut]:
    return [version_out(v) for v in uc.versions(services, principal, roster_id)]


@router.get(
    "/{roster_id}/versions/{number}",
    response_model=VersionOut,
    responses=responses(404, 422),
    summary="One version",
)
def get_version(roster_id: str, number: int, services: ServicesDep, principal: Caller) -> VersionOut:
    return version_out(uc.version(services, principal, roster_id, number))


@router.get("/{roster_id}/diff", responses=responses(404, 422), summary="What changed between two versions")
def get_diff(
    roster_id: str,
    services: ServicesDep,
    principal: Caller,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> dict[str, Any]:
    change = uc.diff(services, principal, roster_id, from_version, to_version)
    return {
        "from": from_version,
        "to": to_version,
        "changes": change.changes,
        **change.model_dump(mode="json"),
    }


@router.post(
    "/{roster_id}/cancellations",
    status_code=201,
    response_model=CancellationOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="A member's self-cancellation (§IV.D)",
)
def cancel(
    roster_id: str, body: CancellationIn, services: ServicesDep, principal: Submitter
) -> CancellationOut:
    """More than the notice period (14 days) ahead: immediate, a new version without the member.
    Within it: a reason code is required and it stays `cancel_pending`; the member keeps the
    assignment. A comment is always required; medical details are refused and not stored."""
    record, made = uc.request_cancellation(
        services,
        principal,
        roster_id,
        member=body.member,
        position=body.position,
        at=body.at,
        reason=body.reason,
        comment=body.comment,
    )
    return CancellationOut(cancellation=cancellation_out(record), version=version_out(made) if made else None)


@router.post(
    "/{roster_id}/cancellations/{cancellation_id}/approve",
    response_model=CancellationOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="Approve a pending cancellation",
)
def approve(
    roster_id: str,
    cancellation_id: str,
    services: ServicesDep,
    principal: Submitter,
    body: DecisionIn | None = None,
) -> CancellationOut:
    record, made = uc.decide(
        services, principal, roster_id, cancellation_id, approve=True, note=body.note if body else None
    )
    return CancellationOut(cancellation=cancellation_out(record), version=version_out(made) if made else None)


@router.post(
    "/{roster_id}/cancellations/{cancellation_id}/deny",
    response_model=CancellationOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="Deny a pending cancellation (nothing changes)",
)
def deny(
    roster_id: str,
    cancellation_id: str,
    services: ServicesDep,
    principal: Submitter,
    body: DecisionIn | None = None,
) -> CancellationOut:
    record, _ = uc.decide(
        services, principal, roster_id, cancellation_id, approve=False, note=body.note if body else None
    )
    return CancellationOut(cancellation=cancellation_out(record), version=None)


@router.post(
    "/{roster_id}/transfers",
    status_code=201,
    response_model=VersionOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="Transfer an assignment (§IV.D.3.d(2))",
)
def transfer(roster_id: str, body: TransferIn, services: ServicesDep, principal: Submitter) -> VersionOut:
    return version_out(
        uc.transfer(
            services,
            principal,
            roster_id,
            from_member=body.from_member,
            to_member=body.to_member,
            position=body.position,
        )
    )


@router.post(
    "/{roster_id}/edits",
    status_code=201,
    response_model=VersionOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="A coordinator's manual edit (assign, remove, swap)",
)
def edit(roster_id: str, body: EditsIn, services: ServicesDep, principal: Submitter) -> VersionOut:
    """The edits are applied in order and the result checked by the independent verifier; a rule
    it would break is a 422 naming the rule (`rule`), the member, the position and the edit
    (`path`: `edits[1]`). Otherwise the next version (kind `edit`, the comment in its reason) with
    its diff, and the notices to everyone it concerns, written together."""
    try:
        made = uc.edit(
            services,
            principal,
            roster_id,
            edits=[ed.Edit(**e.model_dump()) for e in body.edits],
            comment=body.comment,
            expected_version=body.expected_version,
        )
    except ed.EditRejected as exc:
        raise _rejected(exc) from None
    return version_out(made)


def _rejected(exc: ed.EditRejected) -> ApiProblem:
    if exc.broken:
        items = [
            {
                "path": b.path,
                "message": b.text(),
                "kind": "policy",
                "rule": b.code,
                "member": b.member,
                "position": b.position,
            }
            for b in exc.broken
        ]
        return ApiProblem(
            422, "the edit breaks the rules", f"{len(items)} rule(s) broken", slug="rule-broken", errors=items
        )
    item = {"path": exc.field, "message": exc.message, "kind": "schema"}
    return ApiProblem(422, "the edit is refused", exc.message, slug="invalid-request", errors=[item])


@router.post(
    "/{roster_id}/refill",
    status_code=201,
    response_model=VersionOut,
    responses=responses(400, 403, 404, 409, 413, 422),
    summary="Refill vacated positions (a re-solve)",
)
def refill(
    roster_id: str, services: ServicesDep, principal: Submitter, body: RefillIn | None = None
) -> VersionOut:
    """Tiers: coverage, fewest changes (a move counts two), the strategy over newcomers. The new
    version carries the change report (who was added, moved, removed, why each empty position
    is empty, and the proof of the changes tier)."""
    options = body or RefillIn()
    return version_out(
        uc.refill(
            services,
            principal,
            roster_id,
            freeze=options.freeze,
            max_changes=options.max_changes,
            time_limit=options.time_limit,
        )
    )


@router.get(
    "/{roster_id}/notifications",
    response_model=list[NotificationOut],
    responses=responses(404, 422),
    summary="The roster's notices and their delivery state",
)
def notifications(roster_id: str, services: ServicesDep, principal: Caller) -> list[NotificationOut]:
    uc.get(services, principal, roster_id)
    return [_notification(m) for m in uc.rosters(services).messages(roster_id)]


def _notification(m: OutboxRecord) -> NotificationOut:
    return NotificationOut(
        id=m.id,
        idempotency_key=m.message_key,
        channel=m.channel,
        kind=m.kind,
        recipient_kind=m.recipient_kind,
        recipient=m.recipient,
        subject=m.subject,
        state=m.state,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at,
        last_error=m.last_error,
        delivered_at=m.delivered_at,
    )
