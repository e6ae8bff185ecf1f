"""A real SMTP server (aiosmtpd) on a free local port, and the service's mail settings pointed at it."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from config import get_settings

PUBLIC_URL = "https://chamcong.tanphu.gov.vn"


@dataclass
class Inbox:
    """What the SMTP server received; `refuse` holds addresses it answers 550 at RCPT."""

    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    hang_up_after_data: set[str] = field(default_factory=set)  # take the message, then drop the line unanswered

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        if self.hang_up_after_data & set(envelope.rcpt_tos):
            server.transport.abort()  # delivered, but the client never hears so
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    box = Inbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    for name, value in (("ATTENDANCE_MAIL__HOST", "127.0.0.1"), ("ATTENDANCE_MAIL__PORT", str(box.port)),
                        ("ATTENDANCE_MAIL__SECURITY", "none"), ("ATTENDANCE_MAIL__SENDER", "cham-cong@tanphu.gov.vn"),
                        ("ATTENDANCE_PUBLIC_URL", PUBLIC_URL)):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield box
    controller.stop()
    monkeypatch.undo()
    get_settings.cache_clear()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def body_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
