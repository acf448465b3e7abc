"""Every scope rule of user administration: who sees whom, who may set what, and 404 outside one's units."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.extensions import db
from tests.factories import DINKES, MANOKWARI, csrf_from
from tests.people.conftest import DISDIK, Org

AsUser = Callable[[User], FlaskClient]


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, page: str = "/") -> Any:
    return client.post(url, data={"csrf_token": csrf_from(client, page), **(data or {})})


def listed(client: FlaskClient, q: str = "") -> set[str]:
    page = client.get("/admin/users", query_string={"q": q} if q else {}).get_data(as_text=True)
    return set(re.findall(r'<span class="muted">([a-z0-9._-]+)</span></td>', page))


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def edit_form(person: User, **changes: str) -> dict[str, str]:
    data = {
        "name": person.name,
        "email": person.email or "",
        "position": person.position or "",
        "unit": person.unit_path or "",
        "role": person.role,
    }
    data.update(changes)
    return data


def test_an_admin_sees_everyone(org: Org, as_user: AsUser) -> None:
    assert listed(as_user(org.admin)) == {u.username for u in db.session.scalars(select(User))}


def test_a_coordinator_sees_their_unit_tree_without_admins_or_themselves(org: Org, as_user: AsUser) -> None:
    assert listed(as_user(org.coordinator)) == {"kordinkes", "siti", "budi", "guru"}
    assert listed(as_user(org.coordinator_dinkes)) == {"siti"}
    assert listed(as_user(org.coordinator_other)) == {"jauh"}


@pytest.mark.parametrize("who", ["nurse", "instructor"])
def test_learners_and_instructors_may_not_administer_people(org: Org, as_user: AsUser, who: str) -> None:
    client = as_user(getattr(org, who))
    for path in ("/admin/users", "/admin/users/new", "/admin/users/import", f"/admin/users/{org.teacher.id}"):
        assert client.get(path).status_code == 403, path


def test_people_are_found_by_name_username_or_nip(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    assert listed(client, "aminah") == {"siti"}
    assert listed(client, "BUD") == {"budi"}
    assert listed(client, org.nurse.nip[:12]) == {"siti"}
    assert listed(client, "19850") >= {"siti", "budi"}
    assert listed(client, "jauh") == set()  # outside the coordinator's units
    assert listed(client, "%") == set()  # a wildcard is a plain character


@pytest.mark.parametrize("target", ["far", "admin_in_city", "admin"])
def test_a_coordinator_gets_404_for_people_outside_their_units_and_for_admins(
    org: Org, as_user: AsUser, target: str
) -> None:
    client = as_user(org.coordinator)
    person = getattr(org, target)
    before = audit_count()
    assert client.get(f"/admin/users/{person.id}").status_code == 404
    for action in ("password", "deactivate", "reactivate"):
        assert post(client, f"/admin/users/{person.id}/{action}").status_code == 404
    assert post(client, f"/admin/users/{person.id}", edit_form(person, name="Diubah")).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, person.id).name != "Diubah"  # type: ignore[union-attr]
    assert audit_count() == before


def test_a_coordinator_acting_on_themselves_is_refused(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    assert client.get(f"/admin/users/{org.coordinator.id}").status_code == 403


def test_a_coordinator_may_not_make_anyone_admin(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    page = client.get(f"/admin/users/{org.teacher.id}").get_data(as_text=True)
    assert 'value="admin"' not in page and 'value="coordinator"' in page
    assert f'name="unit" type="text" value="{DISDIK}"' in page and 'value="Budi Santoso"' in page
    response = post(client, f"/admin/users/{org.teacher.id}", edit_form(org.teacher, role="admin"))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, org.teacher.id).role == "learner"  # type: ignore[union-attr]
    assert audit_count() == 0


def test_a_coordinator_may_not_move_people_out_of_their_units(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator_dinkes)
    response = post(client, f"/admin/users/{org.nurse.id}", edit_form(org.nurse, unit=DISDIK))
    assert response.status_code == 422
    assert "Pilih unit Anda atau unit di bawahnya." in response.get_data(as_text=True)
    response = post(client, f"/admin/users/{org.nurse.id}", edit_form(org.nurse, unit=""))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, org.nurse.id).unit_path == DINKES  # type: ignore[union-attr]


def test_a_coordinator_moves_people_within_their_units_and_makes_sub_units(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    response = post(client, f"/admin/users/{org.nurse.id}", edit_form(org.nurse, unit=f"{DISDIK} / Bidang SD"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, org.nurse.id).unit_path == f"{DISDIK}/Bidang SD"  # type: ignore[union-attr]


def test_a_coordinator_may_make_someone_in_their_units_a_coordinator(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    assert post(client, f"/admin/users/{org.teacher.id}", edit_form(org.teacher, role="coordinator")).status_code == 302
    [entry] = db.session.scalars(select(AuditEntry))
    assert (entry.action, entry.actor_username, entry.target_id) == ("user.role", "koordinator", "budi")
    assert entry.details["changes"]["role"] == ["learner", "coordinator"]


def test_a_coordinator_creates_people_only_in_their_units_and_never_admins(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator_dinkes)
    new = {
        "username": "ani",
        "nip": "199001012015032001",
        "name": "Ani",
        "email": "",
        "position": "",
        "role": "learner",
    }
    assert post(client, "/admin/users/new", {**new, "unit": MANOKWARI}).status_code == 422
    assert post(client, "/admin/users/new", {**new, "unit": DINKES, "role": "admin"}).status_code == 422
    assert db.session.scalar(select(User).where(User.username == "ani")) is None
    assert audit_count() == 0
    assert post(client, "/admin/users/new", {**new, "unit": DINKES}).status_code == 200
    assert db.session.scalar(select(User.unit_id).where(User.username == "ani")) is not None


def test_an_admin_may_not_change_their_own_role_or_deactivate_themselves(org: Org, as_user: AsUser) -> None:
    client = as_user(org.admin)
    me = f"/admin/users/{org.admin.id}"
    assert post(client, me, edit_form(org.admin, role="learner")).status_code == 422
    assert post(client, f"{me}/deactivate").status_code == 403
    assert post(client, f"{me}/password").status_code == 403
    assert post(client, me, edit_form(org.admin, name="Admin Kota")).status_code == 302
    db.session.expire_all()
    me_now = db.session.get(User, org.admin.id)
    assert me_now is not None and (me_now.role, me_now.is_active, me_now.name) == ("admin", True, "Admin Kota")


def test_the_unit_tree_is_for_admins_only(org: Org, as_user: AsUser) -> None:
    for user, status in ((org.admin, 200), (org.coordinator, 403), (org.nurse, 403)):
        assert as_user(user).get("/admin/units").status_code == status
    page = as_user(org.admin).get("/admin/units").get_data(as_text=True)
    assert "Dinas Pendidikan" in page and "Pemerintah Kabupaten Manokwari" in page


def test_a_coordinator_without_a_unit_sees_nobody_and_no_unit_on_every_backend(
    org: Org, make_user: Callable[..., User]
) -> None:
    from elearn.enrolment.services import actor_of
    from elearn.people.queries import search_people, unit_choices

    lost = make_user("koordinator-tanpa-unit", role="coordinator", unit=None)
    actor = actor_of(lost)
    assert unit_choices(actor) == []  # was a NUL parameter, which PostgreSQL refuses
    assert search_people(actor).items == []
