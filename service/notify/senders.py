"""Senders of the notifications outbox: e-mail over SMTP (standard library) and signed webhooks.

A sender delivers one message or raises `DeliveryError`; it never retries by itself: the outbox
(`offduty.service.usecases.notifications`) keeps the message pending and tries again later with
backoff, so nothing is lost while a receiver is down. Every message carries its idempotency key
(the e-mail's `Message-ID` and an `Idempotency-Key` header; the webhook's `Idempotency-Key`
header and body field), so that a receiver that got a message whose acknowledgement was lost can
recognise the repeat.

Webhook signatures: `Offduty-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
HMAC-SHA256 of `"<t>.<raw body>"` with the shared secret (the scheme Stripe and others use). A
receiver checks it with `verify_signature` and refuses old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "Offduty-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: A signature older than this is refused by `verify_signature` (seconds).
SIGNATURE_TOLERANCE_S = 300


class DeliveryError(RuntimeError):
    """The receiver did not take the message; the outbox will try again."""


@dataclass(frozen=True)
class Outgoing:
    """One message as a sender sees it."""

    key: str
    kind: str
    recipient_kind: str
    recipient: str
    subject: str
    body: str
    data: Mapping[str, Any] = field(default_factory=dict)
    #: The recipient's e-mail address, when the directory has one.
    email: str | None = None


class Sender(Protocol):
    @property
    def channel(self) -> str: ...

    def can_reach(self, message: Outgoing) -> bool: ...

    def send(self, message: Outgoing) -> None: ...


@dataclass(frozen=True)
class SmtpSender:
    """E-mail through an SMTP server (`smtplib`), to the recipient's address in the directory."""

    host: str
    port: int = 25
    sender: str = "offduty@localhost"
    timeout_s: float = 10.0
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    channel: str = "email"

    def can_reach(self, message: Outgoing) -> bool:
        return bool(message.email)

    def send(self, message: Outgoing) -> None:
        if not message.email:
            raise DeliveryError(f"no e-mail address for {message.recipient_kind} {message.recipient}")
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.email
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = f"<{message.key}@offduty>"
        email[IDEMPOTENCY_HEADER] = message.key
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Offduty-Signature` header value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float | None = None,
                     tolerance_s: float = SIGNATURE_TOLERANCE_S) -> bool:
    """Does `header` sign `body` with `secret`, recently enough? (For receivers.)"""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


@dataclass(frozen=True)
class WebhookSender:
    """A JSON POST to one URL per agency, signed with HMAC-SHA256; 2xx is delivered."""

    url: str
    secret: str = field(repr=False)
    timeout_s: float = 10.0
    channel: str = "webhook"

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http:// or https://, not {self.url!r}")
        if not self.secret:
            raise ValueError("a webhook needs a signing secret")

    def can_reach(self, message: Outgoing) -> bool:
        return True

    def payload(self, message: Outgoing) -> bytes:
        return json.dumps({"id": message.key, "kind": message.kind,
                           "recipient": {"kind": message.recipient_kind, "id": message.recipient,
                                         "email": message.email},
                           "subject": message.subject, "body": message.body, "data": dict(message.data)},
                          separators=(",", ":"), sort_keys=True).encode()

    def send(self, message: Outgoing) -> None:
        body = self.payload(message)
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: message.key,
            SIGNATURE_HEADER: sign(self.secret, int(time.time()), body),
            "User-Agent": "offduty-outbox",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"webhook {self.url}: HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"webhook {self.url}: {type(exc).__name__}: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {status}")


@dataclass(frozen=True)
class LogSender:
    """The channel of last resort when no sender is configured: the notice goes to the log."""

    channel: str = "log"

    def can_reach(self, message: Outgoing) -> bool:
        return True

    def send(self, message: Outgoing) -> None:
        log.info("notice %s to %s %s: %s", message.key, message.recipient_kind, message.recipient,
                 message.subject)
