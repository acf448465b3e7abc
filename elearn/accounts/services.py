"""Account use cases: sign-in, passwords, tokens, units, users.

Services flush and never commit; the adapter (view, API, CLI) commits once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select

from elearn.accounts import hashing
from elearn.accounts.csvrows import UserRow
from elearn.accounts.models import ApiToken, PasswordReset, Unit, User, WebSession
from elearn.accounts.passwords import MIN_PASSWORD_LENGTH, password_problem_codes
from elearn.accounts.throttle import PASSWORD_CHECKS_PER_CLIENT, Reservation, get_throttle
from elearn.core.database import chunks, prebuilt
from elearn.core.limits import allowed
from elearn.core.revisions import CONTENT, remember, revision_of
from elearn.core.time import now
from elearn.errors import DomainError, Invalid, TooManyAttempts
from elearn.extensions import db
from elearn.notifications.services import unread_count_column

TOKEN_LIFETIME = dt.timedelta(days=30)
#: How long a signed-in browser stays signed in (ELEARN_SESSION_HOURS overrides it).
SESSION_LIFETIME = dt.timedelta(days=7)


class InvalidCredentials(DomainError):
    """Wrong username or password."""

    status = 401
    code = "invalid_credentials"


def normalize_username(username: str) -> str:
    """Usernames are case-insensitive: stored and looked up in lower case."""
    return username.strip().lower()


def _guarded_check(username: str, stored_hash: str, password: str, client: str | None) -> tuple[bool, Reservation]:
    """Check a password guess within the limits: the client's rate, then the username's lockout.

    Returns whether it was right and the failure reserved for it (give it back on success).
    Both limits are counted before the slow check, atomically, on every app server.
    """
    if client is not None and not allowed(PASSWORD_CHECKS_PER_CLIENT, client):
        raise TooManyAttempts(_("Terlalu banyak percobaan dari alamat ini. Coba lagi dalam satu menit."))
    reservation = get_throttle().reserve(username)
    if reservation is None:
        raise TooManyAttempts(_("Terlalu banyak percobaan masuk. Coba lagi setelah 15 menit."))
    return hashing.verify_password(stored_hash, password), reservation


def authenticate(username: str, password: str, *, client: str | None = None) -> User:
    """The user these credentials belong to, or ``InvalidCredentials``/``TooManyAttempts``.

    ``client`` is the caller's address (the per-client limit). Failures are counted
    on a connection of their own, so they hold whatever the request does next.
    """
    name = normalize_username(username)
    user = db.session.scalar(select(User).where(User.username == name)) if name else None
    stored = user.password_hash if user is not None else hashing.dummy_hash()
    right, reservation = _guarded_check(name, stored, password, client)
    if not right or user is None or not user.is_active:
        raise InvalidCredentials(_("Nama pengguna atau kata sandi salah."))
    get_throttle().give_back(reservation)
    if hashing.needs_rehash(user.password_hash):
        user.password_hash = hashing.hash_password(password)
    return user


def change_password(
    user: User, current: str, new: str, *, keep_token: str | None = None, client: str | None = None
) -> None:
    """Replace ``user``'s password after checking the current one and the new one's strength.

    Every other API token and every other signed-in browser stops working
    (the caller's own token or web session is kept).
    """
    fields: dict[str, str] = {}
    # A wrong current password is a guess like a wrong sign-in: limited and counted the same way.
    right, reservation = _guarded_check(user.username, user.password_hash, current, client)
    if right:
        get_throttle().give_back(reservation)
    else:
        fields["current"] = _("Kata sandi saat ini salah.")
    problems = password_rule_messages(new, username=user.username, current=current if right else None)
    if problems:
        fields["new"] = " ".join(problems)
    if fields:
        raise Invalid(_("Kata sandi tidak dapat diganti."), fields=fields)
    user.password_hash = hashing.hash_password(new)
    user.must_change_password = False
    revoke = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_token is not None:
        revoke = revoke.where(ApiToken.token_hash != hashing.token_digest(keep_token))
    db.session.execute(revoke)
    sign_out = delete(WebSession).where(WebSession.user_id == user.id)
    if user.session_token:
        sign_out = sign_out.where(WebSession.token_hash != hashing.token_digest(user.session_token))
    db.session.execute(sign_out)
    db.session.flush()


def start_web_session(user: User, lifetime: dt.timedelta = SESSION_LIFETIME) -> str:
    """A new server-side session for a browser that just signed in; returns its secret (for the cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(WebSession(user_id=user.id, token_hash=hashing.token_digest(token), expires_at=now() + lifetime))
    db.session.flush()
    user.session_token = token
    return token


def user_for_web_session(token: str) -> User | None:
    """The active user of a live web session, in one query; None when it ended or expired.

    The same query counts the person's unread notifications (the header's bell), so that no page
    pays a query for it."""
    if not token or len(token) > 100:
        return None
    statement = prebuilt(
        "user-for-web-session",
        lambda: (
            select(User, revision_of(CONTENT), unread_count_column(User.id))
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == bindparam("digest"), WebSession.expires_at > bindparam("now"))
        ),
    )
    found = db.session.execute(statement, {"digest": hashing.token_digest(token), "now": now()}).first()
    if found is None or not found[0].is_active:
        return None
    user, revision, unread = found
    remember(CONTENT, revision)  # the hot paths' caches need it: read in the same round trip
    user.session_token = token
    user.unread_notifications = int(unread or 0)
    return user


def end_web_session(token: str | None) -> None:
    """Sign a browser out on the server: its cookie stops working at once."""
    if token:
        db.session.execute(delete(WebSession).where(WebSession.token_hash == hashing.token_digest(token)))


def password_rule_messages(password: str, *, username: str, current: str | None = None) -> list[str]:
    """Why a chosen password is refused, in the interface's language (empty: acceptable)."""
    texts = {
        "blank": _("Kata sandi tidak boleh hanya berisi spasi."),
        "too_short": _("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH),
        "too_common": _("Kata sandi ini terlalu umum dan mudah ditebak."),
        "is_username": _("Kata sandi tidak boleh sama dengan nama pengguna."),
        "contains_username": _("Kata sandi tidak boleh memuat nama pengguna."),
        "same_as_current": _("Kata sandi baru harus berbeda dari kata sandi saat ini."),
    }
    return [texts[code] for code in password_problem_codes(password, username=username, current=current)]


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token for ``user``: the secret (shown once) and its row."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hashing.token_digest(token), expires_at=now() + TOKEN_LIFETIME)
    db.session.add(row)
    db.session.flush()
    return token, row


def user_for_token(token: str) -> User | None:
    """The active user a valid, unexpired token belongs to, else None (one query)."""
    if len(token) > 100:
        return None
    statement = prebuilt(
        "user-for-token",
        lambda: (
            select(User, ApiToken.expires_at, revision_of(CONTENT))
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("digest"))
        ),
    )
    found = db.session.execute(statement, {"digest": hashing.token_digest(token)}).first()
    if found is None or found[1] <= now() or not found[0].is_active:
        return None
    remember(CONTENT, found[2])  # the hot paths' caches need it: read in the same round trip
    return found[0]


def revoke_token(token: str) -> None:
    """Make ``token`` stop working at once."""
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == hashing.token_digest(token)))


