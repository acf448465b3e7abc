"""The new hot paths run a constant number of queries: posting, listing a thread, answering a survey."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.time import now
from elearn.discussion.models import DiscussionPost
from elearn.enrolment.models import Enrolment
from elearn.evaluation.models import SurveyItem
from elearn.evaluation.surveys import answer_survey
from elearn.extensions import db
from tests.coursetree import build_course, write
from tests.factories import csrf_from, load_content

KINDS = (
    "## Butir {n} {{type=likert}}\n",
    "## Butir {n}\n\n- a\n- b\n- c\n",
    "## Butir {n} {{multiple}}\n\n- a\n- b\n- c\n",
    "## Butir {n} {{type=text}}\n",
)


def survey_text(items: int) -> str:
    """A survey of ``items`` items of every kind."""
    return "\n".join(KINDS[n % 4].format(n=n) for n in range(items))


def item_ids(code: str) -> list[int]:
    from elearn.evaluation.models import Survey

    return list(
        db.session.scalars(
            select(SurveyItem.id)
            .join(Survey, Survey.id == SurveyItem.survey_id)
            .join(Course)
            .where(Course.code == code)
        )
    )


def learner_in(code: str, make_user: Callable[..., User], name: str, *, completed: bool) -> User:
    course = db.session.scalar(select(Course).where(Course.code == code))
    assert course is not None
    user = make_user(name)
    db.session.add(
        Enrolment(user_id=user.id, course_id=course.id, status="active", completed_at=now() if completed else None)
    )
    db.session.commit()
    return user


def count(client: FlaskClient, count_queries: Callable[[], Any], method: str, path: str, **kwargs: Any) -> int:
    with count_queries() as counter:
        response = client.open(path, method=method, **kwargs)
    assert response.status_code in (200, 201, 302), (path, response.status_code, response.get_data(as_text=True)[:300])
    return counter.count


def test_answering_a_survey_costs_the_same_whatever_its_size_and_the_answers_before(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
) -> None:
    for code, items in (("QS-1", 3), ("QS-2", 16)):
        folder = build_course(tmp_path, code, modules=1, lessons=1, quiz=False)
        write(folder / "umpan-balik.survey.md", survey_text(items))
    load_content(app, tmp_path)
    counts = {}
    for code, earlier in (("QS-1", 0), ("QS-2", 12)):
        given = {item_id: ["1"] for item_id in item_ids(code)}
        for n in range(earlier):  # other people's answers must not matter
            answer_survey(learner_in(code, make_user, f"{code}-lain{n}", completed=True), code, given)
            db.session.commit()
        user = learner_in(code, make_user, f"{code}-siti", completed=True)
        client = app.test_client()
        login(client, user)
        token = csrf_from(client, f"/courses/{code}/survey")  # also warms the course structure
        body = {"csrf_token": token, **{f"item-{item_id}": "1" for item_id in given}}
        counts[code] = count(client, count_queries, "POST", f"/courses/{code}/survey", data=body)
    assert counts["QS-1"] == counts["QS-2"], counts
    assert counts["QS-1"] <= 14, counts


def test_posting_and_listing_a_thread_cost_the_same_whatever_the_discussion_size(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
) -> None:
    build_course(tmp_path, "QD-1", modules=1, lessons=1, quiz=False)
    load_content(app, tmp_path)
    course = db.session.scalar(select(Course).where(Course.code == "QD-1"))
    assert course is not None
    siti = learner_in("QD-1", make_user, "siti", completed=False)
    client = app.test_client()
    login(client, siti)
    token = csrf_from(client, "/courses/QD-1/discussion")
    counts: dict[str, list[int]] = {"post": [], "reply": [], "thread": [], "threads": []}
    for replies in (2, 40):
        root = DiscussionPost(course_id=course.id, author_id=siti.id, body="Topik", html="<p>Topik</p>")
        db.session.add(root)
        db.session.flush()
        others = [make_user(f"penulis{replies}-{n}") for n in range(3)]
        for n in range(replies):
            author = others[n % 3]
            db.session.add(
                DiscussionPost(course_id=course.id, root_id=root.id, author_id=author.id, body="Ya", html="<p>Ya</p>")
            )
        root.reply_count = replies
        db.session.commit()
        counts["threads"].append(count(client, count_queries, "GET", "/courses/QD-1/discussion"))
        counts["thread"].append(count(client, count_queries, "GET", f"/discussion/{root.id}"))
        counts["post"].append(
            count(client, count_queries, "POST", "/courses/QD-1/discussion", data={"csrf_token": token, "body": "Baru"})
        )
        counts["reply"].append(
            count(
                client, count_queries, "POST", f"/discussion/{root.id}/replies", data={"csrf_token": token, "body": "B"}
            )
        )
    assert all(small == large for small, large in counts.values()), counts
    assert counts["threads"][0] <= 5 and counts["thread"][0] <= 6, counts
