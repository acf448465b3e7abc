"""Email after commit: the outbox written in the transaction, sent by ``elearn mail send`` to a real
local SMTP server (aiosmtpd), in the person's language, with links on ELEARN_BASE_URL."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.enrolment.services import actor_of, approve, bulk_enrol
from elearn.extensions import db
from elearn.notifications.mail import MAX_ATTEMPTS, send_pending
from elearn.notifications.models import Notification, OutgoingMail
from tests.factories import Scenario

from .conftest import Inbox


def outbox() -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail)) or 0


def test_an_approval_is_mailed_after_commit_by_the_send_command(
    app: Flask, scenario: Scenario, smtp_server: Inbox
) -> None:
    learner = scenario.users["learner_enrolled"]
    learner.email = "peserta@sorongkota.go.id"
    db.session.commit()
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.rollback()  # the transaction that approved is undone: so are its notification and its mail
    assert outbox() == 0
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    assert smtp_server.messages == []  # nothing is sent inside the transaction
    db.session.commit()
    assert outbox() == 1
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    [message] = smtp_server.messages
    assert smtp_server.recipients == [["peserta@sorongkota.go.id"]]
    assert message["From"] == "elearn ASN <elearn@sorongkota.go.id>"
    assert "disetujui" in message["Subject"]
    text = message.get_content()
    assert f"https://elearn.sorongkota.go.id/courses/{scenario.approval_course.code}" in text
    assert "https://elearn.sorongkota.go.id/notifications" in text
    assert outbox() == 0
    assert send_pending().sent == 0  # sent once only


def test_mail_goes_out_in_the_persons_language_and_not_to_people_without_an_address(
    scenario: Scenario, smtp_server: Inbox
) -> None:
    users = scenario.users
    users["learner_not_enrolled"].email = "tamu@example.go.id"
    users["learner_not_enrolled"].locale = "en"
    db.session.commit()
    names = [users["learner_not_enrolled"].username, users["learner_other_unit"].username]
    bulk_enrol(actor_of(users["admin"]), scenario.course, names)
    db.session.commit()
    assert outbox() == 2
    result = send_pending()
    assert (result.sent, result.dropped, result.failed) == (1, 1, 0)
    [message] = smtp_server.messages
    assert message["Subject"].startswith("elearn ASN: You were enrolled")
    assert outbox() == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2  # both still told in the app


def test_a_server_that_does_not_answer_keeps_the_mail_for_later(
    app: Flask, scenario: Scenario, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    monkeypatch.setitem(app.config, "ELEARN_SMTP_URL", f"smtp://127.0.0.1:{port}")
    learner = scenario.users["learner_enrolled"]
    learner.email = "peserta@sorongkota.go.id"
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "1 to try again later" in result.output
    mail = db.session.scalars(select(OutgoingMail)).one()
    assert mail.attempts == 1 and mail.last_error and mail.failed_at is None
    assert send_pending().failed == 0  # not tried again before its wait is over
    assert MAX_ATTEMPTS > 1


def test_without_smtp_the_send_command_says_so_and_nothing_is_written(app: Flask, scenario: Scenario) -> None:
    learner = scenario.users["learner_enrolled"]
    learner.email = "peserta@sorongkota.go.id"
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.commit()
    assert outbox() == 0
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "not set" in result.output
