"""Sign-out ends the session on the server; password guessing is limited per client and per username,
atomically and on every app server; the periodic sweep forgets what expired."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import ApiToken, LoginFailure, User, WebSession
from elearn.accounts.throttle import MAX_FAILURES, PASSWORD_CHECKS_PER_CLIENT
from elearn.core.markup import host_allowed
from elearn.core.models import RateCounter
from elearn.extensions import db
from tests.factories import PASSWORD, csrf_from

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):  # noqa: ANN201
    token = csrf_from(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_session_cookie_copied_before_sign_out_stops_working(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti")
    sign_in(client, "siti")
    copied = session_cookie(client)
    assert client.post("/logout", data={"csrf_token": csrf_from(client, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302  # back to the sign-in page
    assert db.session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_a_session_has_an_explicit_lifetime_on_the_server_and_in_the_cookie(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    clock(NOW)
    make_user("siti")
    response = sign_in(client, "siti")
    assert "Expires=" in response.headers["Set-Cookie"]
    assert client.get("/").status_code == 200
    clock(NOW + app.permanent_session_lifetime + dt.timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_a_password_change_ends_every_other_session_but_keeps_this_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti")
    other = app.test_client()
    sign_in(other, "siti", address="10.0.0.2")
    sign_in(client, "siti")
    token = csrf_from(client, "/account/password")
    new = "Kinerja-Prima-2026"
    data = {"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new}
    assert client.post("/account/password", data=data).status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_forty_concurrent_wrong_passwords_get_exactly_ten_checks(app: Flask, make_user: Callable[..., User]) -> None:
    from tests.conftest import make_test_app

    make_user("siti")
    # 40 threads at once, each with its request's connection and one for counting.
    server = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 90})

    def guess(n: int) -> int:
        response = server.test_client().post(
            "/api/v1/auth/token",
            json={"username": "siti", "password": f"salah-sekali-{n}"},
            environ_base={"REMOTE_ADDR": f"10.1.0.{n}"},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(guess, range(40)))
    with server.app_context():
        db.engine.dispose()
    assert statuses.count(401) == MAX_FAILURES
    assert statuses.count(429) == 40 - MAX_FAILURES
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == MAX_FAILURES


def test_one_address_may_start_only_so_many_password_checks_a_minute(
    app: Flask, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    clock(NOW)
    for n in range(3):
        make_user(f"pegawai{n}")
    client = app.test_client()

    def token(username: str, address: str) -> int:
        body = {"username": username, "password": PASSWORD}
        return client.post("/api/v1/auth/token", json=body, environ_base={"REMOTE_ADDR": address}).status_code

    statuses = [token(f"pegawai{n % 3}", "10.2.0.1") for n in range(PASSWORD_CHECKS_PER_CLIENT.count)]
    assert statuses == [200] * PASSWORD_CHECKS_PER_CLIENT.count
    assert token("pegawai0", "10.2.0.1") == 429  # the right password, but this address is flooding
    assert token("pegawai0", "10.2.0.2") == 200  # another address is not affected
    clock(NOW + PASSWORD_CHECKS_PER_CLIENT.per)
    assert token("pegawai0", "10.2.0.1") == 200


def test_wrong_current_passwords_count_with_the_sign_in_lockout(
    client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]]
) -> None:
    user = make_user("siti")
    headers = token_for(user)
    new = "Kinerja-Prima-2026"
    for _ in range(MAX_FAILURES):
        wrong = client.post("/api/v1/me/password", json={"current": "salah-sekali-1", "new": new}, headers=headers)
        assert wrong.status_code == 422
        assert "current" in wrong.get_json()["error"]["fields"]
    right = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": new}, headers=headers)
    assert right.status_code == 429
    signing_in = client.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD})
    assert signing_in.status_code == 429


@pytest.mark.parametrize(
    ("new", "field_says"),
    [
        (PASSWORD, "berbeda dari kata sandi saat ini"),
        ("siti.aminah-2026", "memuat nama pengguna"),
        (" " * 12, "hanya berisi spasi"),
    ],
)
def test_a_new_password_like_the_current_one_the_username_or_blank_is_refused(
    client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]], new: str,
    field_says: str,
) -> None:
    headers = token_for(make_user("siti.aminah"))
    response = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": new}, headers=headers)
    assert response.status_code == 422
    assert field_says in response.get_json()["error"]["fields"]["new"]


def test_media_refuses_a_token_whose_user_must_change_the_one_time_password(
    client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(make_user("siti", must_change_password=True))
    response = client.get("/media/TST-1/gambar.svg", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "password_change_required"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://video.contoh.go.id/embed/1", True),
        ("https://VIDEO.contoh.go.id/embed/1", True),
        ("https://evil.example\\@video.contoh.go.id/", False),
        ("https://evil.example\\video.contoh.go.id/", False),
        ("https://user@video.contoh.go.id/", False),
        ("https://video.contoh.go.id:8443/", False),
        ("https://video.contoh.go.id\t.evil/", False),
        ("http://video.contoh.go.id/", False),
        ("https://video.contoh.go.id.evil.example/", False),
    ],
)
def test_the_iframe_allow_list_reads_urls_as_browsers_do(url: str, allowed: bool) -> None:
    assert host_allowed(url, ["video.contoh.go.id"]) is allowed


def test_allowed_frame_hosts_are_in_the_content_security_policy(tmp_path: object) -> None:
    from tests.conftest import make_test_app

    with_hosts = make_test_app("sqlite://", ELEARN_IFRAME_HOSTS="video.contoh.go.id, www.youtube-nocookie.com")
    without = make_test_app("sqlite://")
    policy = with_hosts.test_client().get("/login").headers["Content-Security-Policy"]
    assert "frame-src https://video.contoh.go.id https://www.youtube-nocookie.com" in policy
    assert "frame-src 'none'" in without.test_client().get("/login").headers["Content-Security-Policy"]


def test_the_sweep_purges_expired_tokens_sessions_failures_and_rate_windows(
    app: Flask, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    clock(NOW)
    user = make_user("siti")
    client = app.test_client()
    client.post("/api/v1/auth/token", json={"username": "siti", "password": "salah-sekali-1"})
    assert client.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD}).status_code == 200
    sign_in(app.test_client(), "siti")
    clock(NOW + dt.timedelta(days=40))
    fresh = app.test_client()
    assert fresh.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD}).status_code == 200
    result = app.test_cli_runner().invoke(args=["certificates", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 api tokens purged, 1 web sessions purged, 1 sign-in failures purged" in result.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 1
    # Left: this minute's window of the per-client limit and the username's lockout row of the fresh sign-in.
    assert db.session.scalar(select(func.count()).select_from(RateCounter)) == 2
