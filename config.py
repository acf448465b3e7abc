"""Configuration: every ``ELEARN_*`` variable of cli.md, typed and validated.

The environment wins over a ``.env`` file in the working directory. Bad
values stop the app at start-up with a message naming the variable.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

ENVIRONMENTS = ("development", "production", "testing")
DEFAULT_INSTITUTION = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
DEFAULT_NUMBER_PATTERN = "{course}/{year}/{seq:06}"


class ConfigError(RuntimeError):
    """A configuration value is missing or wrong; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """The deployment's settings, after validation."""

    env: str
    secret_key: str
    database_url: str
    timezone: str
    jp_target: int
    content_dir: str
    base_url: str
    redis_url: str | None
    signatory_name: str
    signatory_nip: str
    signatory_title: str
    iframe_hosts: tuple[str, ...] = field(default_factory=tuple)
    session_hours: int = 168
    trusted_proxies: int = 0
    institution: str = DEFAULT_INSTITUTION
    cert_city: str | None = None
    cert_number_pattern: str = DEFAULT_NUMBER_PATTERN
    cert_signing_p12: str | None = None
    cert_signing_passphrase: str | None = None
    evidence_max_bytes: int = 5 * 1024 * 1024
    instructors_create_courses: bool = False
    smtp_url: str | None = None
    mail_from: str | None = None

    def flask_config(self) -> dict[str, Any]:
        """The Flask config mapping these settings stand for."""
        production = self.env == "production"
        return {
            "ELEARN_ENV": self.env,
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(self.database_url),
            "ELEARN_TIMEZONE": self.timezone,
            "ELEARN_JP_TARGET": self.jp_target,
            "ELEARN_CONTENT_DIR": self.content_dir,
            "ELEARN_BASE_URL": self.base_url,
            "ELEARN_REDIS_URL": self.redis_url,
            "ELEARN_CERT_SIGNATORY_NAME": self.signatory_name,
            "ELEARN_CERT_SIGNATORY_NIP": self.signatory_nip,
            "ELEARN_CERT_SIGNATORY_TITLE": self.signatory_title,
            "ELEARN_IFRAME_HOSTS": self.iframe_hosts,
            "ELEARN_CERT_INSTITUTION": self.institution,
            "ELEARN_CERT_CITY": self.cert_city,
            "ELEARN_CERT_NUMBER_PATTERN": self.cert_number_pattern,
            "ELEARN_CERT_SIGNING_P12": self.cert_signing_p12,
            "ELEARN_CERT_SIGNING_PASSPHRASE": self.cert_signing_passphrase,
            "ELEARN_EVIDENCE_MAX_BYTES": self.evidence_max_bytes,
            "SESSION_COOKIE_SECURE": production,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": production,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "PREFERRED_URL_SCHEME": "https" if production else "http",
            "WTF_CSRF_TIME_LIMIT": None,
            "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=self.session_hours),
            # The cookie expires when its server-side session does (set at sign-in): re-signing and
            # re-sending it on every response would only cost time.
            "SESSION_REFRESH_EACH_REQUEST": False,
            "ELEARN_TRUSTED_PROXIES": self.trusted_proxies,
            "ELEARN_INSTRUCTORS_CREATE_COURSES": self.instructors_create_courses,
            "ELEARN_SMTP_URL": self.smtp_url,
            "ELEARN_MAIL_FROM": self.mail_from,
            "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
            "BABEL_DEFAULT_LOCALE": "id",
            "BABEL_DEFAULT_TIMEZONE": self.timezone,
        }


#: Seconds to wait for a new PostgreSQL connection before answering 503 (a host that drops packets
#: would otherwise hold a worker for the kernel's TCP timeout, minutes); a ``connect_timeout`` in
#: ``ELEARN_DATABASE_URL`` wins.
PG_CONNECT_TIMEOUT = 5


