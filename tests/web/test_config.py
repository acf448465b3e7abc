"""Configuration is validated at start-up; production refuses a missing secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from elearn import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="ELEARN_SECRET_KEY is required when ELEARN_ENV=production"):
        create_app({"ELEARN_ENV": "production", "ELEARN_SECRET_KEY": "", "ELEARN_DATABASE_URL": "sqlite://"})


def test_production_turns_on_secure_cookies_and_hsts(tmp_path: Path) -> None:
    app = create_app(
        {
            "ELEARN_ENV": "production",
            "ELEARN_SECRET_KEY": "x" * 48,
            "ELEARN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert "max-age" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ELEARN_ENV": "staging"}, "ELEARN_ENV must be one of"),
        ({"ELEARN_JP_TARGET": "dua puluh"}, "ELEARN_JP_TARGET must be a whole number"),
        ({"ELEARN_TIMEZONE": "Asia/Sorong"}, "ELEARN_TIMEZONE 'Asia/Sorong' is not a known time zone"),
        ({"ELEARN_DATABASE_URL": "mysql://x"}, "ELEARN_DATABASE_URL must be an SQLite or PostgreSQL URL"),
        ({"ELEARN_BASE_URL": "ftp://x"}, "ELEARN_BASE_URL must start with"),
        ({"ELEARN_ENV": "production", "ELEARN_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"ELEARN_CERT_NUMBER_PATTERN": "{course}/{seq:06}"}, "ELEARN_CERT_NUMBER_PATTERN .* must contain"),
        ({"ELEARN_CERT_NUMBER_PATTERN": "{nomor}/{year}/{seq}"}, "unknown field"),
        ({"ELEARN_CERT_SIGNING_P12": "/nonexistent/ttd.p12"}, "ELEARN_CERT_SIGNING_P12 .* is not a readable file"),
        ({"ELEARN_CERT_SIGNING_PASSPHRASE": "rahasia"}, "ELEARN_CERT_SIGNING_PASSPHRASE is set but"),
        ({"ELEARN_EVIDENCE_MAX_KB": "10"}, "ELEARN_EVIDENCE_MAX_KB must be a whole number"),
        ({"ELEARN_INSTRUCTORS_CREATE_COURSES": "kadang"}, "ELEARN_INSTRUCTORS_CREATE_COURSES must be true or false"),
        ({"ELEARN_SMTP_URL": "mail.example.go.id"}, "ELEARN_SMTP_URL must be smtp://"),
        ({"ELEARN_SMTP_URL": "smtp://"}, "ELEARN_SMTP_URL must be smtp://"),
        ({"ELEARN_MAIL_FROM": "bukan alamat"}, "ELEARN_MAIL_FROM must be an address"),
    ],
)
def test_bad_values_are_refused_with_a_message_naming_the_variable(
    values: dict[str, str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(values, tmp_path)


def test_defaults_follow_the_cli_contract(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.env == "development"
    assert settings.timezone == "Asia/Jakarta"
    assert settings.jp_target == 20
    assert settings.content_dir == "content"
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.database_url == f"sqlite:///{tmp_path / 'elearn.db'}"
    assert settings.redis_url is None
    assert settings.instructors_create_courses is False
    assert len(settings.secret_key) >= 32


def test_the_environment_wins_over_the_dotenv_file(tmp_path: Path) -> None:
    from config import read_environment

    dotenv = tmp_path / ".env"
    dotenv.write_text("ELEARN_JP_TARGET=30\nELEARN_TIMEZONE=Asia/Jayapura\nOTHER=1\n")
    values = read_environment({"ELEARN_JP_TARGET": "25"}, dotenv)
    assert values == {"ELEARN_JP_TARGET": "25", "ELEARN_TIMEZONE": "Asia/Jayapura"}


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("YES", True), ("1", True), ("off", False), ("0", False)])
def test_instructors_creating_courses_reads_the_usual_spellings_of_a_switch(
    raw: str, value: bool, tmp_path: Path
) -> None:
    settings = load_settings({"ELEARN_INSTRUCTORS_CREATE_COURSES": raw}, tmp_path)
    assert settings.instructors_create_courses is value
    assert settings.flask_config()["ELEARN_INSTRUCTORS_CREATE_COURSES"] is value
