"""Account forms (CSRF on every one, through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from elearn.core.forms import FlaskForm


class LoginForm(FlaskForm):
    """Sign-in: fields ``username`` and ``password`` (contract)."""

    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    """Choose a new password."""

    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired()])
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi baru tidak sama."))],
    )


class LanguageForm(FlaskForm):
    """Switch the interface language."""

    locale = StringField(_l("Bahasa"), validators=[DataRequired(), AnyOf(["id", "en"])])


class ForgotPasswordForm(FlaskForm):
    """Ask for a password-reset link: the username or NIP."""

    identifier = StringField(_l("Nama pengguna atau NIP"), validators=[DataRequired(), Length(max=64)])


class ResetPasswordForm(FlaskForm):
    """Choose a new password through a reset link."""

    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi baru tidak sama."))],
    )