def engine_options(database_url: str) -> dict[str, Any]:
    """SQLAlchemy engine options. ``pool_pre_ping``: a pooled connection is checked (one round trip)
    before each use, so after a database restart or an outage the first request on each worker gets a
    fresh connection instead of an error."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if database_url.startswith("postgresql") and "connect_timeout=" not in database_url:
        options["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT}
    return options


#: The settings themselves: never readable as a course's enrolment key.
SETTING_NAMES = frozenset(
    {
        "ELEARN_DATABASE_URL",
        "ELEARN_SECRET_KEY",
        "ELEARN_ENV",
        "ELEARN_TIMEZONE",
        "ELEARN_JP_TARGET",
        "ELEARN_CONTENT_DIR",
        "ELEARN_CERT_SIGNATORY_NAME",
        "ELEARN_CERT_SIGNATORY_NIP",
        "ELEARN_CERT_SIGNATORY_TITLE",
        "ELEARN_BASE_URL",
        "ELEARN_REDIS_URL",
        "ELEARN_IFRAME_HOSTS",
        "ELEARN_SESSION_HOURS",
        "ELEARN_TRUSTED_PROXIES",
        "ELEARN_CERT_INSTITUTION",
        "ELEARN_CERT_CITY",
        "ELEARN_CERT_NUMBER_PATTERN",
        "ELEARN_CERT_SIGNING_P12",
        "ELEARN_CERT_SIGNING_PASSPHRASE",
        "ELEARN_EVIDENCE_MAX_KB",
        "ELEARN_INSTRUCTORS_CREATE_COURSES",
        "ELEARN_SMTP_URL",
        "ELEARN_MAIL_FROM",
    }
)


def read_all_environment(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> dict[str, str]:
    """Every variable of ``.env`` (working directory) overlaid by the real environment."""
    env_file = dotenv if dotenv is not None else Path.cwd() / ".env"
    values: dict[str, str] = {}
    if env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def read_environment(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> dict[str, str]:
    """``ELEARN_*`` variables from ``.env`` overlaid by the real environment."""
    return {k: v for k, v in read_all_environment(environ, dotenv).items() if k.startswith("ELEARN_")}


def environment_value(name: str) -> str | None:
    """A variable from the environment or ``.env`` (environment wins), read when needed so that
    a key set while the server runs is seen; ``ELEARN_*`` settings are never returned."""
    if name in SETTING_NAMES:
        return None
    value = os.environ.get(name)
    if value is None:
        value = read_all_environment({}).get(name)
    return value


def _int(values: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _bool(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = values.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE + _FALSE:
        raise ConfigError(f"{name} must be true or false (also 1/0, yes/no, on/off), got {raw!r}")
    return raw in _TRUE


def _timezone(values: Mapping[str, str]) -> str:
    name = values.get("ELEARN_TIMEZONE", "").strip() or "Asia/Jakarta"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"ELEARN_TIMEZONE {name!r} is not a known time zone (e.g. Asia/Jayapura)") from exc
    return name


def _url(values: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    raw = values.get(name, "").strip() or default
    if not raw.startswith(schemes):
        raise ConfigError(f"{name} must start with one of {', '.join(schemes)}, got {raw!r}")
    return raw


def _database_url(values: Mapping[str, str], instance_path: Path) -> str:
    raw = values.get("ELEARN_DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{instance_path / 'elearn.db'}"
    if raw.startswith("postgres://"):  # Heroku-style; SQLAlchemy wants the dialect name.
        raw = "postgresql+psycopg://" + raw.removeprefix("postgres://")
    elif raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    if not raw.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(
            "ELEARN_DATABASE_URL must be an SQLite or PostgreSQL URL "
            f"(sqlite:///path or postgresql+psycopg://user@host/db), got {raw.split(':')[0]!r}"
        )
    return raw


def _secret_key(values: Mapping[str, str], env: str) -> str:
    secret = values.get("ELEARN_SECRET_KEY", "").strip()
    if env == "production":
        if not secret:
            raise ConfigError(
                "ELEARN_SECRET_KEY is required when ELEARN_ENV=production: set it to a long random "
                "value, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if len(secret) < 32:
            raise ConfigError("ELEARN_SECRET_KEY must be at least 32 characters in production")
    # In development a random per-process key is the documented default; sessions
    # then end when the server restarts, which is what a developer expects.
    return secret or secrets.token_urlsafe(48)


def load_settings(values: Mapping[str, str], instance_path: Path) -> Settings:
    """Validate ``ELEARN_*`` values into ``Settings`` or raise ``ConfigError``."""
    env = values.get("ELEARN_ENV", "").strip() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ELEARN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    redis_url = values.get("ELEARN_REDIS_URL", "").strip() or None
    if redis_url:
        _url(values, "ELEARN_REDIS_URL", "", ("redis://", "rediss://", "unix://"))
    hosts = tuple(h.strip() for h in values.get("ELEARN_IFRAME_HOSTS", "").split(",") if h.strip())
    return Settings(
        env=env,
        secret_key=_secret_key(values, env),
        database_url=_database_url(values, instance_path),
        timezone=_timezone(values),
        jp_target=_int(values, "ELEARN_JP_TARGET", 20, 0, 1000),
        content_dir=values.get("ELEARN_CONTENT_DIR", "").strip() or "content",
        base_url=_url(values, "ELEARN_BASE_URL", "http://127.0.0.1:5000", ("http://", "https://")).rstrip("/"),
        redis_url=redis_url,
        signatory_name=values.get("ELEARN_CERT_SIGNATORY_NAME", "").strip() or "Dr. Siti Rahmawati, M.Si.",
        signatory_nip=values.get("ELEARN_CERT_SIGNATORY_NIP", "").strip() or "197503122000032001",
        signatory_title=values.get("ELEARN_CERT_SIGNATORY_TITLE", "").strip()
        or "Kepala Badan Kepegawaian dan Pengembangan SDM",
        iframe_hosts=hosts,
        session_hours=_int(values, "ELEARN_SESSION_HOURS", 168, 1, 24 * 90),
        trusted_proxies=_int(values, "ELEARN_TRUSTED_PROXIES", 0, 0, 5),
        institution=values.get("ELEARN_CERT_INSTITUTION", "").strip() or DEFAULT_INSTITUTION,
        cert_city=values.get("ELEARN_CERT_CITY", "").strip() or None,
        cert_number_pattern=_number_pattern(values),
        cert_signing_p12=_signing_file(values),
        # A passphrase is taken exactly as given: spaces may be part of it.
        cert_signing_passphrase=values.get("ELEARN_CERT_SIGNING_PASSPHRASE") or None,
        evidence_max_bytes=_int(values, "ELEARN_EVIDENCE_MAX_KB", 5 * 1024, 100, 50 * 1024) * 1024,
        instructors_create_courses=_bool(values, "ELEARN_INSTRUCTORS_CREATE_COURSES", False),
        smtp_url=_smtp_url(values),
        mail_from=_mail_from(values),
    )


#: ``ELEARN_SMTP_URL`` schemes: plain SMTP (a local relay), STARTTLS on a plain connection, TLS from the start.
SMTP_SCHEMES = ("smtp://", "smtp+starttls://", "smtps://")


def _smtp_url(values: Mapping[str, str]) -> str | None:
    raw = values.get("ELEARN_SMTP_URL", "").strip()
    if not raw:
        return None
    if not raw.startswith(SMTP_SCHEMES) or not raw.split("://", 1)[1].split("/")[0].rsplit("@", 1)[-1]:
        raise ConfigError(
            "ELEARN_SMTP_URL must be smtp://host[:port], smtp+starttls://user:password@host[:587] "
            f"or smtps://user:password@host[:465], got {raw.split('://')[0]!r}"
        )
    return raw


def _mail_from(values: Mapping[str, str]) -> str | None:
    raw = values.get("ELEARN_MAIL_FROM", "").strip()
    if raw and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+|[^<>]*<[^@\s<>]+@[^@\s<>]+>", raw):
        raise ConfigError(f"ELEARN_MAIL_FROM must be an address (elearn@example.go.id or Name <...>), got {raw!r}")
    return raw or None


def _number_pattern(values: Mapping[str, str]) -> str:
    from elearn.certificates.numbering import pattern_problem

    pattern = values.get("ELEARN_CERT_NUMBER_PATTERN", "").strip() or DEFAULT_NUMBER_PATTERN
    problem = pattern_problem(pattern)
    if problem:
        raise ConfigError(f"ELEARN_CERT_NUMBER_PATTERN {pattern!r}: {problem}")
    return pattern


def _signing_file(values: Mapping[str, str]) -> str | None:
    path = values.get("ELEARN_CERT_SIGNING_P12", "").strip()
    if not path:
        if values.get("ELEARN_CERT_SIGNING_PASSPHRASE"):
            raise ConfigError("ELEARN_CERT_SIGNING_PASSPHRASE is set but ELEARN_CERT_SIGNING_P12 is not")
        return None
    if not Path(path).is_file():
        raise ConfigError(f"ELEARN_CERT_SIGNING_P12 {path!r} is not a readable file (a .p12/.pfx)")
    return path
