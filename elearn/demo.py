"""``elearn demo setup``: the demo accounts ``make run`` creates and prints."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.accounts.services import ensure_unit
from elearn.extensions import db


@dataclass(frozen=True)
class DemoAccount:
    """One demo account."""

    username: str
    password: str
    role: str
    name: str
    unit: str
    nip: str | None = None
    position: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin-demo-2026", "admin", "Administrator elearn", "Pemerintah Kota Sorong"),
    DemoAccount(
        "koordinator",
        "koordinator-demo-2026",
        "coordinator",
        "Yohana Kambu",
        "Pemerintah Kota Sorong/BKPSDM",
        position="Analis SDM Aparatur",
    ),
    DemoAccount(
        "widyaiswara",
        "widyaiswara-demo-2026",
        "instructor",
        "Dr. Agus Salim",
        "Pemerintah Kota Sorong/BKPSDM",
        position="Widyaiswara Ahli Madya",
    ),
    DemoAccount(
        "siti",
        "siti-demo-2026",
        "learner",
        "Siti Aminah",
        "Pemerintah Kota Sorong/Dinas Kesehatan",
        nip="198703152010012003",
        position="Pranata Komputer",
    ),
    DemoAccount(
        "budi",
        "budi-demo-2026",
        "learner",
        "Budi Santoso",
        "Pemerintah Kota Sorong/Dinas Pendidikan",
        nip="199001202015031001",
        position="Analis Kebijakan",
    ),
)
# The coordinator's unit is the whole city government, so both learners are in scope.
COORDINATOR_UNIT = "Pemerintah Kota Sorong"


@click.group(cls=AppGroup)
def demo() -> None:
    """Demo data for trying elearn locally."""


@demo.command("setup")
def setup_command() -> None:
    """Create (or reset) the demo accounts and print them. Safe to run again; refused in production."""
    if current_app.config["ELEARN_ENV"] == "production":
        click.echo("elearn demo setup: refused with ELEARN_ENV=production (demo passwords are public)", err=True)
        sys.exit(1)
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == account.username))
        unit = ensure_unit(COORDINATOR_UNIT if account.role == "coordinator" else account.unit)
        if user is None:
            user = User(username=account.username)
            db.session.add(user)
        user.name, user.role, user.nip, user.position = (
            account.name,
            account.role,
            account.nip,
            account.position,
        )
        user.unit = unit
        if not (user.password_hash and hashing.verify_password(user.password_hash, account.password)):
            user.password_hash = hashing.hash_password(account.password)
        user.must_change_password = False
    db.session.commit()
    click.echo("\nAkun demo (nama pengguna / kata sandi / peran):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.username:<12} {account.password:<24} {account.role}")
    click.echo("")
