"""Delivery of notifications: the senders the outbox uses (SMTP e-mail, signed webhooks)."""

from offduty.service.notify.senders import (
    DeliveryError,
    Outgoing,
    Sender,
    SmtpSender,
    WebhookSender,
    sign,
    verify_signature,
)

__all__ = ["DeliveryError", "Outgoing", "Sender", "SmtpSender", "WebhookSender", "sign", "verify_signature"]
