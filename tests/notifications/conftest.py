"""A real SMTP server for the mail tests (aiosmtpd, on a free local port, started per test)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


@dataclass
class Inbox:
    """What the SMTP server received: one parsed message per mail, and the envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        """aiosmtpd's hook: keep the message."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def texts(self) -> list[str]:
        """The plain-text body of every message."""
        return [message.get_content() for message in self.messages]


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A local SMTP server; the app's ``ELEARN_SMTP_URL`` points at it for the test."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start-up check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setitem(app.config, "ELEARN_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setitem(app.config, "ELEARN_BASE_URL", "https://elearn.sorongkota.go.id")
        monkeypatch.setitem(app.config, "ELEARN_MAIL_FROM", "elearn ASN <elearn@sorongkota.go.id>")
        yield inbox
    finally:
        controller.stop()
