"""Factory fixtures: callables with sensible defaults."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.accounts.services import ensure_unit, issue_token
from elearn.extensions import db

PASSWORD = "kata-sandi-uji-2026"
_serial = itertools.count(1)



def _nip_for(serial: int) -> str:
    # Vary the birth day and serial so thousands of users get distinct NIPs.
    day = 1 + serial % 28
    return f"198503{day:02d}2010011{serial % 1000:03d}"


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """``make_user(username=..., role=..., unit=..., password=...)`` -> a committed User.

    Uses the fast hash so tests stay quick; sign-in works the same.
    """

    def make(
        username: str | None = None,
        *,
        role: str = "learner",
        unit: str | None = "Pemerintah Kota Sorong/Dinas Kesehatan",
        password: str = PASSWORD,
        must_change_password: bool = False,
        nip: str | None = None,
        name: str | None = None,
        **fields: Any,
    ) -> User:
        serial = next(_serial)
        username = username or f"user{serial}"
        user = User(
            username=username,
            name=name or username.title(),
            role=role,
            nip=nip if nip is not None else (_nip_for(serial) if role == "learner" else None),
            password_hash=hashing.hash_generated_password(password),
            must_change_password=must_change_password,
            unit=ensure_unit(unit) if unit else None,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], dict[str, str]]:
    """``token_for(user)`` -> the Authorization header of a fresh bearer token."""

    def make(user: User) -> dict[str, str]:
        token, _row = issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def login(app: Flask) -> Callable[[FlaskClient, User], None]:
    """``login(client, user)`` signs the client in (without a form post)."""

    def sign_in(client: FlaskClient, user: User) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    return sign_in
