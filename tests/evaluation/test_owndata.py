"""The personal-data export holds a person's posts and needs answers, and never their survey answers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.discussion.models import DiscussionPost
from elearn.evaluation.models import NeedsRating, NeedsResponse, NeedsSurvey, NeedsTopic
from elearn.extensions import db
from tests.evaluation.conftest import World, answers, post_survey


def test_the_export_has_posts_and_needs_answers_and_only_the_fact_of_a_survey_answer(
    client: FlaskClient, world: World, completed_learner: Callable[..., User], login: Callable[..., None]
) -> None:
    siti = completed_learner("siti")
    login(client, siti)
    assert post_survey(client, "EVA-1", answers(world, text="saran-rahasia-siti")).status_code == 302
    db.session.add(
        DiscussionPost(course_id=world.course.id, author_id=siti.id, body="Pesan **saya**", html="<p>Pesan</p>")
    )
    survey = NeedsSurvey(
        title="Kebutuhan 2027",
        unit_id=siti.unit_id,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2030, 1, 1),
        created_by_id=world.coordinator.id,
    )
    db.session.add(survey)
    db.session.flush()
    topic = NeedsTopic(survey_id=survey.id, position=1, competency="teknis", title="Penyusunan SKM")
    response = NeedsResponse(survey_id=survey.id, user_id=siti.id, unit_id=siti.unit_id, method="coaching")
    db.session.add_all([topic, response])
    db.session.flush()
    db.session.add(NeedsRating(response_id=response.id, topic_id=topic.id, rating=5))
    db.session.commit()
    exported = client.get("/account/export").get_data(as_text=True)
    sections = json.loads(exported)["sections"]
    assert sections["discussion_posts"][0]["body"] == "Pesan **saya**"
    assert sections["needs_answers"][0]["ratings"] == [{"topic": "Penyusunan SKM", "competency": "teknis", "rating": 5}]
    assert sections["feedback_surveys"]["answered"] == [{"course": "EVA-1", "survey": "Umpan balik pelatihan"}]
    assert "saran-rahasia-siti" not in exported
