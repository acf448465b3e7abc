"""Enrolment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from elearn.core.forms import FlaskForm
from elearn.enrolment.models import MAX_REASON

REASON_TOO_LONG = _l("Paling banyak %(max)d karakter.", max=MAX_REASON)


class EnrolForm(FlaskForm):
    """Enrol yourself; ``key`` only for key-enrolment courses, ``reason`` only for approval courses."""

    key = StringField(_l("Kunci pendaftaran"), validators=[Optional(), Length(max=200)])
    reason = TextAreaField(
        _l("Alasan mengikuti kursus (tidak wajib)"),
        validators=[Optional(), Length(max=MAX_REASON, message=REASON_TOO_LONG)],
        description=_l("Dibaca oleh yang menyetujui pendaftaran. Paling banyak 500 karakter."),
    )


class RejectForm(FlaskForm):
    """Reject a pending enrolment: the reason is shown to the learner."""

    reason = StringField(
        _l("Alasan penolakan"),
        validators=[InputRequired(_l("Wajib diisi.")), Length(max=MAX_REASON, message=REASON_TOO_LONG)],
    )


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
