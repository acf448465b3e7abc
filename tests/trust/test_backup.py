"""The backup of docs/deployment.md, tried: ``pg_dump -Fc`` of a database in use, ``pg_restore`` into an
empty one, and the copy holds every row and takes new ones (its sequences came along)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.extensions import db
from tests.trust.harness import postgres_configured, scratch_database
from tests.trust.served_world import read, seed

pytestmark = [
    pytest.mark.trust,
    pytest.mark.skipif(not postgres_configured(), reason="pg_dump backs up PostgreSQL: set ELEARN_TEST_DATABASE_URL"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore (postgresql-client)"),
]


def libpq_url(url: str) -> str:
    """The URL as libpq's tools take it (no ``+psycopg``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts() -> dict[str, int]:
    """Rows in every table of the models."""
    return {
        table.name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
        for table in db.metadata.sorted_tables
    }


def test_a_pg_dump_restored_into_an_empty_database_holds_every_row_and_takes_new_ones(tmp_path: Path) -> None:
    with scratch_database("postgresql", tmp_path) as source, scratch_database("postgresql", tmp_path) as copy:
        seed(source, tmp_path, learners=5, prefix="cadangan")
        dump = tmp_path / "elearn.dump"
        # Fixed argument lists, no shell: the commands docs/deployment.md gives.
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq_url(source)],  # noqa: S607
            check=True,
            timeout=120,
        )
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq_url(copy)}", str(dump)],  # noqa: S607
            check=True,
            timeout=120,
        )
        before, after = read(source, row_counts), read(copy, row_counts)

        def add_user() -> int:
            user = User(
                username="setelah-pulih", name="Setelah Pulih", role="admin", password_hash=hashing.dummy_hash()
            )
            db.session.add(user)
            db.session.commit()
            return user.id

        new_id = read(copy, add_user)
    assert after == before
    assert before["users"] == 5 and before["questions"] > 0 and before["api_tokens"] == 5
    assert new_id == 6  # the restored sequence goes on after the restored rows
