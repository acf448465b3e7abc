"""Certificate forms: a coordinator issues and revokes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from elearn.core.forms import FlaskForm


class IssueForm(FlaskForm):
    """Issue missing certificates of a course: for everyone in scope, or for the people named."""

    course = SelectField(_l("Kursus"), validators=[DataRequired()], choices=[])
    names = TextAreaField(
        _l("Nama pengguna (kosongkan untuk semua yang sudah selesai)"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Satu per baris, atau dipisah koma."),
    )


class RevokeForm(FlaskForm):
    """Revoke a certificate; the reason is shown on the public verification page."""

    reason = TextAreaField(
        _l("Alasan pencabutan"),
        validators=[DataRequired(_l("Alasan pencabutan wajib diisi.")), Length(max=1000)],
        description=_l("Ditampilkan di halaman verifikasi publik."),
    )
