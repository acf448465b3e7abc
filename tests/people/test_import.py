"""The users CSV from the browser: the CLI's rules and FILE:LINE report, all or nothing, scope for coordinators."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.extensions import db
from elearn.people import imports
from tests.factories import DINKES, MANOKWARI, csrf_from
from tests.people.conftest import Org

AsUser = Callable[[User], FlaskClient]
HEADER = "username,nip,name,email,unit,position,role,password\n"
BAD = (
    HEADER
    + "ani,199001012015032001,Ani,,Pemerintah Kota Sorong/Dinas Kesehatan,,learner,\n"
    + "Budi Baru,,Budi,budi@,Pemerintah Kota Sorong,,learner,\n"
    + "ani,12345,,,,,raja,pendek\n"
    + f"dani,{'1' * 18},Dani,,,,,\n"
)
GOOD = (
    HEADER
    + "ani,199001012015032001,Ani Rahayu,ani@sorong.go.id,Pemerintah Kota Sorong/Dinas Kesehatan,Perawat,,\n"
    + "siti,{nip},Siti Aminah,,Pemerintah Kota Sorong/Dinas Kesehatan,Bidan,learner,\n"
)


def upload(client: FlaskClient, text: str, filename: str = "pegawai.csv") -> tuple[int, str]:
    token = csrf_from(client, "/admin/users/import")
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), filename)}
    response = client.post("/admin/users/import", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def error_lines(page: str) -> list[str]:
    found = re.search(r'<pre class="issue-lines"[^>]*>(.*?)</pre>', page, re.S)
    return html.unescape(found.group(1)).splitlines() if found else []


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_bad_file_shows_the_same_lines_as_users_import_and_imports_nothing(
    app: Flask, org: Org, as_user: AsUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pegawai.csv").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli = app.test_cli_runner().invoke(args=["users", "import", "pegawai.csv"])
    assert cli.exit_code == 1
    users = count(User)
    status, page = upload(as_user(org.admin), BAD)
    assert status == 422
    assert error_lines(page) == cli.stderr.splitlines()
    assert len(error_lines(page)) >= 6
    assert count(User) == users and count(AuditEntry) == 0


def test_a_good_file_creates_and_updates_shows_one_time_passwords_once_and_is_one_audit_row(
    app: Flask, org: Org, as_user: AsUser
) -> None:
    status, page = upload(as_user(org.admin), GOOD.format(nip=org.nurse.nip))
    assert status == 200, error_lines(page)
    assert "1 dibuat, 1 diperbarui." in page
    generated = re.search(r'<textarea id="generated" readonly[^>]*>(.*?)</textarea>', page, re.S)
    assert generated is not None and re.fullmatch(r"ani,[0-9A-Z]{16}\n", generated.group(1))
    ani = db.session.scalar(select(User).where(User.username == "ani"))
    assert ani is not None and ani.must_change_password and ani.position == "Perawat"
    [entry] = db.session.scalars(select(AuditEntry))
    assert (entry.action, entry.actor_username, entry.target_id) == ("user.import", "admin", "pegawai.csv")
    assert entry.details == {"created": ["ani"], "updated": ["siti"]}
    assert generated.group(1).split(",")[1].strip() not in str(entry.details) + entry.summary


def test_a_coordinator_imports_only_within_their_units(org: Org, as_user: AsUser) -> None:
    text = (
        HEADER
        + f"ani,199001012015032001,Ani,,{DINKES},,learner,\n"
        + f"bos,,Bos,,{DINKES},,admin,\n"
        + f"luar,199001012015032002,Luar,,{MANOKWARI},,learner,\n"
        + f"jauh,{org.far.nip},Yakobus,,{DINKES},,learner,\n"  # exists, outside their units
        + f"admin2,,Admin Dua,,{DINKES},,coordinator,\n"  # exists, an admin
        + "tanpaunit,199001012015032003,Tanpa,,,,learner,\n"
    )
    status, page = upload(as_user(org.coordinator_dinkes), text)
    assert status == 422
    assert error_lines(page) == [
        "pegawai.csv:3: peran admin tidak dapat Anda berikan",
        "pegawai.csv:4: unit harus unit Anda atau unit di bawahnya",
        "pegawai.csv:5: nama pengguna jauh sudah dipakai orang di luar unit Anda",
        "pegawai.csv:6: nama pengguna admin2 sudah dipakai orang di luar unit Anda",
        "pegawai.csv:7: unit harus unit Anda atau unit di bawahnya",
    ]
    assert db.session.scalar(select(User).where(User.username == "ani")) is None
    assert count(AuditEntry) == 0


def test_a_browser_import_is_kept_small_and_points_to_the_command_line(
    org: Org, as_user: AsUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_CHOSEN_PASSWORDS", 1)
    text = HEADER + "".join(f"guru{n},,Guru {n},,,,instructor,sandi-panjang-{n}-xyz\n" for n in range(3))
    status, page = upload(as_user(org.admin), text)
    assert status == 422
    assert error_lines(page)[0].startswith("pegawai.csv:3: lebih dari 1 kata sandi pilihan")


def test_the_report_names_the_file_plainly(org: Org, as_user: AsUser) -> None:
    status, page = upload(as_user(org.admin), "nama\n", "data/Daftar Pegawai <2026>.csv")
    assert status == 422
    assert error_lines(page)[0].startswith("Daftar-Pegawai-2026-.csv:1: missing columns")
