"""Sending the outbox by SMTP (``elearn mail send``, run by cron every minute).

Mail is written to ``outgoing_mail`` in the transaction that caused it and sent here, after that
transaction committed, by whichever sender claims it first: a claim is an atomic update committed at
once, so several senders (one per app server's cron) never send one mail twice, and a sender that dies
holding a claim only delays its mail until the claim expires. A row is deleted once the SMTP server took
it (at least once: a crash between the server's answer and the delete sends that mail again). A mail
that keeps failing is tried again later, at most ``MAX_ATTEMPTS`` times, then kept as failed.
"""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from elearn.accounts.models import User
from elearn.core.time import now
from elearn.extensions import db
from elearn.notifications.kinds import link_of, message_of
from elearn.notifications.models import Notification, OutgoingMail

#: How long a sender holds the mail it claimed (far longer than sending a batch takes).
CLAIM = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
SMTP_TIMEOUT = 30


@dataclass
class SendResult:
    """What one run of the sender did."""

    sent: int = 0
    dropped: int = 0  # the person has no email address (any more) or was deactivated
    failed: int = 0  # tried again later
    errors: list[str] = field(default_factory=list)


def sender_address() -> str:
    """``ELEARN_MAIL_FROM``, else ``elearn ASN <noreply@`` the host of ``ELEARN_BASE_URL`` ``>``."""
    configured = current_app.config.get("ELEARN_MAIL_FROM")
    if configured:
        return str(configured)
    host = urlsplit(current_app.config["ELEARN_BASE_URL"]).hostname or "localhost"
    return f"elearn ASN <noreply@{host}>"


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email: on ``ELEARN_BASE_URL``, never on whatever host a request named."""
    base = current_app.config["ELEARN_BASE_URL"]
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


def _claim(batch: int) -> list[int]:
    """Claim up to ``batch`` unsent mails (committed at once, on a connection of its own)."""
    token = secrets.token_hex(8)
    moment = now()
    table: Any = OutgoingMail.__table__
    free = or_(table.c.claimed_until.is_(None), table.c.claimed_until < moment)
    with db.engine.begin() as connection:
        ids = list(
            connection.scalars(
                select(table.c.id).where(table.c.failed_at.is_(None), free).order_by(table.c.id).limit(batch)
            )
        )
        if not ids:
            return []
        # The same condition again: a row another sender claimed meanwhile is not taken twice.
        connection.execute(
            update(table)
            .where(table.c.id.in_(ids), table.c.failed_at.is_(None), free)
            .values(claimed_until=moment + CLAIM, claimed_by=token)
        )
        mine = list(connection.scalars(select(table.c.id).where(table.c.claimed_by == token).order_by(table.c.id)))
    return mine


def _connect() -> smtplib.SMTP:
    """An SMTP connection to ``ELEARN_SMTP_URL`` (signed in when the URL names a user)."""
    parts = urlsplit(current_app.config["ELEARN_SMTP_URL"])
    host = parts.hostname or "localhost"
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, parts.port or (587 if parts.scheme == "smtp+starttls" else 25), timeout=SMTP_TIMEOUT)
        if parts.scheme == "smtp+starttls":
            smtp.starttls(context=context)
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


def notification_mail(notification: Notification, user: User) -> tuple[str, str]:
    """The subject and text of a notification's email, in the person's language."""
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        message = message_of(notification.kind, notification.params or {})
        link = link_of(notification.kind, notification.params or {})
        lines = [_("Yth. %(name)s,", name=user.name), "", message, ""]
        if link is not None:
            lines += [_("Buka: %(url)s", url=absolute_url(link[0], **link[1])), ""]
        lines += [
            _("Semua pemberitahuan Anda: %(url)s", url=absolute_url("notifications.index")),
            "",
            "-- ",
            _("elearn ASN · email ini dikirim otomatis; mohon tidak membalasnya."),
        ]
        subject = _("elearn ASN: %(message)s", message=message)
    return subject[:300], "\n".join(lines)


def _message(to_address: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address()
    message["To"] = to_address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(current_app.config["ELEARN_BASE_URL"]).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
    message.set_content(body)
    return message


def _compose(mail: OutgoingMail) -> EmailMessage | None:
    """The email of an outbox row, or None when there is nobody to send it to."""
    if mail.notification_id is None:
        if not mail.to_address:
            return None
        return _message(mail.to_address, mail.subject or "", mail.body or "")
    found = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id == mail.notification_id)
    ).first()
    if found is None or not found[1].email or not found[1].is_active:
        return None
    notification, user = found
    subject, body = notification_mail(notification, user)
    return _message(user.email or "", subject, body)


def send_pending(batch: int = 200) -> SendResult:
    """Send what the outbox holds, ``batch`` mails per claim, until it is empty (or only failures are left)."""
    result = SendResult()
    if not current_app.config.get("ELEARN_SMTP_URL"):
        return result
    while True:
        ids = _claim(batch)
        if not ids:
            return result
        _send_claimed(ids, result)
        db.session.commit()
        if len(ids) < batch:
            return result


def _send_claimed(ids: list[int], result: SendResult) -> None:
    smtp: smtplib.SMTP | None = None
    try:
        for mail in db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(ids)).order_by(OutgoingMail.id)):
            message = _compose(mail)
            if message is None:
                db.session.delete(mail)
                result.dropped += 1
                continue
            try:
                smtp = smtp or _connect()
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                _failed(mail, error, result)
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    _quit(smtp)  # the connection may be broken: a new one for the next mail
                    smtp = None
                continue
            db.session.delete(mail)
            result.sent += 1
            db.session.commit()  # taken by the server: never sent again, whatever happens next
    finally:
        _quit(smtp)


def _failed(mail: OutgoingMail, error: Exception, result: SendResult) -> None:
    mail.attempts += 1
    mail.last_error = f"{error.__class__.__name__}: {error}"[:500]
    mail.claimed_by = None
    # Tried again later, waiting longer each time (5, 10, 20... minutes).
    mail.claimed_until = now() + dt.timedelta(minutes=5 * 2 ** min(mail.attempts - 1, 6))
    if mail.attempts >= MAX_ATTEMPTS:
        mail.failed_at = now()
    result.failed += 1
    result.errors.append(mail.last_error)


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
