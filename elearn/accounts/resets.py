"""Forgotten passwords: a single-use, expiring link by email when the person has an address and SMTP
is configured; otherwise the person asks their coordinator for a one-time password (people/services).

The answer to a request never says whether an account exists or has an address (no enumeration): the
same page, whatever was typed. Requests are rate limited per client address and, silently, per account.
Only the SHA-256 of a link's token is stored; the link is sent through the outbox after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from elearn.accounts import hashing
from elearn.accounts.models import ApiToken, PasswordReset, User, WebSession
from elearn.accounts.services import normalize_username, password_rule_messages
from elearn.core.limits import Limit, allowed
from elearn.core.time import now
from elearn.errors import Invalid, NotFound, TooManyAttempts
from elearn.extensions import db
from elearn.notifications.mail import absolute_url
from elearn.notifications.services import mail_configured, queue_mail

#: How long a reset link works.
RESET_LIFETIME = dt.timedelta(hours=1)
#: Reset requests one client address may make (whatever accounts it names).
REQUESTS_PER_CLIENT = Limit("password-reset-client", 10, dt.timedelta(minutes=15))
#: Reset emails one account receives (more requests are answered the same, and send nothing).
MAILS_PER_ACCOUNT = Limit("password-reset-account", 3, dt.timedelta(hours=1))


class ResetLinkInvalid(NotFound):
    """A reset link that is unknown, used or expired."""

    code = "reset_link_invalid"


def _account(identifier: str) -> User | None:
    """The account a person named by username or NIP (spaces in a NIP ignored)."""
    name = normalize_username(identifier)
    nip = "".join(identifier.split())
    if not name:
        return None
    condition = User.username == name
    if nip.isdigit():
        condition = or_(condition, User.nip == nip)
    return db.session.scalars(select(User).where(condition).limit(1)).first()


def request_reset(identifier: str, *, client: str) -> None:
    """Send a reset link to the account named by ``identifier`` when it exists, is active and has an email
    address, and mail is configured; otherwise do nothing, silently."""
    if not allowed(REQUESTS_PER_CLIENT, client):
        raise TooManyAttempts(_("Terlalu banyak permintaan dari alamat ini. Coba lagi dalam 15 menit."))
    if not mail_configured():
        return
    user = _account(identifier)
    if user is None or not user.is_active or not user.email or not allowed(MAILS_PER_ACCOUNT, str(user.id)):
        return
    token = secrets.token_urlsafe(32)
    digest = hashing.token_digest(token)
    db.session.add(PasswordReset(user_id=user.id, token_hash=digest, expires_at=now() + RESET_LIFETIME))
    link = absolute_url("accounts.reset_password", token=token)
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("elearn ASN: atur ulang kata sandi")
        body = "\n".join(
            [
                _("Yth. %(name)s,", name=user.name),
                "",
                _("Ada permintaan untuk mengatur ulang kata sandi akun %(username)s.", username=user.username),
                _("Buka tautan ini dalam 1 jam untuk memilih kata sandi baru (hanya dapat dipakai sekali):"),
                "",
                link,
                "",
                _("Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah."),
                "",
                "-- ",
                _("elearn ASN · email ini dikirim otomatis; mohon tidak membalasnya."),
            ]
        )
    queue_mail(user.email, subject, body)


def _live(token: str) -> tuple[PasswordReset, User] | None:
    if not token or len(token) > 100:
        return None
    found = db.session.execute(
        select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(
            PasswordReset.token_hash == hashing.token_digest(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now(),
        )
    ).first()
    if found is None or not found[1].is_active:
        return None
    return found[0], found[1]


def reset_user(token: str) -> User:
    """The person a live reset link belongs to; ``ResetLinkInvalid`` when it is unknown, used or expired."""
    found = _live(token)
    if found is None:
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku lagi: sudah dipakai atau lewat 1 jam. Minta tautan baru."))
    return found[1]


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link (the password rules apply); the link and every other link
    of the person stop working, and every session and API token of the person ends."""
    found = _live(token)
    if found is None:
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku lagi: sudah dipakai atau lewat 1 jam. Minta tautan baru."))
    reset, user = found
    problems = password_rule_messages(new, username=user.username)
    if problems:
        raise Invalid(_("Kata sandi tidak dapat diganti."), fields={"new": " ".join(problems)})
    moment = now()
    # Single use even when the link is opened twice at once: only one update finds it unused.
    used = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    if not getattr(used, "rowcount", 0):
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku lagi: sudah dipakai atau lewat 1 jam. Minta tautan baru."))
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    user.password_hash = hashing.hash_password(new)
    user.must_change_password = False
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    return user
