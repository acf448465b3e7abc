"""The per-process caches (course structure, lesson bodies, catalogue cards, outline fragments) never
show stale content or another person's progress.

A content load run by another process (``elearn content load`` in a subprocess, as an instructor runs
it next to the servers) is seen by this running app on its very next request: the load bumps the
content revision that every request reads in the same query as its session or token.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import DINKES, load_content

Tokens = Callable[[User], dict[str, str]]
Login = Callable[[FlaskClient, User], None]


def load_in_another_process(app: Flask, path: Path) -> None:
    """``elearn content load PATH`` in a child process on the app's database (nothing shared in memory)."""
    db.session.commit()  # nothing of this process holds the database while the child writes
    env = {
        **os.environ,
        "ELEARN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ELEARN_SECRET_KEY": app.config["SECRET_KEY"],
        "ELEARN_REDIS_URL": "",
    }
    cli = [sys.executable, "-c", "from elearn.cli import main; main()", "content", "load", str(path)]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_load_by_another_process_is_seen_on_the_next_request(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, login: Login, tmp_path: Path
) -> None:
    folder = build_course(tmp_path, "CCH-1", modules=1, quiz=False)
    load_content(app, tmp_path)
    learner = make_user("rani", unit=DINKES)
    headers = token_for(learner)
    assert client.post("/api/v1/courses/CCH-1/enrolment", headers=headers, json={}).status_code in (200, 201)
    login(client, learner)
    outline = client.get("/api/v1/courses/CCH-1", headers=headers).get_json()
    lesson_id = outline["modules"][0]["items"][0]["id"]
    # Every cache is warm: structure, lesson body, catalogue cards, the course page's outline.
    assert "Isi pelajaran 1.1" in client.get(f"/api/v1/lessons/{lesson_id}", headers=headers).get_json()["html"]
    assert "Kursus CCH-1" in client.get("/").get_data(as_text=True)
    assert "Pelajaran 1.1" in client.get("/courses/CCH-1").get_data(as_text=True)
    assert "Isi pelajaran 1.1" in client.get(f"/lessons/{lesson_id}").get_data(as_text=True)

    course_md = folder / "course.md"
    course_md.write_text(course_md.read_text(encoding="utf-8").replace("Kursus CCH-1", "Kursus Baru"), "utf-8")
    lesson = folder / "01-modul-1" / "01-pelajaran-1.md"
    lesson.write_text("# Pelajaran yang diperbarui\n\nIsi yang diperbarui.\n", encoding="utf-8")
    (folder / "01-modul-1" / "03-pelajaran-3.md").write_text("# Pelajaran tambahan\n\nTambahan.\n", "utf-8")
    load_in_another_process(app, tmp_path)

    api = client.get(f"/api/v1/lessons/{lesson_id}", headers=headers).get_json()
    assert "Isi yang diperbarui." in api["html"] and api["title"] == "Pelajaran yang diperbarui"
    page = client.get(f"/lessons/{lesson_id}").get_data(as_text=True)
    assert "Isi yang diperbarui." in page and "Isi pelajaran 1.1" not in page
    catalogue = client.get("/").get_data(as_text=True)
    assert "Kursus Baru" in catalogue and "Kursus CCH-1" not in catalogue
    course_page = client.get("/courses/CCH-1").get_data(as_text=True)
    assert "Pelajaran tambahan" in course_page and "Pelajaran yang diperbarui" in course_page
    items = client.get("/api/v1/courses/CCH-1", headers=headers).get_json()["modules"][0]["items"]
    assert [i["title"] for i in items][-1] == "Pelajaran tambahan"
    assert [i["code"] for i in client.get("/api/v1/courses", headers=headers).get_json()["items"]] == ["CCH-1"]


def test_one_learner_never_sees_another_learners_marks_from_a_cache(
    app: Flask, make_user: Callable[..., User], token_for: Tokens, login: Login, tmp_path: Path
) -> None:
    build_course(tmp_path, "CCH-2", modules=1, quiz=False, lessons=3)
    load_content(app, tmp_path)
    ani, budi = make_user("ani", unit=DINKES), make_user("budi", unit=DINKES, locale="en")
    pages: dict[str, FlaskClient] = {}
    for person in (ani, budi):
        headers = token_for(person)
        assert app.test_client().post("/api/v1/courses/CCH-2/enrolment", headers=headers, json={}).status_code < 300
        pages[person.username] = app.test_client()
        login(pages[person.username], person)
    lessons = [i["id"] for i in app.test_client().get("/api/v1/courses/CCH-2", headers=token_for(ani)).get_json()[
        "modules"][0]["items"]]  # fmt: skip
    for lesson_id in lessons:  # Ani finishes the course; Budi reads nothing
        assert pages["ani"].get(f"/lessons/{lesson_id}").status_code == 200

    def marks(html: str) -> int:
        return html.count("(selesai)") + html.count("(done)")

    ani_page = pages["ani"].get("/courses/CCH-2").get_data(as_text=True)
    budi_page = pages["budi"].get("/courses/CCH-2").get_data(as_text=True)
    assert marks(ani_page) == 3 and 'value="100"' in ani_page
    assert marks(budi_page) == 0 and 'value="0"' in budi_page
    assert 'lang="en"' in budi_page and 'lang="id"' in ani_page  # the cached fragments keep each language
    # The other way round, after the cache holds Budi's pattern too.
    assert marks(pages["ani"].get("/courses/CCH-2").get_data(as_text=True)) == 3
    catalogue_ani = pages["ani"].get("/").get_data(as_text=True)
    catalogue_budi = pages["budi"].get("/").get_data(as_text=True)
    assert 'value="100"' in catalogue_ani and 'value="100"' not in catalogue_budi
    api = {p.username: app.test_client().get("/api/v1/courses", headers=token_for(p)).get_json() for p in (ani, budi)}
    assert [i["progress_percent"] for i in api["ani"]["items"]] == [100]
    assert [i["progress_percent"] for i in api["budi"]["items"]] == [0]
