"""What a learner meets first reads right: a lesson's title is its heading, tables and diagrams fit a
phone, the pass mark is a percentage, a lock names what blocks it and looks like a padlock, course
addresses take any letter case, a lesson of a course one is not in leads to its enrol button, and the
lessons a learner will read next are kept for reading offline (recorded only once read)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.core.markup import link_images, sanitize
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from tests.coursetree import build_course
from tests.factories import Scenario, load_content

CSS = Path(__file__).resolve().parents[2] / "elearn" / "static" / "css" / "app.css"


def lesson_id(key: str) -> int:
    found = db.session.scalar(select(Lesson.id).where(Lesson.key == key))
    assert found is not None
    return found


def test_a_lesson_page_has_its_title_as_its_only_h1(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_enrolled"])
    html = client.get(f"/lessons/{scenario.first_lesson_id}").get_data(as_text=True)
    # the file opens with "# Pelajaran 1.1": the title, said once, as the page's heading
    assert html.count("<h1") == 1
    assert '<h1 class="lesson-title">Pelajaran 1.1</h1>' in html


def test_images_link_to_their_full_size_file_once_and_tables_scroll_in_a_box() -> None:
    html = sanitize(
        '<p><img alt="d" src="/media/X/a.svg?v=1"> <a href="/x"><img src="/media/X/b.svg"></a> '
        '<img src="data:image/png;base64,AA"></p><table><tr><td>1</td></tr></table>'
    )
    linked = '<a class="image-full" href="/media/X/a.svg?v=1" rel="noopener noreferrer"><img alt="d"'
    assert linked in html
    assert html.count("image-full") == 1  # an image inside a link, or a data: image, stays as it is
    assert '<div class="table-wrap" tabindex="0" role="region"><table>' in html
    assert sanitize(html) == html  # a second pass changes nothing
    assert link_images(html) == html
    css = CSS.read_text()
    assert ".lesson .table-wrap{background:linear-gradient" in css  # the scroll shadow
    assert "no-repeat local" in css


def test_a_changed_renderer_renders_kept_lessons_again_on_the_next_load(app: Flask, tmp_path: Path) -> None:
    from elearn.core import markup

    build_course(tmp_path, "TST-R", modules=1, lessons=1, quiz=False)
    load_content(app, tmp_path)
    old_version = markup.RENDERER_VERSION
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == select(Course.id).scalar_subquery()))
    assert lesson is not None and "image-full" in lesson.html
    lesson.html, lesson.content_hash = "<p>rendered by an older renderer</p>", "older"
    db.session.commit()
    try:
        markup.RENDERER_VERSION = old_version + "-next"
        load_content(app, tmp_path)
    finally:
        markup.RENDERER_VERSION = old_version
    db.session.expire_all()
    assert "image-full" in db.session.get(Lesson, lesson.id).html  # type: ignore[union-attr]


def test_the_pass_mark_is_a_percentage(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_enrolled"])
    html = client.get(f"/quizzes/{scenario.quiz_id}").get_data(as_text=True)
    assert "<dt>Nilai lulus</dt><dd>50%</dd>" in html
    assert "500" not in html


def test_a_locked_module_names_the_module_that_blocks_it(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
) -> None:
    build_course(tmp_path, "TST-3", modules=3, lessons=1, quiz=False)
    load_content(app, tmp_path)
    learner = make_user("siti")
    course_id = db.session.scalar(select(Course.id).where(Course.code == "TST-3"))
    db.session.add(Enrolment(user_id=learner.id, course_id=course_id, status="active"))
    db.session.commit()
    login(client, learner)
    client.get(f"/lessons/{lesson_id('modul-1/pelajaran-1')}")  # module 1 done: module 2 now blocks module 3
    locked = client.get(f"/lessons/{lesson_id('modul-3/pelajaran-1')}")
    assert locked.status_code == 403
    page = locked.get_data(as_text=True)
    assert "Selesaikan dahulu modul &#34;Modul 2&#34;" in page or "Selesaikan dahulu modul &quot;Modul 2&quot;" in page
    outline = client.get("/courses/TST-3").get_data(as_text=True)
    assert 'href="#modul-modul-2">Modul 2</a>' in outline


def test_the_lock_is_a_padlock_and_sign_out_is_not_a_tab(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    css = CSS.read_text()
    lock_rule = next(line for line in css.splitlines() if line.startswith(".is-locked::before"))
    assert "\\d7" not in lock_rule and "rect" in lock_rule  # a drawn padlock, not a multiplication sign
    login(client, scenario.users["learner_enrolled"])
    html = client.get("/").get_data(as_text=True)
    assert 'class="button-small sign-out"' in html
    sign_out = next(line for line in css.splitlines() if line.startswith(".site-nav .sign-out{"))
    assert "background:#0000" in sign_out  # the active tab is white; sign-out is an outline


def test_a_course_address_in_any_letter_case_leads_to_the_course(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_enrolled"])
    response = client.get("/courses/tst-1")
    assert response.status_code == 301
    assert response.headers["Location"] == "/courses/TST-1"
    assert client.get("/courses/Tst-1/continue").status_code == 302
    assert client.get("/courses/TST-1").status_code == 200


def test_a_lesson_of_a_course_one_is_not_in_leads_to_its_enrol_button(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_not_enrolled"])
    for url in (f"/lessons/{scenario.first_lesson_id}", f"/quizzes/{scenario.quiz_id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == "/courses/TST-1#daftar"
    page = client.get("/courses/TST-1").get_data(as_text=True)
    assert "Anda belum terdaftar di kursus ini." in page
    assert 'id="daftar"' in page
    assert "Daftar kursus" in page


def test_the_lessons_kept_for_reading_offline_are_the_next_ones_and_are_not_read_until_opened(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None], count_queries: Callable
) -> None:
    learner = scenario.users["learner_enrolled"]
    login(client, learner)
    client.get("/offline/lessons")  # warm the cached structure
    with count_queries() as counted:
        kept = client.get("/offline/lessons").get_json()["lessons"]
    assert counted.count <= 3  # the session, the person, their progress
    # TST-1 is sequential: module 2 waits for module 1 (two lessons and its quiz)
    assert kept == [f"/lessons/{lesson_id('modul-1/pelajaran-1')}", f"/lessons/{lesson_id('modul-1/pelajaran-2')}"]
    ahead = client.get(kept[1], headers={"X-Elearn-Prefetch": "1"})
    assert ahead.status_code == 200
    done = select(LessonCompletion).where(LessonCompletion.user_id == learner.id)
    assert db.session.scalars(done).all() == []  # fetched ahead is not read
    client.get(kept[1])  # read (online, or replayed by the service worker once back online)
    assert [c.lesson_id for c in db.session.scalars(done)] == [lesson_id("modul-1/pelajaran-2")]


def test_sign_out_removes_the_offline_copies(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    from tests.factories import csrf_from

    login(client, scenario.users["learner_enrolled"])
    token = csrf_from(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_service_worker_is_served_from_the_root_for_every_page(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    script = response.get_data(as_text=True)
    response.close()
    assert "X-Elearn-Prefetch" in script and "/offline/lessons" in script
