"""The notifications API: the caller's own notifications, in their language, and marking them read."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.enrolment.services import actor_of, approve
from elearn.extensions import db
from elearn.notifications.models import Notification
from elearn.notifications.services import notify
from tests.factories import Scenario

Headers = Callable[[User], dict[str, str]]


def test_the_caller_reads_their_notifications_and_marks_them_read(
    client: FlaskClient, scenario: Scenario, token_for: Headers
) -> None:
    learner = scenario.users["learner_enrolled"]
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.commit()
    first = db.session.scalar(select(func.max(Notification.id)))
    mine = token_for(learner)
    body = client.get("/api/v1/notifications", headers=mine).get_json()
    assert (body["total"], body["unread"], body["page"]) == (1, 1, 1)
    [item] = body["items"]
    assert item["kind"] == "enrolment_approved" and item["read"] is False and item["id"] == first
    assert "disetujui" in item["message"] and item["link"] == f"/courses/{scenario.approval_course.code}"
    assert client.get("/api/v1/notifications", headers=mine).get_json()["unread"] == 1  # reading marks nothing
    others = client.get("/api/v1/notifications", headers=token_for(scenario.users["learner_other_unit"]))
    assert others.get_json()["items"] == []  # only one's own
    notify(learner.id, "enrolled", course=scenario.course.code, title=scenario.course.title)
    db.session.commit()
    assert client.post("/api/v1/notifications/read", headers=mine, json={"up_to": first}).status_code == 204
    assert client.get("/api/v1/notifications", headers=mine).get_json()["unread"] == 1  # up to the one shown
    assert client.post("/api/v1/notifications/read", headers=mine).status_code == 204
    after = client.get("/api/v1/notifications", headers=mine).get_json()
    assert after["unread"] == 0 and after["items"][0]["read"] is True
    refused = client.post("/api/v1/notifications/read", headers=mine, json={"up_to": "x", "extra": 1})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/notifications").status_code == 401
