"""Questions built through the real parsers, laid out as an attempt would lay them out."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from elearn.content.gift import parse_gift
from elearn.content.quizmd import parse_quiz_markdown
from elearn.content.specs import QuestionSpec
from elearn.quizzes.questions import QuestionKind, kind_of

SINGLE_MD = "## Kepanjangan ASN? {points=2}\n\n- [x] Aparatur Sipil Negara\n- [ ] Aparatur Sipil Nasional\n"
MULTIPLE_MD = "## Pilih yang benar {points=3}\n\n- [x] a\n- [x] b\n- [x] c\n- [ ] d\n- [ ] e\n"
SHORT_MD = "## Kepanjangan ASN?\n\n= Aparatur Sipil Negara\n= ASN\n"
MATCHING_GIFT = "Cocokkan.{\n=BKN -> Kepegawaian\n=LAN -> Pelatihan\n=KASN -> Sistem merit\n= -> Keuangan\n}"

EXAMPLES = {
    "single": SINGLE_MD,
    "multiple": MULTIPLE_MD,
    "truefalse": "## Benar?\n\n- [ ] Benar\n- [x] Salah\n",
    "short": SHORT_MD,
    "numerical": "## Pi?\n\n= 3.14 ± 0.01\n",
    "matching": "## Cocokkan\n\n- BKN -> Kepegawaian\n- LAN -> Pelatihan\n",
    "essay": "## Tulis esai. {type=essay}\n",
}


def markdown_question(body: str) -> QuestionSpec:
    """The one question of a Markdown quiz body."""
    _intro, questions, issues = parse_quiz_markdown(body, "q.quiz.md")
    assert [str(issue) for issue in issues] == []
    assert len(questions) == 1
    return questions[0]


def gift_question(text: str) -> QuestionSpec:
    """The one question of a GIFT bank."""
    questions, issues = parse_gift(text, "bank.gift")
    assert [str(issue) for issue in issues] == []
    assert len(questions) == 1
    return questions[0]


@dataclass
class Laid:
    """A question as one attempt sees it: its type, layout and presented form."""

    spec: QuestionSpec
    layout: dict[str, Any]
    language: str = "id"

    @property
    def kind(self) -> QuestionKind:
        return kind_of(self.spec.type)

    @property
    def shown(self) -> dict[str, Any]:
        return self.kind.present(self.spec, self.layout, language=self.language)

    def id_of(self, html: str, column: str = "options") -> str:
        """The public id of the item shown as ``html``."""
        (found,) = [item["id"] for item in self.shown[column] if item["html"] == html]
        return str(found)

    def ids(self, *htmls: str, column: str = "options") -> list[str]:
        return [self.id_of(html, column) for html in htmls]

    def pairs(self, mapping: dict[str, str]) -> dict[str, str]:
        """A matching answer from ``{left html: right html}``."""
        return {self.id_of(left, "left"): self.id_of(right, "right") for left, right in mapping.items()}

    def check(self, raw: Any) -> Any:
        return self.kind.check_answer(self.spec, self.layout, raw)

    def score(self, raw: Any) -> Fraction | None:
        return self.kind.score(self.spec, self.layout, self.check(raw))

    def right(self) -> Any:
        return self.kind.right_answer(self.spec, self.layout, language=self.language)

    def feedback(self, raw: Any) -> str:
        return self.kind.feedback_html(self.spec, self.layout, self.check(raw))


def laid(spec: QuestionSpec, seed: int = 0, *, shuffle: bool = True, language: str = "id") -> Laid:
    """``spec`` laid out with a seeded generator."""
    layout = kind_of(spec.type).make_layout(spec, random.Random(seed), shuffle=shuffle)
    return Laid(spec, layout, language)
