"""elearn: e-learning for Indonesia's civil servants (ASN).

``create_app`` is the only place that wires things together.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import load_settings, read_environment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` overrides settings (tests); ``ELEARN_*``
    string values in it are validated like environment variables."""
    app = Flask(__name__, instance_relative_config=True)
    overrides = dict(config or {})
    values = read_environment()
    values.update({k: v for k, v in overrides.items() if k.startswith("ELEARN_") and isinstance(v, str)})
    settings = load_settings(values, Path(app.instance_path))
    app.config.update(settings.flask_config())
    app.config.update(
        API_TITLE="elearn API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update({k: v for k, v in overrides.items() if not (k.startswith("ELEARN_") and isinstance(v, str))})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["ELEARN_TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind N reverse proxies the client's address is the N-th from the right of X-Forwarded-For;
        # trusting more hops than exist would let a client choose its own address (and rate-limit key).
        hops = app.config["ELEARN_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]

    from elearn.core.http import DatabaseIdConverter
    from elearn.web import apply_body_limit

    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added

    app.before_request(apply_body_limit)  # before CSRFProtect's hook reads (and so limits) a form
    _init_extensions(app)
    _connect_receivers(app)
    _register_blueprints(app)
    _register_sections()
    _register_commands(app)

    from elearn.web import init_web

    init_web(app)
    return app


def _init_extensions(app: Flask) -> None:
    from elearn import models  # noqa: F401 - every model registered on the metadata
    from elearn.core.database import init_database
    from elearn.extensions import api, babel, csrf, db, login_manager, migrate
    from elearn.i18n import install_template_gettext, select_locale, select_timezone

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": _security_schemes()}})


def _security_schemes() -> dict[str, Any]:
    return {"bearerAuth": {"type": "http", "scheme": "bearer"}}


def _connect_receivers(app: Flask) -> None:
    """Reactions to lower domains' signals, in order: JP are earned (the ledger) whether or not the
    course gives a certificate, then the certificate is issued."""
    from elearn.certificates.services import init_certificates
    from elearn.reports.ledger import on_course_completed as record_jp
    from elearn.signals import course_completed

    course_completed.connect(record_jp)
    init_certificates(app)


def _register_blueprints(app: Flask) -> None:
    from elearn.accounts.views import bp as accounts_pages
    from elearn.api import register_api
    from elearn.audit.views import bp as audit_pages
    from elearn.catalogue.views import bp as catalogue_pages
    from elearn.certificates.views import bp as certificate_pages
    from elearn.discussion.views import bp as discussion_pages
    from elearn.enrolment.views import bp as enrolment_pages
    from elearn.evaluation.views import bp as evaluation_pages
    from elearn.home.views import bp as home_pages
    from elearn.notifications.views import bp as notification_pages
    from elearn.people.views import bp as people_pages
    from elearn.publishing.views import bp as publishing_pages
    from elearn.quizzes.views import bp as quiz_pages
    from elearn.reports.views import bp as report_pages

    pages = (
        accounts_pages,
        catalogue_pages,
        enrolment_pages,
        quiz_pages,
        certificate_pages,
        report_pages,
        publishing_pages,
        people_pages,
        audit_pages,
        evaluation_pages,
        discussion_pages,
        home_pages,
        notification_pages,
    )
    for blueprint in pages:
        app.register_blueprint(blueprint)
    register_api(app)


def _register_sections() -> None:
    from elearn.core.owndata import discover_sections

    discover_sections()  # every elearn.<domain>.owndata registers its part of a person's data export


def _register_commands(app: Flask) -> None:
    from elearn.accounts.cli import users
    from elearn.certificates.cli import certificates
    from elearn.content.cli import content
    from elearn.demo import demo
    from elearn.notifications.cli import mail

    for group in (users, content, demo, certificates, mail):
        app.cli.add_command(group)
