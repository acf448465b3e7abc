"""The unit tree: admins rename and move units; the paths below follow, and so do people and coordinators' scopes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import Unit, User
from elearn.audit.models import AuditEntry
from elearn.extensions import db
from tests.factories import DINKES, SORONG, csrf_from
from tests.people.conftest import DISDIK, Org

AsUser = Callable[[User], FlaskClient]


def unit_id(path: str) -> int:
    found = db.session.scalar(select(Unit.id).where(Unit.path == path))
    assert found is not None, path
    return found


def post(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": csrf_from(client, "/admin/units"), **data})


def paths() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Unit.path)))


def test_renaming_a_unit_renames_the_paths_below_and_people_follow(org: Org, as_user: AsUser) -> None:
    admin = as_user(org.admin)
    response = post(admin, f"/admin/units/{unit_id(SORONG)}/rename", {"name": "  Pemkot   Sorong "})
    assert response.status_code == 302
    assert {"Pemkot Sorong", "Pemkot Sorong/Dinas Kesehatan", "Pemkot Sorong/Dinas Pendidikan"} <= paths()
    assert not any(path.startswith(SORONG) for path in paths())
    assert db.session.get(User, org.nurse.id).unit_path == "Pemkot Sorong/Dinas Kesehatan"  # type: ignore[union-attr]
    # The city's coordinator still administers the city's people.
    page = as_user(org.coordinator).get("/admin/users").get_data(as_text=True)
    assert "siti" in page and "budi" in page
    [entry] = db.session.scalars(select(AuditEntry))
    assert (entry.action, entry.details) == ("unit.rename", {"from": SORONG, "to": "Pemkot Sorong"})


def test_moving_a_unit_moves_its_subtree_and_changes_who_administers_it(org: Org, as_user: AsUser) -> None:
    admin = as_user(org.admin)
    post(admin, "/admin/units", {"parent": DINKES, "name": "Puskesmas Remu"})
    response = post(admin, f"/admin/units/{unit_id(DINKES)}/move", {"parent": "Pemerintah Kabupaten Manokwari"})
    assert response.status_code == 302
    moved = "Pemerintah Kabupaten Manokwari/Dinas Kesehatan"
    assert {moved, f"{moved}/Puskesmas Remu"} <= paths()
    assert DINKES not in paths()
    assert "siti" not in as_user(org.coordinator).get("/admin/users").get_data(as_text=True)
    assert "siti" in as_user(org.coordinator_other).get("/admin/users").get_data(as_text=True)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["unit.create", "unit.move"]


def test_a_unit_moved_to_the_top_and_back(org: Org, as_user: AsUser) -> None:
    admin = as_user(org.admin)
    assert post(admin, f"/admin/units/{unit_id(DISDIK)}/move", {"parent": ""}).status_code == 302
    assert "Dinas Pendidikan" in paths()
    assert post(admin, f"/admin/units/{unit_id('Dinas Pendidikan')}/move", {"parent": SORONG}).status_code == 302
    assert DISDIK in paths()


def test_impossible_moves_and_names_are_form_errors_that_change_nothing(org: Org, as_user: AsUser) -> None:
    admin = as_user(org.admin)
    before = paths()
    bad = [
        (f"/admin/units/{unit_id(SORONG)}/move", {"parent": DINKES}, "ke dalam dirinya sendiri"),
        (f"/admin/units/{unit_id(SORONG)}/move", {"parent": SORONG}, "ke dalam dirinya sendiri"),
        (f"/admin/units/{unit_id(DINKES)}/move", {"parent": "Tidak Ada"}, "Unit Tidak Ada tidak ada."),
        (f"/admin/units/{unit_id(DINKES)}/rename", {"name": "Dinas Pendidikan"}, "Sudah ada unit"),
        (f"/admin/units/{unit_id(DINKES)}/rename", {"name": "Dinas/Kesehatan"}, "garis miring"),
        (f"/admin/units/{unit_id(DINKES)}/rename", {"name": "   "}, "field-error"),
        ("/admin/units", {"parent": SORONG, "name": "Dinas Kesehatan"}, "Sudah ada unit"),
    ]
    for url, data, message in bad:
        response = post(admin, url, data)
        assert response.status_code == 422, (url, data)
        assert message in response.get_data(as_text=True), (url, data)
    assert paths() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_only_admins_edit_units(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    target = unit_id(DINKES)
    assert client.get(f"/admin/units/{target}").status_code == 403
    token = csrf_from(client, "/")
    for url in (f"/admin/units/{target}/rename", f"/admin/units/{target}/move", "/admin/units"):
        assert client.post(url, data={"csrf_token": token, "name": "X", "parent": ""}).status_code == 403
    assert paths() >= {DINKES}


def test_the_tree_lists_units_in_tree_order(org: Org, as_user: AsUser) -> None:
    admin = as_user(org.admin)
    post(admin, "/admin/units", {"parent": "", "name": "Pemerintah Kota Sorong Selatan"})
    page = admin.get("/admin/units").get_data(as_text=True)
    names = re.findall(r'<li class="depth-\d"><a href="/admin/units/\d+">([^<]+)</a>', page)
    assert names.index("Dinas Kesehatan") < names.index("Pemerintah Kota Sorong Selatan")
