"""Course upload forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from elearn.core.forms import FlaskForm


class UploadForm(FlaskForm):
    """A ZIP of one course folder."""

    file = FileField(
        _l("Berkas ZIP kursus"),
        validators=[
            FileRequired(_l("Pilih berkas ZIP kursus.")),
            FileAllowed(["zip"], _l("Hanya berkas .zip (folder kursus yang dipadatkan).")),
        ],
        description=_l("Satu folder kursus berisi course.md, dipadatkan menjadi ZIP (paling besar 50 MiB)."),
    )


class PublishForm(FlaskForm):
    """The publish button (CSRF only)."""
