"""The question-type registry: the one way the quiz engine handles a question.

``kind_of(question.type)`` gives the type's ``QuestionKind``; its methods
lay a question out for an attempt, present it without its key, check and
score answers and explain them (see ``question_kind``). Every type lives in
a module of its own and registers itself by being defined; importing this
module imports them all.

Stored questions are ``QuestionSpec.content()`` JSON with a schema version
(``CONTENT_SCHEMA_VERSION`` for what is written today);
``question_from_stored`` reads any version this code knows.
"""

from __future__ import annotations

from typing import Any

from elearn.content.specs import CONTENT_SCHEMA_VERSION, QuestionSpec, question_from_content
from elearn.quizzes import choice_questions, matching_questions, text_questions
from elearn.quizzes.question_kind import QUESTION_TYPES, AnswerError, QuestionKind

__all__ = [
    "CONTENT_SCHEMA_VERSION",
    "QUESTION_TYPES",
    "AnswerError",
    "QuestionKind",
    "kind_of",
    "question_from_stored",
]

# The modules above register their types when imported; naming them keeps
# the imports from looking unused.
_TYPE_MODULES = (choice_questions, matching_questions, text_questions)


def kind_of(type_name: str) -> QuestionKind:
    """The registered type called ``type_name``; KeyError for an unknown name."""
    try:
        return QUESTION_TYPES[type_name]
    except KeyError:
        raise KeyError(f"unknown question type {type_name!r}") from None


def question_from_stored(data: dict[str, Any], schema_version: int) -> QuestionSpec:
    """A question rebuilt from stored content of ``schema_version``; ValueError for an unknown version."""
    if schema_version != CONTENT_SCHEMA_VERSION:
        raise ValueError(f"unknown question content schema version {schema_version!r}")
    if data.get("type") not in QUESTION_TYPES:
        raise ValueError(f"stored question has an unknown type {data.get('type')!r}")
    return question_from_content(data)
