"""The outbox's senders against real receivers on loopback (no mocks)."""

from __future__ import annotations

import time

import pytest

from offduty.service.notify.senders import (
    DeliveryError,
    Outgoing,
    SmtpSender,
    WebhookSender,
    sign,
    verify_signature,
)
from tests.service.notify.receivers import SmtpServer, WebhookReceiver, free_port

MESSAGE = Outgoing(key="k-1", kind="assigned", recipient_kind="member", recipient="M1042",
                   subject="New assignment: EV1-S1-gate", body="You are assigned EV1-S1-gate.",
                   data={"position": "EV1-S1-gate"}, email="dana.reyes@example.org")


def test_smtp_delivers_with_the_idempotency_key() -> None:
    server = SmtpServer().start()
    try:
        SmtpSender("127.0.0.1", server.port, sender="sep@example.org").send(MESSAGE)
        (mail,) = server.messages
        assert mail["To"] == "dana.reyes@example.org" and mail["From"] == "sep@example.org"
        assert mail["Message-ID"] == "<k-1@offduty>" and mail["Idempotency-Key"] == "k-1"
        assert mail["Subject"] == MESSAGE.subject
        assert "You are assigned EV1-S1-gate." in mail.get_payload()
    finally:
        server.stop()


def test_smtp_down_raises_delivery_error() -> None:
    sender = SmtpSender("127.0.0.1", free_port(), timeout_s=2)
    with pytest.raises(DeliveryError, match=r"SMTP 127\.0\.0\.1"):
        sender.send(MESSAGE)
    assert not sender.can_reach(Outgoing(**{**MESSAGE.__dict__, "email": None}))


def test_webhook_is_signed_and_2xx_is_delivered() -> None:
    receiver = WebhookReceiver(secret="s3cret")
    try:
        WebhookSender(receiver.url, "s3cret").send(MESSAGE)
        (got,) = receiver.accepted
        assert got["key"] == got["id"] == "k-1" and got["recipient"]["id"] == "M1042"
        assert receiver.bad_signatures == 0
        WebhookSender(receiver.url, "wrong").send(MESSAGE)
        assert receiver.bad_signatures == 1
    finally:
        receiver.close()


def test_webhook_failure_raises_delivery_error() -> None:
    receiver = WebhookReceiver(secret="s", fail_first=1)
    try:
        with pytest.raises(DeliveryError, match="HTTP 500"):
            WebhookSender(receiver.url, "s").send(MESSAGE)
    finally:
        receiver.close()
    with pytest.raises(DeliveryError):
        WebhookSender(receiver.url, "s", timeout_s=2).send(MESSAGE)  # closed: connection refused


def test_signatures() -> None:
    body = b'{"id":"k"}'
    header = sign("key", int(time.time()), body)
    assert verify_signature("key", header, body)
    assert not verify_signature("other", header, body)
    assert not verify_signature("key", header, body + b" ")
    assert not verify_signature("key", sign("key", int(time.time()) - 3600, body), body)
    assert not verify_signature("key", "garbage", body)
    with pytest.raises(ValueError, match="http"):
        WebhookSender("file:///etc/passwd", "s")
