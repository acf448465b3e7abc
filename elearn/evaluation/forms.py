"""The form a coordinator publishes a needs survey with (CSRF through Flask-WTF)."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from elearn.core.forms import FlaskForm
from elearn.errors import Invalid
from elearn.evaluation.needs import NeedsDraft

TOPIC_FIELDS = {"teknis": "topics_teknis", "manajerial": "topics_manajerial", "sosial-kultural": "topics_sosial"}


class NeedsSurveyForm(FlaskForm):
    """Title, introduction, the unit subtree asked, the window and the topics per competency type."""

    title = StringField(_l("Judul survei"), validators=[DataRequired(), Length(max=300)])
    intro = TextAreaField(_l("Pengantar (opsional)"), validators=[Optional(), Length(max=5000)])
    unit = StringField(
        _l("Unit yang disurvei"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Pegawai unit ini dan semua unit di bawahnya."),
    )
    opens_on = DateField(_l("Dibuka tanggal"), validators=[InputRequired()])
    closes_on = DateField(_l("Ditutup tanggal"), validators=[InputRequired()])
    topics_teknis = TextAreaField(
        _l("Topik kompetensi teknis"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Satu topik per baris."),
    )
    topics_manajerial = TextAreaField(
        _l("Topik kompetensi manajerial"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Satu topik per baris."),
    )
    topics_sosial = TextAreaField(
        _l("Topik kompetensi sosial kultural"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Satu topik per baris."),
    )

    def draft(self) -> NeedsDraft:
        """The survey as written (topics in the order of the three lists)."""
        topics: list[tuple[str, str]] = []
        for competency, name in TOPIC_FIELDS.items():
            text = getattr(self, name).data or ""
            topics.extend((competency, line.strip()) for line in text.splitlines() if line.strip())
        return NeedsDraft(
            title=self.title.data or "",
            intro=self.intro.data or "",
            unit=self.unit.data or "",
            opens_on=self.opens_on.data or dt.date.min,
            closes_on=self.closes_on.data or dt.date.min,
            topics=topics,
        )

    def apply(self, error: Invalid) -> None:
        """Show a service's refusal on the fields it names (topic problems on the first list)."""
        for name, message in (error.fields or {}).items():
            field = getattr(self, "topics_teknis" if name == "topics" else name, None)
            if field is not None:
                field.errors = [message]
