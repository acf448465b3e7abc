"""Quiz forms for instructors and coordinators (CSRF on every one, through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from elearn.core.forms import FlaskForm


class GradeForm(FlaskForm):
    """An essay's grade and a comment the learner sees in the review."""

    score = DecimalField(_l("Nilai"), places=None, validators=[InputRequired()])
    comment = TextAreaField(_l("Komentar untuk peserta"), validators=[Optional(), Length(max=5000)])


class OverrideForm(FlaskForm):
    """Extra time or attempts for one learner on one quiz."""

    username = StringField(_l("Nama pengguna peserta"), validators=[DataRequired(), Length(max=64)])
    extra_minutes = IntegerField(_l("Tambahan waktu (menit)"), default=0, validators=[NumberRange(0, 1440)])
    extra_attempts = IntegerField(_l("Tambahan kesempatan"), default=0, validators=[NumberRange(0, 100)])
    reason = StringField(_l("Alasan"), validators=[Optional(), Length(max=500)])
