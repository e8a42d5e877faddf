"""Real receivers on loopback for the outbox tests: an SMTP server (aiosmtpd) that can be
stopped and started on the same port, and an HTTP webhook receiver that can be told to fail."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from offduty.service.notify.senders import SIGNATURE_HEADER, verify_signature


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`; `stop()` makes the port refuse connections, `start()` again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = _Inbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        with self.inbox.lock:
            return list(self.inbox.messages)


@dataclass
class WebhookReceiver:
    """An HTTP server that answers 500 to the first `fail_first` requests, then 200 and keeps what
    it accepted (with a valid signature) by idempotency key."""

    secret: str
    fail_first: int = 0
    requests: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0

    def __post_init__(self) -> None:
        receiver = self
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests += 1
                    failing = receiver.requests <= receiver.fail_first
                    if not failing:
                        if verify_signature(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body):
                            receiver.accepted.append({"key": self.headers.get("Idempotency-Key"),
                                                      **json.loads(body)})
                        else:
                            receiver.bad_signatures += 1
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/offduty"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
