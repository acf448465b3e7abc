"""Anonymity is real: nothing an instructor or coordinator can reach links a survey answer to a person.

Checked through every door: the results page, its CSV, the API, the stored rows themselves, error
messages, and the order of free-text answers; below five responses and across the moment one
more person answers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from elearn.accounts.models import User
from elearn.evaluation.models import SurveyAnswer, SurveyResponse, SurveySubmission
from elearn.evaluation.surveys import answer_survey
from elearn.extensions import db
from tests.evaluation.conftest import DINKES, DISDIK, World, answers

MARK = "jawaban-khas-{}"


def answer(world: World, user: User, **kwargs: object) -> None:
    """``user`` answers EVA-1's survey (the service the page calls), committed."""
    answer_survey(user, "EVA-1", {int(key[5:]): value for key, value in answers(world, **kwargs).items()})  # type: ignore[arg-type]
    db.session.commit()


def crowd(
    world: World, completed_learner: Callable[..., User], n: int, unit: str = DINKES, start: int = 0
) -> list[User]:
    """``n`` learners who completed the course and answered, each with a distinctive text."""
    people = []
    for index in range(start, start + n):
        user = completed_learner(f"peserta{index}", unit=unit)
        answer(world, user, likert=str(1 + index % 5), text=MARK.format(index))
        people.append(user)
    return people


def _keys(value: object) -> list[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return [key for key, inner in value.items() for key in [key, *_keys(inner)]]
    if isinstance(value, list):
        return [key for inner in value for key in _keys(inner)]
    return []


def results_of(client: FlaskClient) -> tuple[str, str, dict[str, object]]:
    page = client.get("/courses/EVA-1/survey/results")
    exported = client.get("/courses/EVA-1/survey/results.csv")
    assert page.status_code == exported.status_code == 200
    return page.get_data(as_text=True), exported.get_data(as_text=True), {}


def test_below_five_responses_nothing_is_shown_not_even_how_many(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    crowd(world, completed_learner, 4)
    login(client, world.instructor)
    page, exported, _ = results_of(client)
    assert "Belum cukup jawaban untuk ditampilkan" in page
    assert "jawaban-khas" not in page and "peserta0" not in page and "Peserta0" not in page
    assert ">4<" not in page and " 4 jawaban" not in page
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows == [["butir", "jenis", "pertanyaan", "jawaban", "jumlah", "persen", "rata_rata"]]


def test_results_are_released_in_groups_of_five_so_one_more_answer_changes_nothing(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    crowd(world, completed_learner, 5)
    login(client, world.instructor)
    before_page, before_csv, _ = results_of(client)
    assert "5</span>" in before_page and MARK.format(0) in before_page
    # One more person answers: an instructor comparing the pages before and after learns nothing.
    crowd(world, completed_learner, 1, start=5)
    after_page, after_csv, _ = results_of(client)
    assert MARK.format(5) not in after_page and MARK.format(5) not in after_csv
    assert after_csv == before_csv
    crowd(world, completed_learner, 4, start=6)
    full_page, full_csv, _ = results_of(client)
    assert all(MARK.format(index) in full_csv for index in range(10))
    assert "10</span>" in full_page


def test_free_text_answers_are_listed_in_an_order_unrelated_to_when_they_were_written(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    crowd(world, completed_learner, 10)
    login(client, world.instructor)
    _page, exported, _ = results_of(client)
    listed = [row[3] for row in csv.reader(io.StringIO(exported.lstrip("\ufeff"))) if row[1] == "text"]
    written = [MARK.format(index) for index in range(10)]
    assert sorted(listed) == sorted(written)
    assert listed == sorted(written, key=lambda text: hashlib.sha256(text.encode()).hexdigest())
    assert listed != written


def test_no_stored_row_links_a_response_to_a_person_or_a_moment(world: World) -> None:
    for model in (SurveyResponse, SurveyAnswer):
        columns = {column.name for column in inspect(model).columns}
        assert not columns & {"user_id", "created_at", "submitted_at", "answered_at", "username"}, model
    assert {column.name for column in inspect(SurveySubmission).columns} == {"survey_id", "user_id"}


def test_response_ids_are_random_and_storage_follows_them_not_time(
    world: World, completed_learner: Callable[..., User]
) -> None:
    written: list[str] = []
    for index in range(8):
        before = set(db.session.scalars(select(SurveyResponse.id)))
        crowd(world, completed_learner, 1, start=index)
        (new,) = set(db.session.scalars(select(SurveyResponse.id))) - before
        written.append(new)
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in written)
    assert written != sorted(written)  # random ids: in time order they are not sorted (1 chance in 40320)
    # Read back without an order, rows come in id order (SQLite: WITHOUT ROWID), never in time order.
    if db.engine.dialect.name == "sqlite":
        assert list(db.session.scalars(select(SurveyResponse.id))) == sorted(written)


def test_the_api_gives_the_same_aggregates_and_no_person(
    client: FlaskClient,
    world: World,
    completed_learner: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
) -> None:
    people = crowd(world, completed_learner, 4)
    headers = token_for(world.instructor)
    below = client.get("/api/v1/courses/EVA-1/survey/results", headers=headers).get_json()
    assert below["shown"] is False and below["released"] == 0 and below["items"] == []
    people += crowd(world, completed_learner, 3, start=4)
    body = client.get("/api/v1/courses/EVA-1/survey/results", headers=headers).get_data(as_text=True)
    assert '"released": 5' in body or '"released":5' in body
    for person in people:
        assert person.username not in body and person.name not in body
    assert not {"user", "username", "name", "unit", "submitted_at", "created_at"} & set(_keys(json.loads(body)))


def test_a_coordinator_sees_only_units_with_five_released_responses(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    crowd(world, completed_learner, 5, unit=DINKES)
    crowd(world, completed_learner, 4, unit=DISDIK, start=5)  # a small unit: nothing of it may show
    login(client, world.coordinator)
    page, exported, _ = results_of(client)
    assert DINKES in page and DISDIK not in page
    assert all(MARK.format(index) not in exported for index in range(5, 9))
    assert all(MARK.format(index) in exported for index in range(5))


def test_a_coordinator_of_another_region_sees_nothing_and_a_learner_may_not_look(
    client: FlaskClient,
    world: World,
    completed_learner: Callable[..., User],
    make_user: Callable[..., User],
    login: Callable[..., None],
) -> None:
    crowd(world, completed_learner, 5)
    login(client, make_user("koordinator2", role="coordinator", unit="Pemerintah Kabupaten Manokwari"))
    page, exported, _ = results_of(client)
    assert "Belum cukup jawaban" in page and MARK.format(0) not in exported
    login(client, world.users["peserta0"])
    assert client.get("/courses/EVA-1/survey/results").status_code == 403
    assert client.get("/courses/EVA-1/survey/results.csv").status_code == 403


def test_refusals_never_name_the_answer_or_the_person_behind_it(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    siti = completed_learner("siti")
    answer(world, siti, text="rahasia-siti")
    login(client, siti)
    from tests.evaluation.conftest import post_survey

    refused = post_survey(client, "EVA-1", answers(world)).get_data(as_text=True)
    assert "rahasia-siti" not in refused
    login(client, world.instructor)
    assert "rahasia-siti" not in client.get("/courses/EVA-1/survey").get_data(as_text=True)