def purge_expired_credentials() -> dict[str, int]:
    """Delete expired API tokens, web sessions and password-reset links and stale sign-in failures (the
    periodic sweep)."""
    from elearn.accounts.throttle import purge_stale_failures

    moment = now()
    tokens: Any = db.session.execute(delete(ApiToken).where(ApiToken.expires_at <= moment))
    sessions: Any = db.session.execute(delete(WebSession).where(WebSession.expires_at <= moment))
    resets: Any = db.session.execute(delete(PasswordReset).where(PasswordReset.expires_at <= moment))
    return {
        "api tokens": int(tokens.rowcount or 0),
        "web sessions": int(sessions.rowcount or 0),
        "sign-in failures": purge_stale_failures(),
        "password-reset links": int(resets.rowcount or 0),
    }


def ensure_unit(path: str, cache: dict[str, Unit] | None = None) -> Unit:
    """The unit at ``path`` (``A/B/C``), creating it and its parents as needed."""
    cache = cache if cache is not None else {}
    parent: Unit | None = None
    parts = [p.strip() for p in path.split("/") if p.strip()]
    for depth in range(1, len(parts) + 1):
        sub_path = "/".join(parts[:depth])
        unit = cache.get(sub_path) or db.session.scalar(select(Unit).where(Unit.path == sub_path))
        if unit is None:
            unit = Unit(name=parts[depth - 1], path=sub_path, parent=parent)
            db.session.add(unit)
            db.session.flush()
        cache[sub_path] = unit
        parent = unit
    if parent is None:
        raise Invalid(_("Unit kosong."), fields={"unit": _("Unit kosong.")})
    return parent


