"""Forms of the JP pages: an external learning record, a coordinator's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from elearn.catalogue.labels import COMPETENCY_LABELS
from elearn.core.forms import FlaskForm

METHOD_LABELS = {
    "seminar": _l("Seminar"),
    "workshop": _l("Lokakarya (workshop)"),
    "coaching": _l("Coaching"),
    "mentoring": _l("Mentoring"),
    "magang": _l("Magang"),
    "lainnya": _l("Lainnya"),
}


class RecordForm(FlaskForm):
    """An external learning activity and its evidence."""

    title = StringField(_l("Judul kegiatan"), validators=[DataRequired(), Length(max=300)])
    method = SelectField(
        _l("Jenis kegiatan"),
        choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items()],
        validators=[DataRequired()],
    )
    competency = SelectField(
        _l("Jenis kompetensi"),
        choices=[SelectChoice(k, v) for k, v in COMPETENCY_LABELS.items()],
        validators=[DataRequired()],
    )
    organiser = StringField(_l("Penyelenggara"), validators=[DataRequired(), Length(max=300)])
    started_on = DateField(_l("Tanggal mulai"), validators=[InputRequired()])
    ended_on = DateField(_l("Tanggal selesai"), validators=[InputRequired()])
    jp = IntegerField(_l("Jumlah JP"), validators=[InputRequired(), NumberRange(min=1, max=200)])
    evidence = FileField(
        _l("Bukti (PDF, PNG, JPEG, atau WebP)"),
        validators=[Optional()],
        description=_l("Sertifikat, surat tugas, atau daftar hadir."),
    )


class DecisionForm(FlaskForm):
    """Approve, or reject with a reason."""

    reason = TextAreaField(_l("Alasan (wajib bila ditolak)"), validators=[Optional(), Length(max=1000)])
