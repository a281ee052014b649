"""A real SMTP server on loopback (aiosmtpd) for the tests: it keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    to: str
    subject: str
    body: str
    sender: str


@dataclass
class Inbox:
    """Every message the server accepted, one per recipient address."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with self.lock:
            for to in envelope.rcpt_tos:
                self.received.append(Received(to, str(message["Subject"]).strip(), text, str(message["From"])))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(inbox: Any = None) -> Iterator[tuple[Any, int]]:
    """An SMTP server on 127.0.0.1 at a free port, for the time of the block: (its inbox, its port). ``inbox``
    is the handler (an Inbox unless given); one that holds its answers (``holding``) is let go before the stop."""
    inbox = Inbox() if inbox is None else inbox
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        if hasattr(inbox, "holding"):
            inbox.holding = False
        controller.stop()
