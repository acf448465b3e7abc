"""Course feedback surveys: answering once, bad answers refused whole, the certificate waiting for them."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_due
from elearn.enrolment.models import Enrolment
from elearn.evaluation.models import SurveyAnswer, SurveyResponse, SurveySubmission
from elearn.extensions import db
from tests.evaluation.conftest import World, answers, post_survey


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_learner_who_completed_the_course_answers_once_and_the_certificate_is_issued_then(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    siti = completed_learner("siti")
    assert issue_due() == 0  # the certificate waits for the survey
    login(client, siti)
    page = client.get("/courses/EVA-1").get_data(as_text=True)
    assert "Sertifikat diterbitkan setelah Anda mengisi survei umpan balik." in page
    response = post_survey(client, "EVA-1", answers(world, methods=("0", "2"), text="Lebih banyak contoh"))
    assert response.status_code == 302
    assert count(SurveySubmission) == count(SurveyResponse) == 1
    assert count(SurveyAnswer) == 5  # one Likert, one choice, two ticks, one text
    assert db.session.scalar(select(Certificate.user_id)) == siti.id
    follow = client.get("/courses/EVA-1").get_data(as_text=True)
    assert "Sertifikat Anda sudah terbit." in follow and "Unduh sertifikat" in follow


def test_a_second_answer_is_refused_and_changes_nothing(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    login(client, completed_learner("siti"))
    assert post_survey(client, "EVA-1", answers(world)).status_code == 302
    before = (count(SurveyResponse), count(SurveyAnswer))
    from tests.factories import csrf_from

    token = csrf_from(client, "/courses/EVA-1")
    again = client.post("/courses/EVA-1/survey", data={"csrf_token": token, **answers(world, likert="1")})
    assert again.status_code == 409
    assert "sudah mengisi survei ini" in again.get_data(as_text=True)
    assert (count(SurveyResponse), count(SurveyAnswer)) == before


def test_answers_outside_the_scale_or_the_options_are_refused_whole(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    login(client, completed_learner("siti"))
    ids = world.items()
    cases = [
        answers(world, likert="6"),
        answers(world, likert="0"),
        answers(world, likert="-1"),
        answers(world, part="2"),
        answers(world, methods=("0", "0")),
        answers(world, text="x" * 2001),
        {**answers(world), f"item-{ids['relevansi']}": ["3", "4"]},
        {**answers(world), "item-999999": ["1"]},
        {key: value for key, value in answers(world).items() if key != f"item-{ids['bagian']}"},
    ]
    for body in cases:
        response = post_survey(client, "EVA-1", body)
        assert response.status_code == 422, body
        assert "Periksa kembali jawaban Anda." in response.get_data(as_text=True)
    assert count(SurveySubmission) == count(SurveyResponse) == count(SurveyAnswer) == 0
    assert count(Certificate) == 0


def test_optional_and_free_text_items_may_be_left_empty(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    login(client, completed_learner("siti"))
    ids = world.items()
    body = {f"item-{ids['relevansi']}": ["5"], f"item-{ids['bagian']}": ["1"]}
    assert post_survey(client, "EVA-1", body).status_code == 302
    assert count(SurveyAnswer) == 2


def test_only_active_learners_who_completed_the_course_may_answer(
    client: FlaskClient,
    world: World,
    make_user: Callable[..., User],
    login: Callable[..., None],
) -> None:
    learning = make_user("budi")
    db.session.add(Enrolment(user_id=learning.id, course_id=world.course.id, status="active"))
    db.session.commit()
    login(client, learning)
    page = client.get("/courses/EVA-1/survey")
    assert page.status_code == 200
    assert "Survei dapat diisi setelah Anda menyelesaikan kursus." in page.get_data(as_text=True)
    assert post_survey(client, "EVA-1", answers(world)).status_code == 403
    outsider = make_user("tamu")
    login(client, outsider)
    assert client.get("/courses/EVA-1/survey").status_code == 403
    login(client, world.instructor)
    preview = client.get("/courses/EVA-1/survey")
    assert preview.status_code == 200 and "Pratinjau" in preview.get_data(as_text=True)
    assert post_survey(client, "EVA-1", answers(world)).status_code == 403
    assert count(SurveySubmission) == 0


def test_the_sweep_leaves_a_waiting_certificate_alone_and_a_coordinator_is_told_why(
    world: World, completed_learner: Callable[..., User]
) -> None:
    from elearn.certificates.services import issue_for_course
    from elearn.enrolment.services import actor_of

    completed_learner("siti")
    assert issue_due() == 0
    result = issue_for_course(actor_of(world.coordinator), world.course)
    assert result.issued == [] and result.skipped == [{"username": "siti", "reason": "survey_pending"}]


def test_a_course_whose_survey_is_not_required_issues_the_certificate_on_completion(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    from tests.coursetree import write
    from tests.factories import load_content

    write(world.folder / "umpan-balik.survey.md", "## Puas? {type=likert}\n")
    load_content(client.application, world.folder)
    completed_learner("siti")
    assert issue_due() == 1


def test_the_api_reads_and_answers_the_survey_once_and_releases_the_certificate(
    client: FlaskClient,
    world: World,
    completed_learner: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
) -> None:
    headers = token_for(completed_learner("siti"))
    survey = client.get("/api/v1/courses/EVA-1/survey", headers=headers).get_json()
    assert (survey["open"], survey["answered"], survey["required"]) == (True, False, True)
    assert [item["kind"] for item in survey["items"]] == ["likert", "single", "multiple", "text"]
    ids = world.items()
    bad = {"answers": {str(ids["relevansi"]): 9, str(ids["bagian"]): 0}}
    refused = client.post("/api/v1/courses/EVA-1/survey", headers=headers, json=bad)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {f"item-{ids['relevansi']}"}
    for value in (True, 4.0, {"a": 1}, [1, 2], "4x"):
        weird = {"answers": {str(ids["relevansi"]): value, str(ids["bagian"]): 0}}
        assert client.post("/api/v1/courses/EVA-1/survey", headers=headers, json=weird).status_code == 422, value
    body = {
        "answers": {
            str(ids["relevansi"]): 5,
            str(ids["bagian"]): 1,
            str(ids["metode"]): [0, 2],
            str(ids["saran"]): "Bagus",
        }
    }
    answered = client.post("/api/v1/courses/EVA-1/survey", headers=headers, json=body)
    assert answered.status_code == 201 and answered.get_json()["certificate"]
    again = client.post("/api/v1/courses/EVA-1/survey", headers=headers, json=body)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"
    assert client.get("/api/v1/courses/EVA-1/survey", headers=headers).get_json()["answered"] is True
