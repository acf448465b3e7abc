"""Forms for administering people and units (CSRF on every one, through Flask-WTF)."""

from __future__ import annotations

import string

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import Field, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from elearn.accounts.csvrows import EMAIL, USERNAME_MAX_LENGTH, normalize_unit, username_problems
from elearn.accounts.nip import nip_problems, normalize_nip
from elearn.core.forms import FlaskForm

ROLE_LABELS = {
    "learner": _l("Peserta"),
    "instructor": _l("Pengajar"),
    "coordinator": _l("Koordinator"),
    "admin": _l("Admin"),
}

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
USERNAME_RULE = _l(
    "Nama pengguna hanya huruf kecil a-z, angka, '.', '_' atau '-', 2-64 karakter, diawali huruf atau angka."
)
NIP_RULE = _l(
    "NIP tidak sah: 18 angka berisi tanggal lahir, tahun dan bulan pengangkatan, jenis kelamin (1 atau 2) "
    "dan nomor urut."
)


def _strip(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


class PersonForm(FlaskForm):
    """What an administrator edits: name, email, position, unit and role."""

    name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    email = StringField(
        _l("Email"),
        validators=[Optional(), Length(max=254), Regexp(EMAIL, message=_l("Alamat email tidak sah."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)], filters=[_strip])
    unit = StringField(
        _l("Unit"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Jalur lengkap, mis. Pemerintah Kota Sorong/Dinas Kesehatan. Unit baru dibuat bila belum ada."),
    )
    role = SelectField(_l("Peran"), choices=[])

    def validate_unit(self, field: Field) -> None:
        """The unit path as the users CSV reads it (``A / B`` is ``A/B``)."""
        path, problems = normalize_unit(field.data or "")
        if problems:
            raise ValidationError(str(_l("Jalur unit memuat bagian kosong.")))
        field.data = path

    def offer_roles(self, roles: tuple[str, ...]) -> None:
        """The roles the administrator may give."""
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]


class NewPersonForm(PersonForm):
    """A new account: its username and NIP too (the password is generated)."""

    username = StringField(
        _l("Nama pengguna"),
        validators=[DataRequired(), Length(max=USERNAME_MAX_LENGTH)],
        # ASCII letters only: str.lower() would turn the Kelvin sign into a plain "k" (as the users CSV).
        filters=[lambda value: value.strip().translate(_ASCII_LOWER) if isinstance(value, str) else value],
        description=_l("Huruf kecil, angka, titik, garis bawah atau tanda hubung; 2-64 karakter."),
    )
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Length(max=40)],
        filters=[lambda value: normalize_nip(value) if isinstance(value, str) else value],
        description=_l("18 angka; wajib untuk peserta."),
    )

    def validate_username(self, field: Field) -> None:
        """The users CSV's username rule."""
        if username_problems(field.data or ""):
            raise ValidationError(str(USERNAME_RULE))

    def validate_nip(self, field: Field) -> None:
        """The NIP rules (birth date, start of service, sex digit)."""
        if field.data and nip_problems(field.data):
            raise ValidationError(str(NIP_RULE))
        field.data = field.data or None


class ImportForm(FlaskForm):
    """A users CSV (the header of ``elearn users import``)."""

    file = FileField(
        _l("Berkas CSV pengguna"),
        validators=[
            FileRequired(_l("Pilih berkas CSV.")),
            FileAllowed(["csv", "txt"], _l("Hanya berkas .csv atau .txt.")),
        ],
        description=_l("UTF-8 (Excel: CSV UTF-8), judul kolom username,nip,name,email,unit,position,role,password."),
    )


class UnitForm(FlaskForm):
    """A new unit: its parent's path (empty: at the top) and its name."""

    parent = StringField(
        _l("Di bawah unit"), validators=[Optional(), Length(max=1000)], description=_l("Kosongkan untuk unit teratas.")
    )
    name = StringField(_l("Nama unit"), validators=[DataRequired(), Length(max=200)])


class RenameForm(FlaskForm):
    """A unit's new name."""

    name = StringField(_l("Nama baru"), validators=[DataRequired(), Length(max=200)])


class MoveForm(FlaskForm):
    """A unit's new parent (empty: the top of the tree)."""

    parent = StringField(
        _l("Pindahkan ke bawah unit"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Kosongkan untuk menjadikannya unit teratas."),
    )


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF only)."""
