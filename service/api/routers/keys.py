"""/keys: an admin manages its agency's API keys (the CLI's `offduty keys` does the same locally)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from offduty.service.api.deps import Admin, ServicesDep
from offduty.service.api.problems import responses
from offduty.service.api.schemas import ApiKey, ApiKeyCreated, KeyCreate
from offduty.service.store import KeyRecord
from offduty.service.usecases import jobs as uc
from offduty.service.usecases import keys

router = APIRouter(prefix="/keys", tags=["keys"], responses=responses(401, 403, 429))


def key_out(record: KeyRecord) -> ApiKey:
    return ApiKey(
        id=record.id,
        name=record.name,
        role=keys.Role(record.role),
        agency=record.agency,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


@router.get("", response_model=list[ApiKey], summary="The agency's keys")
def list_keys(services: ServicesDep, principal: Admin) -> list[ApiKey]:
    return [key_out(k) for k in keys.list_keys(services.store, principal.agency)]


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=responses(400, 413, 422),
    summary="Create a key in the caller's agency",
)
def create_key(body: KeyCreate, response: Response, services: ServicesDep, principal: Admin) -> ApiKeyCreated:
    created = keys.create_key(services.store, body.role, principal.agency, body.name)
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated(**key_out(created.record).model_dump(), token=created.token)


@router.delete("/{key_id}", response_model=ApiKey, responses=responses(404), summary="Revoke a key")
def revoke_key(key_id: str, services: ServicesDep, principal: Admin) -> ApiKey:
    revoked = keys.revoke_key(services.store, key_id, principal.agency)
    if revoked is None:
        raise uc.NotFound(f"no key {key_id!r}")
    return key_out(revoked)