class ImportFailed(DomainError):
    """A users import refused; ``errors`` are ``FILE:LINE: message`` lines."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _set_password(user: User, password: str | None) -> str | None:
    """Set a chosen password, or generate a one-time one (returned) that must be changed."""
    if password:
        user.password_hash = hashing.hash_password(password)
        user.must_change_password = False
        return None
    generated = hashing.generate_password()
    user.password_hash = hashing.hash_generated_password(generated)
    user.must_change_password = True
    return generated


def import_users(rows: list[UserRow], path: str) -> tuple[int, int, list[tuple[str, str]]]:
    """Create or update users from checked CSV rows, all or nothing.

    Returns (created, updated, [(username, generated password)]). Raises
    ``ImportFailed`` with every conflict against existing users.
    """
    errors = nip_conflicts(rows, path)
    if errors:
        raise ImportFailed(errors)
    existing = _users_by_username([r.username for r in rows])
    units: dict[str, Unit] = {}
    created, generated = 0, []
    for row in rows:
        user = existing.get(row.username)
        is_new = user is None
        user = user or User(username=row.username)
        _apply_row(user, row, units)
        if is_new or row.password:
            one_time = _set_password(user, row.password)
            if one_time:
                generated.append((row.username, one_time))
        if is_new:
            db.session.add(user)  # only once complete: unit look-ups autoflush
            created += 1
    db.session.flush()
    return created, len(rows) - created, generated


def nip_conflicts(rows: list[UserRow], path: str) -> list[str]:
    """``FILE:LINE`` errors for rows whose NIP belongs to another existing user."""
    nip_owner = _nip_owners([r.nip for r in rows if r.nip])
    return [
        f"{path}:{row.line}: NIP {row.nip} already belongs to user {nip_owner[row.nip]}"
        for row in rows
        if row.nip and nip_owner.get(row.nip, row.username) != row.username
    ]


def _apply_row(user: User, row: UserRow, units: dict[str, Unit]) -> None:
    user.nip = row.nip or user.nip
    user.name = row.name
    user.email = row.email or None
    user.position = row.position or None
    user.role = row.role
    user.unit = ensure_unit(row.unit, units) if row.unit else None


def existing_usernames(usernames: list[str]) -> list[str]:
    """Which of ``usernames`` already belong to someone."""
    return list(_users_by_username(usernames))


def _users_by_username(usernames: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for chunk in chunks(usernames):
        found.update((u.username, u) for u in db.session.scalars(select(User).where(User.username.in_(chunk))))
    return found


def _nip_owners(nips: list[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for chunk in chunks(nips):
        rows = db.session.execute(select(User.nip, User.username).where(User.nip.in_(chunk)))
        owners.update({nip: name for nip, name in rows if nip})
    return owners


def create_user(row: UserRow) -> tuple[User, str | None]:
    """Create or update one user (``elearn users create``); returns a generated password if any."""
    _created, _updated, generated = import_users([row], "<command line>")
    user = db.session.scalar(select(User).where(User.username == row.username))
    assert user is not None  # noqa: S101 - just written
    return user, generated[0][1] if generated else None
