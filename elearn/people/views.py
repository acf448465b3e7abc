"""Pages for administering people (admins; coordinators for their units) and the unit tree (admins)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.accounts.models import User
from elearn.accounts.services import ImportFailed
from elearn.errors import Invalid
from elearn.extensions import db
from elearn.people import imports, services, units
from elearn.people.forms import ConfirmForm, ImportForm, MoveForm, NewPersonForm, PersonForm, RenameForm, UnitForm
from elearn.people.policy import grantable_roles
from elearn.people.queries import search_people, unit_choices, unit_tree

bp = Blueprint("people", __name__, url_prefix="/admin")
PER_PAGE = 50
MAX_PAGE = 100_000
SHOWN_ERRORS = 200  # a file of 10 000 bad rows must not make a page of 10 000 lines


def _page_number() -> int:
    return min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)


def _fields(form: PersonForm) -> services.PersonFields:
    return services.PersonFields(
        name=form.name.data or "",
        email=form.email.data or None,
        position=form.position.data or None,
        unit=form.unit.data or None,
        role=form.role.data or "",
    )


def _show_invalid(form: Any, error: Invalid) -> None:
    """Put a service's refusal on the form's fields (or on the first field when it names none)."""
    for name, message in (error.fields or {}).items():
        getattr(form, name).errors = [message]
    if not error.fields:
        form.name.errors = [error.message]


@bp.get("/users")
@login_required
def people() -> Any:
    """People the caller administers, searched by name, username or NIP."""
    actor = services.administrator(current_user)
    q = request.args.get("q", "").strip()[:100]
    page = search_people(actor, q, page=_page_number(), per_page=PER_PAGE)
    return render_template("people/people.html", page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_person() -> Any:
    """Create one account; its one-time password is shown once."""
    actor = services.administrator(current_user)
    form = NewPersonForm()
    form.offer_roles(grantable_roles(actor))
    status = 200
    if form.validate_on_submit():
        try:
            person, password = services.create_person(
                current_user, form.username.data or "", form.nip.data or None, _fields(form)
            )
        except Invalid as error:
            db.session.rollback()
            _show_invalid(form, error)
            status = 422
        else:
            db.session.commit()
            return render_template("people/password.html", person=person, password=password, created=True)
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("people/new.html", form=form, units=unit_choices(actor)), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def person(user_id: int) -> Any:
    """Edit a person's name, email, position, unit and role; reset, deactivate, reactivate."""
    actor = services.administrator(current_user)
    found = services.visible_person(current_user, user_id)
    current = {"name": found.name, "email": found.email, "position": found.position, "role": found.role}
    form = PersonForm(data={**current, "unit": found.unit_path})
    form.offer_roles(grantable_roles(actor))
    status = 200
    if form.validate_on_submit():
        try:
            changes = services.update_person(current_user, found, _fields(form))
        except Invalid as error:
            db.session.rollback()
            _show_invalid(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Perubahan disimpan.") if changes else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("people.person", user_id=found.id))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return _person_page(found, form, actor, status)


def _person_page(found: User, form: PersonForm, actor: Any, status: int) -> Any:
    page = render_template(
        "people/person.html", person=found, form=form, confirm=ConfirmForm(), units=unit_choices(actor)
    )
    return page, status


@bp.post("/users/<int:user_id>/password")
@login_required
def reset_password(user_id: int) -> Any:
    """Give the person a one-time password, shown once on this page."""
    found = services.visible_person(current_user, user_id)
    password = services.reset_password(current_user, found)
    db.session.commit()
    return render_template("people/password.html", person=found, password=password, created=False)


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int) -> Any:
    """Deactivate: signed out everywhere at once, sign-in refused, history kept."""
    found = services.visible_person(current_user, user_id)
    if services.set_active(current_user, found, False):
        db.session.commit()
        flash(_("%(username)s dinonaktifkan dan dikeluarkan dari semua perangkat.", username=found.username), "success")
    return redirect(url_for("people.person", user_id=found.id))


