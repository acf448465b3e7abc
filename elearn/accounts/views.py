"""Account pages: sign in, sign out, change password, language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from elearn.accounts import resets, services
from elearn.accounts.forms import ForgotPasswordForm, LanguageForm, LoginForm, PasswordChangeForm, ResetPasswordForm
from elearn.core.owndata import personal_data_response
from elearn.errors import Invalid, TooManyAttempts
from elearn.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never redirect to another host.

    Browsers read ``/\\host`` as ``//host`` and drop tabs and new lines inside URLs, so a
    backslash or any control character sends the person home instead (and a CR/LF would
    otherwise break the ``Location`` header).
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data or "", form.password.data or "", client=request.remote_addr or ""
            )
        except services.InvalidCredentials as error:
            form.password.errors = [error.message]
            status = 401
        except TooManyAttempts as error:
            form.password.errors = [error.message]
            status = 429
        else:
            services.start_web_session(user, current_app.permanent_session_lifetime)
            db.session.commit()
            login_user(user)
            session.permanent = True  # the cookie lives as long as the server-side session
            if user.must_change_password:
                flash(_("Ini kata sandi awal Anda. Silakan buat kata sandi baru."), "info")
                return redirect(url_for("accounts.change_password"))
            return redirect(_safe_next(form.next.data))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/login/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Forgotten password: a reset link by email when mail is configured (the same answer whoever was
    named), otherwise where to get a one-time password (the coordinator)."""
    mail = resets.mail_configured()
    form = ForgotPasswordForm()
    status = 200
    if mail and form.validate_on_submit():
        try:
            resets.request_reset(form.identifier.data or "", client=request.remote_addr or "")
        except TooManyAttempts as error:
            form.identifier.errors = [error.message]
            status = 429
        else:
            db.session.commit()
            return render_template("accounts/forgot.html", form=form, mail=mail, sent=True)
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("accounts/forgot.html", form=form, mail=mail, sent=False), status


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Choose a new password through an emailed link; every session of the person ends, then sign in."""
    try:
        person = resets.reset_user(token)
    except resets.ResetLinkInvalid as error:
        return render_template("accounts/reset.html", form=None, invalid=error.message), 404
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            resets.reset_password(token, form.new.data or "")
        except resets.ResetLinkInvalid as error:
            return render_template("accounts/reset.html", form=None, invalid=error.message), 404
        except Invalid as error:
            form.new.errors = [(error.fields or {}).get("new", error.message)]
            status = 422
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # this browser's session ended with the others
            flash(_("Kata sandi Anda telah diganti. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("accounts.login"))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("accounts/reset.html", form=form, person=person, invalid=None), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Sign out: the server-side session ends, so a copy of the cookie stops working too."""
    services.end_web_session(current_user.session_token)
    db.session.commit()
    logout_user()
    flash(_("Anda telah keluar."), "success")
    response = redirect(url_for("accounts.login"))
    # The copies of this person's pages kept for reading offline (and the service worker) go too.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Choose a new password (forced after a one-time password)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current.data or "", form.new.data or "", client=request.remote_addr or ""
            )
        except TooManyAttempts as error:
            form.current.errors = [error.message]
        except Invalid as error:
            fields = error.fields or {}
            form.current.errors = [fields["current"]] if "current" in fields else []
            form.new.errors = [fields["new"]] if "new" in fields else []
        else:
            db.session.commit()  # this browser stays signed in; every other session has ended
            flash(_("Kata sandi Anda telah diganti."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.post("/language")
def set_language() -> Any:
    """Switch between Indonesian and English (kept on the account when signed in)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/account")
@login_required
def account() -> Any:
    """The signed-in person's account: their profile, password, and their data to download."""
    return render_template("accounts/account.html", user=current_user)


@bp.get("/account/export")
@login_required
def export_data() -> Any:
    """Everything elearn holds about the signed-in person, as one JSON file (UU 27/2022)."""
    return personal_data_response(current_user)
