"""Accounts: units (a tree), users, API tokens, sign-in failures."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.models import Base, IdMixin
from elearn.core.time import now


class Unit(IdMixin, Base):
    """An organisational unit; ``path`` is the full path, e.g. ``Kota Sorong/Dinas Kesehatan``.

    Subtree queries use ``path`` prefixes (indexed), so no recursive CTE is needed.
    """

    __tablename__ = "units"

    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")

    def __repr__(self) -> str:
        return f"<Unit {self.path}>"


class User(IdMixin, UserMixin, Base):
    """A person who signs in. ``role`` is the highest granted role; everyone is a learner."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    position: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="learner")
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def session_token(self) -> str | None:
        """The secret of the web session this request came with (set by sign-in and the session loader)."""
        token: str | None = self.__dict__.get("_elearn_session_token")
        return token

    @session_token.setter
    def session_token(self, value: str | None) -> None:
        self.__dict__["_elearn_session_token"] = value

    @property
    def unread_notifications(self) -> int:
        """Unread notifications, counted by the request's session look-up (0 when not counted)."""
        count: int = self.__dict__.get("_elearn_unread_notifications", 0)
        return count

    @unread_notifications.setter
    def unread_notifications(self, value: int) -> None:
        self.__dict__["_elearn_unread_notifications"] = value

    def get_id(self) -> str:
        """Session identity for Flask-Login: the secret of a server-side ``WebSession``,
        so signing out (or a password change, or deactivation) ends it on the server."""
        if not self.session_token:
            raise RuntimeError("no web session: sign in through accounts.services.start_web_session")
        return self.session_token

    @property
    def unit_path(self) -> str | None:
        """The unit path as imported, or None."""
        return self.unit.path if self.unit is not None else None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(IdMixin, Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(IdMixin, Base):
    """A signed-in browser; the cookie holds its secret, the table only its SHA-256.

    Signing out deletes the row, so a copied cookie stops working at once.
    """

    __tablename__ = "web_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class PasswordReset(IdMixin, Base):
    """A password-reset link sent by email: single use, expiring; only the token's SHA-256 is stored."""

    __tablename__ = "password_resets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class LoginFailure(IdMixin, Base):
    """A failed sign-in, counted per username across every app process."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_failed_at", "username", "failed_at"),)

    username: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(default=now)
    #: Set while the password is being checked: a right password deletes the row by it.
    reservation: Mapped[str | None] = mapped_column(String(40), index=True)
