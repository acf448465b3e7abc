"""``elearn users import`` and ``elearn users create`` (cli.md)."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from elearn.accounts import hashing
from elearn.accounts.models import Unit, User
from elearn.extensions import db

HEADER = "username,nip,name,email,unit,position,role,password\n"


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def users_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_import_creates_users_and_prints_one_time_passwords(app: Flask, tmp_path: Path) -> None:
    csv_file = tmp_path / "pegawai.csv"
    csv_file.write_text(
        "\ufeff"
        + HEADER
        + "siti,198703152010012003,Siti Aminah,siti@example.go.id,Pemerintah Kota Sorong/Dinas Kesehatan,Perawat,,\n"
        + "yohana,,Yohana Kambu,,Pemerintah Kota Sorong,Analis SDM,coordinator,Rahasia-Sorong-2026\n",
        encoding="utf-8",
    )
    result = run(app, "users", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "," in line]
    assert len(lines) == 1
    username, password = lines[0].split(",")
    assert username == "siti"
    assert len(password) == 16
    siti = db.session.scalar(select(User).where(User.username == "siti"))
    assert siti is not None
    assert siti.must_change_password is True
    assert hashing.verify_password(siti.password_hash, password)
    assert siti.unit_path == "Pemerintah Kota Sorong/Dinas Kesehatan"
    yohana = db.session.scalar(select(User).where(User.username == "yohana"))
    assert yohana is not None
    assert yohana.role == "coordinator"
    assert yohana.must_change_password is False
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 2


def test_reimport_updates_and_keeps_the_password_when_empty(app: Flask, tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(HEADER + "budi,199001202015031001,Budi,,Kota Ambon,Staf,,Rahasia-Ambon-2026\n")
    run(app, "users", "import", str(csv_file))
    csv_file.write_text(HEADER + "budi,199001202015031001,Budi Santoso,,Kota Ambon/Bappeda,Analis,,\n")
    result = run(app, "users", "import", str(csv_file))
    assert result.exit_code == 0
    db.session.expire_all()
    budi = db.session.scalar(select(User).where(User.username == "budi"))
    assert budi is not None
    assert budi.name == "Budi Santoso"
    assert budi.unit_path == "Kota Ambon/Bappeda"
    assert hashing.verify_password(budi.password_hash, "Rahasia-Ambon-2026")


def test_a_bad_row_imports_nothing_and_reports_every_error_with_its_line(app: Flask, tmp_path: Path) -> None:
    csv_file = tmp_path / "salah.csv"
    csv_file.write_text(
        HEADER
        + "siti,198703152010012003,Siti,,Kota Sorong,,,\n"
        + "budi,19900120201503100,Budi,,Kota Sorong,,,\n"
        + "ani,199002302015032001,Ani,,Kota Sorong,,boss,\n"
    )
    result = run(app, "users", "import", str(csv_file))
    assert result.exit_code == 1
    assert f"{csv_file}:3: NIP must have 18 digits, got 17" in result.output
    assert f"{csv_file}:4: unknown role 'boss'" in result.output
    assert users_count() == 0


def test_a_nip_of_another_existing_user_is_refused(app: Flask, tmp_path: Path) -> None:
    first = tmp_path / "1.csv"
    first.write_text(HEADER + "siti,198703152010012003,Siti,,Kota Sorong,,,\n")
    run(app, "users", "import", str(first))
    second = tmp_path / "2.csv"
    second.write_text(
        HEADER + "ani,199103152015032001,Ani,,Kota Sorong,,,\nsiti2,198703152010012003,Siti,,Kota Sorong,,,\n"
    )
    result = run(app, "users", "import", str(second))
    assert result.exit_code == 1
    assert f"{second}:3: NIP 198703152010012003 already belongs to user siti" in result.output
    assert users_count() == 1


def test_users_create_makes_one_user_and_prints_its_one_time_password(app: Flask) -> None:
    result = run(app, "users", "create", "widya", "--role", "instructor", "--name", "Widya Iswara", "--unit", "BKPSDM")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("widya,")
    user = db.session.scalar(select(User).where(User.username == "widya"))
    assert user is not None
    assert user.role == "instructor"
    assert user.must_change_password is True


def test_users_create_refuses_a_learner_without_nip_and_a_weak_password(app: Flask) -> None:
    result = run(app, "users", "create", "siti", "--role", "learner", "--password", "pendek")
    assert result.exit_code == 1
    assert "nip is required for learners" in result.output
    assert "password must have at least 10 characters" in result.output
    assert users_count() == 0


def test_file_errors_and_database_conflicts_are_reported_together_in_line_order(app: Flask, tmp_path: Path) -> None:
    first = tmp_path / "1.csv"
    first.write_text(HEADER + "ani,199103152015032001,Ani,,Kota Sorong,,,\n")
    run(app, "users", "import", str(first))
    second = tmp_path / "2.csv"
    second.write_text(HEADER + "tini,199103152015032001,Tini,,Kota Sorong,,,\nbudi,,Budi,,Kota Sorong,,,\n")
    result = run(app, "users", "import", str(second))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(second))]
    assert lines == [
        f"{second}:2: NIP 199103152015032001 already belongs to user ani",
        f"{second}:3: nip is required for learners",
    ]


def test_imports_and_creates_from_the_command_line_are_audited_as_the_system(app: Flask, tmp_path: Path) -> None:
    from elearn.audit.models import AuditEntry

    csv_file = tmp_path / "a.csv"
    csv_file.write_text(HEADER + "budi,199001202015031001,Budi,,Kota Ambon,Staf,,\n")
    run(app, "users", "import", str(csv_file))
    run(app, "users", "import", str(csv_file))
    run(app, "users", "create", "guru", "--role", "instructor")
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.details).order_by(AuditEntry.id)
    ).all()
    assert [(action, actor) for action, actor, _details in entries] == [
        ("user.import", None),
        ("user.import", None),
        ("user.create", None),
    ]
    assert entries[0].details == {"created": ["budi"], "updated": []}
    assert entries[1].details == {"created": [], "updated": ["budi"]}
