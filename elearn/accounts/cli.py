"""``elearn users``: import and create accounts."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from elearn.accounts import services
from elearn.accounts.csvrows import errors_by_line, parse_users_csv
from elearn.accounts.roles import ROLES
from elearn.audit import services as audit
from elearn.extensions import db


@click.group(cls=AppGroup)
def users() -> None:
    """Create and import user accounts."""


def _fail(errors: list[str]) -> None:
    db.session.rollback()
    for error in errors:
        click.echo(error, err=True)
    sys.exit(1)


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_command(file: str) -> None:
    """Create or update users from a CSV file, all or nothing.

    Header: username,nip,name,email,unit,position,role,password. New users
    without a password get a one-time password, printed as username,password.
    """
    rows, errors = parse_users_csv(Path(file).read_bytes(), file)
    errors += services.nip_conflicts(rows, file)  # every error at once: the file's and the database's
    if errors:
        _fail(errors_by_line(errors, file))
    existing = set(services.existing_usernames([row.username for row in rows]))
    try:
        created, updated, generated = services.import_users(rows, file)
    except services.ImportFailed as failure:
        _fail(failure.errors)
        return
    audit.record(
        None,
        "user.import",
        target_type="file",
        target_id=file,
        summary=f"command line: {created} created, {updated} updated",
        details={
            "created": [row.username for row in rows if row.username not in existing][:1000],
            "updated": [row.username for row in rows if row.username in existing][:1000],
        },
    )
    db.session.commit()
    for username, password in generated:
        click.echo(f"{username},{password}")
    click.echo(f"{created} created, {updated} updated", err=True)


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="learner, instructor, coordinator or admin")
@click.option("--password", help="chosen password; omitted: a one-time password is generated and printed")
@click.option("--nip", help="18-digit NIP (required for learners)")
@click.option("--name", help="full name (default: the username)")
@click.option("--email")
@click.option("--unit", help="unit path, e.g. 'Pemerintah Kota Sorong/Dinas Kesehatan'")
@click.option("--position")
def create_command(
    username: str,
    role: str,
    password: str | None,
    nip: str | None,
    name: str | None,
    email: str | None,
    unit: str | None,
    position: str | None,
) -> None:
    """Create (or update) one user."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["username", "nip", "name", "email", "unit", "position", "role", "password"])
    writer.writerow(
        [username, nip or "", name or username, email or "", unit or "", position or "", role, password or ""]
    )
    rows, errors = parse_users_csv(buffer.getvalue().encode(), "<args>")
    if errors:
        _fail([error.replace("<args>:2: ", "").replace("<args>:1: ", "") for error in errors])
    is_new = not services.existing_usernames([rows[0].username])
    try:
        user, generated = services.create_user(rows[0])
    except services.ImportFailed as failure:
        _fail([error.replace("<command line>:2: ", "") for error in failure.errors])
        return
    audit.record(
        None,
        "user.create" if is_new else "user.update",
        target_type="user",
        target_id=user.username,
        summary=f"command line: {user.username} ({user.role}) in {user.unit_path or '-'}",
    )
    db.session.commit()
    if generated:
        click.echo(f"{user.username},{generated}")
    else:
        click.echo(f"{user.username}", err=True)
