"""Loading surveys and quiz roles: upsert by identity, versions, archiving, the content revision."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from elearn.catalogue.models import Course
from elearn.catalogue.structure import snapshot
from elearn.core.revisions import CONTENT, current
from elearn.evaluation.models import Survey, SurveyItem, SurveyItemVersion
from elearn.extensions import db
from elearn.quizzes.models import Quiz
from tests.coursetree import build_course, write

SURVEY = """\
---
title: Umpan balik
required: true
---
## Materi relevan. {type=likert id=relevansi}

## Saran {type=text}
"""


def load(app: Flask, path: Path) -> str:
    result = app.test_cli_runner().invoke(args=["content", "load", str(path)])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def items() -> list[tuple[str, int, str | None]]:
    rows = db.session.execute(
        select(SurveyItem.key, SurveyItem.version, SurveyItem.archived_at).order_by(SurveyItem.position)
    ).all()
    return [(key, version, None if archived is None else "archived") for key, version, archived in rows]


def test_a_survey_loads_with_its_items_and_an_unchanged_reload_writes_nothing(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, quiz=False)
    write(course / "umpan-balik.survey.md", SURVEY)
    assert load(app, tmp_path) == "7 created, 0 updated, 0 unchanged, 0 archived"  # surveys are not counted
    survey = db.session.scalar(select(Survey))
    assert survey is not None
    assert (survey.slug, survey.title, survey.is_required, survey.archived_at) == (
        "umpan-balik",
        "Umpan balik",
        True,
        None,
    )
    assert [key for key, _v, _a in items()][0] == "id:relevansi"
    revision = current(CONTENT)
    db.session.commit()
    assert load(app, tmp_path) == "0 created, 0 updated, 7 unchanged, 0 archived"
    db.session.expire_all()
    from flask import g

    g.pop("elearn_revisions", None)
    assert current(CONTENT) == revision


def test_a_changed_item_gets_a_new_version_and_a_vanished_one_is_archived(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, quiz=False)
    write(course / "umpan-balik.survey.md", SURVEY)
    load(app, tmp_path)
    first_revision = current(CONTENT)
    write(course / "umpan-balik.survey.md", "## Materi sangat relevan. {type=likert id=relevansi}\n")
    load(app, tmp_path)
    db.session.expire_all()
    assert [(key.split(":")[0], version, archived) for key, version, archived in items()] == [
        ("id", 2, None),
        ("stem", 1, "archived"),
    ]
    assert db.session.scalar(select(Survey.is_required)) is False
    versions = db.session.scalars(select(SurveyItemVersion.number).order_by(SurveyItemVersion.id)).all()
    assert versions == [1, 1, 2]
    from flask import g

    g.pop("elearn_revisions", None)
    assert current(CONTENT) != first_revision  # a survey-only change is seen by every server


def test_removing_the_survey_file_archives_the_survey(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, quiz=False)
    write(course / "umpan-balik.survey.md", SURVEY)
    load(app, tmp_path)
    (course / "umpan-balik.survey.md").unlink()
    load(app, tmp_path)
    db.session.expire_all()
    assert db.session.scalar(select(Survey.archived_at)) is not None


def test_quiz_roles_and_the_discussion_setting_land_in_the_database_and_the_structure(
    app: Flask, tmp_path: Path
) -> None:
    course = build_course(tmp_path, discussion="lessons")
    write(course / "01-modul-1" / "00-pre.quiz.md", "---\nrole: pretest\n---\n## Dua tambah dua?\n\n= 4\n")
    load(app, tmp_path)
    pre = db.session.scalar(select(Quiz).where(Quiz.slug == "pre"))
    assert pre is not None and (pre.role, pre.is_optional, pre.pass_percent) == ("pretest", True, 0)
    assert db.session.scalar(select(Course.discussion)) == "lessons"
    structure = snapshot().by_code["TST-1"]
    assert structure.course.discussion == "lessons"
    assert structure.items[0].role == "pretest"
    assert pre.id not in structure.required_quizzes
