"""``elearn demo setup`` (what ``make run`` calls) prints working accounts and is safe to run again."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.demo import DEMO_ACCOUNTS
from elearn.extensions import db


def test_demo_setup_twice_gives_the_same_five_accounts_whose_passwords_work(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "setup"])
    second = runner.invoke(args=["demo", "setup"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == len(DEMO_ACCOUNTS) == 5
    roles = {account.role for account in DEMO_ACCOUNTS}
    assert roles == {"admin", "coordinator", "instructor", "learner"}
    learner_units = {a.unit for a in DEMO_ACCOUNTS if a.role == "learner"}
    assert len(learner_units) == 2
    for account in DEMO_ACCOUNTS:
        assert f"{account.username:<12} {account.password}" in first.output
        user = db.session.scalar(select(User).where(User.username == account.username))
        assert user is not None
        assert hashing.verify_password(user.password_hash, account.password)
        assert user.must_change_password is False


def test_demo_setup_is_refused_in_production(tmp_path) -> None:  # noqa: ANN001
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path / 'p.db'}", ELEARN_ENV="production", ELEARN_SECRET_KEY="s" * 40)
    result = app.test_cli_runner().invoke(args=["demo", "setup"])
    assert result.exit_code == 1
    assert "refused with ELEARN_ENV=production" in result.output
