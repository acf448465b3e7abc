"""Forgotten passwords: a single-use, expiring emailed link when mail and an address exist; otherwise
the way to the coordinator's one-time password. No answer tells whether an account exists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import PasswordReset, User, WebSession
from elearn.extensions import db
from elearn.notifications.mail import send_pending
from tests.factories import csrf_from

from .conftest import Inbox

Login = Callable[[FlaskClient, User], None]
NEW = "kata-sandi-baru-yang-panjang"


def ask(client: FlaskClient, identifier: str) -> tuple[int, str]:
    token = csrf_from(client, "/login/forgot")
    answer = client.post("/login/forgot", data={"csrf_token": token, "identifier": identifier})
    return answer.status_code, answer.get_data(as_text=True)


def test_the_sign_in_page_leads_to_the_forgotten_password_page(client: FlaskClient) -> None:
    assert 'href="/login/forgot">Lupa kata sandi?</a>' in client.get("/login").get_data(as_text=True)


def test_without_mail_the_page_sends_people_to_their_coordinator(client: FlaskClient) -> None:
    page = client.get("/login/forgot").get_data(as_text=True)
    assert "koordinator unit" in page and "kata sandi sekali pakai" in page
    assert 'name="identifier"' not in page


def test_a_reset_link_works_once_and_signs_every_device_out(
    client: FlaskClient, make_user: Callable[..., User], smtp_server: Inbox, login: Login, app: Flask
) -> None:
    siti = make_user("siti", email="siti@sorongkota.go.id")
    make_user("tanpaemail")
    other = app.test_client()
    login(other, siti)  # another device, signed in
    answers = {name: ask(client, name) for name in ("siti", "tanpaemail", "tidakada")}
    pages = {name: re.sub(r'value="[^"]+"', "", html) for name, (_status, html) in answers.items()}
    assert {status for status, _html in answers.values()} == {200}
    assert pages["siti"] == pages["tanpaemail"] == pages["tidakada"]  # no enumeration
    assert send_pending().sent == 1
    [message] = smtp_server.messages
    assert smtp_server.recipients == [["siti@sorongkota.go.id"]]
    link = re.search(r"https://elearn\.sorongkota\.go\.id(/login/reset/\S+)", message.get_content())
    assert link is not None
    path = link.group(1)
    token = path.rsplit("/", 1)[1]
    assert db.session.scalar(select(PasswordReset.token_hash)) != token  # stored hashed
    form = client.get(path)
    assert form.status_code == 200 and "siti" in form.get_data(as_text=True)
    csrf = csrf_from(client, path)
    weak = client.post(path, data={"csrf_token": csrf, "new": "12345", "confirm": "12345"})
    assert weak.status_code == 422 and "minimal 10 karakter" in weak.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf, "new": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert db.session.scalar(select(func.count()).select_from(WebSession).where(WebSession.user_id == siti.id)) == 0
    assert other.get("/my").status_code == 302  # the other device is signed out
    assert client.get(path).status_code == 404  # single use
    login_form = csrf_from(client, "/login")
    signed_in = client.post("/login", data={"csrf_token": login_form, "username": "siti", "password": NEW})
    assert signed_in.headers["Location"] == "/home"


def test_a_link_expires_after_an_hour(
    client: FlaskClient, make_user: Callable[..., User], smtp_server: Inbox, clock: Callable[[dt.datetime], None]
) -> None:
    start = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    clock(start)
    make_user("siti", email="siti@sorongkota.go.id")
    ask(client, "siti")
    send_pending()
    link = re.search(r"(/login/reset/\S+)", smtp_server.texts()[0])
    assert link is not None
    clock(start + dt.timedelta(minutes=59))
    assert client.get(link.group(1)).status_code == 200
    clock(start + dt.timedelta(minutes=61))
    expired = client.get(link.group(1))
    assert expired.status_code == 404 and 'href="/login/forgot"' in expired.get_data(as_text=True)


def test_requests_are_rate_limited_per_client_and_per_account(
    client: FlaskClient, make_user: Callable[..., User], smtp_server: Inbox
) -> None:
    make_user("siti", email="siti@sorongkota.go.id")
    statuses = [ask(client, "siti")[0] for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    send_pending()
    assert len(smtp_server.messages) == 3  # the account's own limit: silent, the same answer
