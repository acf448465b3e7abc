"""Enrolment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from elearn.core.forms import FlaskForm


class EnrolForm(FlaskForm):
    """Enrol yourself; ``key`` only for key-enrolment courses."""

    key = StringField(_l("Kunci pendaftaran"), validators=[Optional(), Length(max=200)])


class BulkEnrolForm(FlaskForm):
    """Enrol people by username or NIP: typed in, or from a CSV or XLSX file."""

    names = TextAreaField(
        _l("Nama pengguna atau NIP"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Satu per baris, atau dipisah koma."),
    )
    file = FileField(
        _l("Atau unggah berkas CSV atau Excel"),
        validators=[Optional(), FileAllowed(["csv", "txt", "xlsx"], _l("Hanya berkas .csv, .txt, atau .xlsx."))],
        description=_l("Kolom username atau nip; tanpa judul kolom, kolom pertama dipakai."),
    )


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF only)."""
