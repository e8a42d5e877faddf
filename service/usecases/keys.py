"""API keys: created by `offduty keys create` (or an admin over the API), shown once, stored hashed.

A token is 32 random bytes (`secrets.token_urlsafe`), prefixed `odk_` so that secret scanners
and people recognize it. Only its SHA-256 is stored: tokens are high-entropy, so a fast hash is
enough (no password hashing needed), and a lookup is one indexed equality.

Roles: `admin` (everything in the agency, keys included), `coordinator` (submits and cancels
solves), `viewer` (reads). Every key belongs to one agency and sees only that agency's jobs.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from offduty.service.store import KeyRecord, Store

TOKEN_PREFIX = "odk_"
AGENCY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VIEWER = "viewer"

    @property
    def can_submit(self) -> bool:
        return self in (Role.ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role and agency."""

    key_id: str
    role: Role
    agency: str
    name: str = ""


@dataclass(frozen=True)
class NewKey:
    record: KeyRecord
    #: The bearer token: shown once, never stored.
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(store: Store, role: Role | str, agency: str, name: str = "") -> NewKey:
    role = Role(role)
    if not AGENCY_PATTERN.match(agency):
        raise ValueError(f"agency {agency!r}: use lower-case letters, digits, '_', '-' or '.' (at most 64)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    from offduty.service.store import KeyRecord, now  # the database layer loads only when used

    record = KeyRecord(
        id="k_" + secrets.token_hex(6), name=name[:200], role=role.value, agency=agency, created_at=now()
    )
    store.add_key(record, hash_token(token))
    return NewKey(record, token)


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal of a live key, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = store.key_for_hash(hash_token(token))
    if record is None:
        return None
    return Principal(record.id, Role(record.role), record.agency, record.name)


def principal_of_key(store: Store, key_id: str, agency: str) -> Principal | None:
    """The principal of a live key by its id (a web session remembers the id, never the token)."""
    for record in store.list_keys(agency):
        if record.id == key_id and record.revoked_at is None:
            return Principal(record.id, Role(record.role), record.agency, record.name)
    return None


def list_keys(store: Store, agency: str | None = None) -> list[KeyRecord]:
    return store.list_keys(agency)


def revoke_key(store: Store, key_id: str, agency: str | None = None) -> KeyRecord | None:
    return store.revoke_key(key_id, agency)
