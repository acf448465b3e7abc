"""The new list pages run a constant number of queries, whatever the number of rows they list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.extensions import db
from elearn.publishing.models import CourseUpload

PAGES = [
    "/admin/users",
    "/admin/users?q=orang",
    "/admin/audit",
    "/admin/audit?action=user",
    "/manage/uploads",
    "/admin/units",
]


def grow(make_user: Callable[..., User], admin: User, start: int, n: int) -> None:
    """``n`` more people (each in a unit of their own), audit entries and kept uploads."""
    for i in range(start, start + n):
        person = make_user(f"orang{i}", unit=f"Pemerintah Kota Sorong/Unit {i}")
        audit.record(admin, "user.create", target_type="user", target_id=person.username)
        db.session.add(
            CourseUpload(
                uploaded_by_id=admin.id, uploaded_by_username="admin", filename=f"k{i}.zip", size=1, sha256="0" * 64,
                data=b"x", course_code=f"K-{i}", course_title=f"Kursus {i}", is_new_course=True,
                preview={}, status="published" if i % 2 else "checked", published_by_username="admin",
            )
        )  # fmt: skip
    db.session.commit()


def measure(client: FlaskClient, count_queries: Callable[[], Any]) -> dict[str, int]:
    client.get(PAGES[0])  # the process's course structure is built once, then cached
    counts = {}
    for path in PAGES:
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = counter.count
    return counts


def test_admin_list_pages_run_a_constant_number_of_queries(
    app: Flask,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
) -> None:
    admin = make_user("admin", role="admin", unit=None)
    client = app.test_client()
    login(client, admin)
    grow(make_user, admin, 0, 3)
    small = measure(client, count_queries)
    grow(make_user, admin, 3, 30)
    assert measure(client, count_queries) == small
    assert max(small.values()) <= 8, small


def test_a_coordinator_s_people_list_runs_a_constant_number_of_queries(
    app: Flask,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
) -> None:
    admin = make_user("admin", role="admin", unit=None)
    client = app.test_client()
    login(client, make_user("koordinator", role="coordinator", unit="Pemerintah Kota Sorong"))
    grow(make_user, admin, 0, 3)
    client.get("/admin/users")  # the process's course structure is built once, then cached
    with count_queries() as small:
        client.get("/admin/users")
    grow(make_user, admin, 3, 30)
    with count_queries() as large:
        page = client.get("/admin/users").get_data(as_text=True)
    assert "orang32" in page and large.count == small.count
