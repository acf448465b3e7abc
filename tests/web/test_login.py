"""Web sign-in: CSRF, success, failure, lockout, sign-out, forced password change, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.extensions import db
from tests.factories import PASSWORD, csrf_from


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):  # noqa: ANN201
    token = csrf_from(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def test_a_post_without_csrf_token_is_refused_and_signs_nobody_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti")
    response = client.post("/login", data={"username": "siti", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still anonymous


def test_good_credentials_sign_in_and_land_on_the_home_page(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti")
    response = sign_in(client, "siti")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    page = client.get("/home")
    assert page.status_code == 200
    assert "<title>Beranda" in page.get_data(as_text=True)
    assert "Katalog kursus" in client.get("/").get_data(as_text=True)  # the catalogue keeps its address


def test_next_parameter_is_followed_only_within_the_site(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti")
    token = csrf_from(client, "/login")
    data = {"csrf_token": token, "username": "siti", "password": PASSWORD, "next": "//evil.example/x"}
    assert client.post("/login", data=data).headers["Location"] == "/home"


def test_wrong_password_shows_an_error_in_indonesian(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti")
    response = sign_in(client, "siti", "salah-sekali-123")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah." in html
    assert 'aria-invalid="true"' in html


def test_the_page_lockout_is_shared_with_the_api(
    client: FlaskClient, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    make_user("siti")
    for _ in range(10):
        client.post("/api/v1/auth/token", json={"username": "siti", "password": "salah-sekali-123"})
    response = sign_in(client, "siti")
    assert response.status_code == 429
    assert "15 menit" in response.get_data(as_text=True)


def test_sign_out_ends_the_session(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti")
    sign_in(client, "siti")
    token = csrf_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_one_time_password_sends_the_user_to_change_it_first(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti", must_change_password=True)
    response = sign_in(client, "siti")
    assert response.headers["Location"] == "/account/password"
    assert client.get("/").headers["Location"] == "/account/password"
    token = csrf_from(client, "/account/password")
    weak = client.post(
        "/account/password", data={"csrf_token": token, "current": PASSWORD, "new": "pendek", "confirm": "pendek"}
    )
    assert "10" in weak.get_data(as_text=True)
    new = "Kinerja-Prima-2026"
    done = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


def test_english_can_be_chosen_and_is_kept_on_the_account(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user("siti")
    sign_in(client, "siti")
    token = csrf_from(client, "/")
    switched = client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    assert switched.status_code == 302, switched.get_data(as_text=True)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Course catalogue" in html
    db.session.refresh(user)
    assert user.locale == "en"


def test_pages_stay_indonesian_for_a_browser_asking_for_english(client: FlaskClient) -> None:
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in html