@bp.post("/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int) -> Any:
    """Let a deactivated person sign in again."""
    found = services.visible_person(current_user, user_id)
    if services.set_active(current_user, found, True):
        db.session.commit()
        flash(_("%(username)s diaktifkan kembali.", username=found.username), "success")
    return redirect(url_for("people.person", user_id=found.id))


@bp.route("/users/import", methods=["GET", "POST"])
@login_required
def import_people() -> Any:
    """The users CSV of ``elearn users import``, uploaded: every error as ``FILE:LINE``, all or nothing."""
    services.administrator(current_user)
    form = ImportForm()
    errors: list[str] = []
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = imports.import_people(
                current_user, upload.read(imports.MAX_FILE_BYTES + 1), upload.filename or "pengguna.csv"
            )
        except ImportFailed as failure:
            db.session.rollback()
            errors, status = failure.errors, 422
            message = _("Tidak ada yang diimpor: %(n)d kesalahan. Perbaiki berkasnya lalu unggah lagi.", n=len(errors))
            form.file.errors = [message]
        else:
            db.session.commit()
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    shown = errors[:SHOWN_ERRORS]
    page = render_template("people/import.html", form=form, errors=shown, more=len(errors) - len(shown), report=report)
    return page, status


@bp.route("/units", methods=["GET", "POST"])
@login_required
def unit_list() -> Any:
    """The unit tree, with how many people each unit holds, and a form to add a unit."""
    units.editor(current_user)
    form = UnitForm()
    status = 200
    if form.validate_on_submit():
        try:
            parent = units.unit_at(form.parent.data or "", "parent")
            unit = units.create_unit(current_user, parent, form.name.data or "")
        except Invalid as error:
            db.session.rollback()
            _show_invalid(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Unit %(path)s dibuat.", path=unit.path), "success")
            return redirect(url_for("people.unit_list"))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("people/units.html", rows=unit_tree(), form=form), status


@bp.get("/units/<int:unit_id>")
@login_required
def unit(unit_id: int) -> Any:
    """Rename or move one unit."""
    found = units.unit_by_id(current_user, unit_id)
    return _unit_page(found, RenameForm(name=found.name), MoveForm(parent=_parent_path(found)), 200)


def _parent_path(found: Any) -> str:
    return found.path.rsplit("/", 1)[0] if "/" in found.path else ""


def _unit_page(found: Any, rename: RenameForm, move: MoveForm, status: int) -> Any:
    return render_template("people/unit.html", unit=found, rename=rename, move=move), status


@bp.post("/units/<int:unit_id>/rename")
@login_required
def rename_unit(unit_id: int) -> Any:
    """Rename a unit (the paths below it follow)."""
    found = units.unit_by_id(current_user, unit_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            units.rename_unit(current_user, found, form.name.data or "")
        except Invalid as error:
            db.session.rollback()
            _show_invalid(form, error)
        else:
            db.session.commit()
            flash(_("Nama unit disimpan."), "success")
            return redirect(url_for("people.unit", unit_id=unit_id))
    found = units.unit_by_id(current_user, unit_id)
    return _unit_page(found, form, MoveForm(parent=_parent_path(found)), 400 if form.csrf_token.errors else 422)


@bp.post("/units/<int:unit_id>/move")
@login_required
def move_unit(unit_id: int) -> Any:
    """Move a unit, with everything below it, under another unit (or to the top)."""
    found = units.unit_by_id(current_user, unit_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            units.move_unit(current_user, found, units.unit_at(form.parent.data or "", "parent"))
        except Invalid as error:
            db.session.rollback()
            form.parent.errors = [(error.fields or {}).get("parent", error.message)]
        else:
            db.session.commit()
            flash(_("Unit dipindahkan."), "success")
            return redirect(url_for("people.unit", unit_id=unit_id))
    found = units.unit_by_id(current_user, unit_id)
    return _unit_page(found, RenameForm(name=found.name), form, 400 if form.csrf_token.errors else 422)


@bp.app_template_global()
def role_label(role: str) -> str:
    """A role as people read it (Peserta, Pengajar, Koordinator, Admin)."""
    from elearn.people.forms import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))
