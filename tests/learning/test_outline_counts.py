"""The Python outline (``progress/outline.py``) and the SQL aggregates (``progress/queries.py``) count
required and done items the same way, on generated courses: optional modules, lessons and quizzes,
archived items, lessons read and quizzes passed or failed."""

from __future__ import annotations

import random
from collections.abc import Callable

from flask import Flask

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson, Module
from elearn.core.revisions import CONTENT, bump
from elearn.core.time import now
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.progress.outline import load_outline
from elearn.progress.queries import completed_counts, required_totals
from elearn.quizzes.models import Quiz, QuizResult


def _generated_course(rng: random.Random, code: str) -> Course:
    course = Course(code=code, title=code, jp=2, competency="teknis", is_sequential=rng.random() < 0.5)
    db.session.add(course)
    db.session.flush()
    for m in range(rng.randint(1, 4)):
        module = Module(course_id=course.id, slug=f"m{m}", title=f"M{m}", position=m, is_optional=rng.random() < 0.25)
        if rng.random() < 0.1:
            module.archived_at = now()
        db.session.add(module)
        db.session.flush()
        for n in range(rng.randint(0, 4)):
            lesson = Lesson(
                course_id=course.id,
                module_id=module.id,
                key=f"m{m}/l{n}",
                slug=f"l{n}",
                title=f"L{n}",
                position=n,
                is_optional=rng.random() < 0.25,
                archived_at=now() if rng.random() < 0.1 else None,
            )
            db.session.add(lesson)
        for n in range(rng.randint(0, 2)):
            quiz = Quiz(
                course_id=course.id,
                module_id=module.id,
                slug=f"q{n}",
                title=f"Q{n}",
                position=10 + n,
                is_optional=rng.random() < 0.25,
                archived_at=now() if rng.random() < 0.1 else None,
            )
            db.session.add(quiz)
    db.session.flush()
    bump(CONTENT)  # as a content load does: the cached structures see the new course
    return course


def _learn(rng: random.Random, course: Course, user: User) -> None:
    for lesson in db.session.scalars(db.select(Lesson).where(Lesson.course_id == course.id)):
        if rng.random() < 0.6:
            db.session.add(LessonCompletion(user_id=user.id, lesson_id=lesson.id))
    for quiz in db.session.scalars(db.select(Quiz).where(Quiz.course_id == course.id)):
        if rng.random() < 0.7:
            db.session.add(QuizResult(user_id=user.id, quiz_id=quiz.id, is_passed=rng.random() < 0.6))
    db.session.flush()


def test_python_and_sql_count_required_and_done_items_alike(app: Flask, make_user: Callable[..., User]) -> None:
    learners = [make_user(f"peserta{n}") for n in range(3)]
    checked = 0
    for seed in range(40):
        rng = random.Random(seed)
        course = _generated_course(rng, f"GEN-{seed}")
        for learner in learners:
            _learn(rng, course, learner)
        totals = required_totals([course.id])
        done = completed_counts([u.id for u in learners], [course.id])
        for learner in learners:
            outline = load_outline(course, learner.id)
            assert totals[course.id] == outline.total_items, f"seed {seed}: required items"
            assert done.get((learner.id, course.id), 0) == outline.completed_items, f"seed {seed}: done items"
            checked += 1
    db.session.commit()
    assert checked == 120
