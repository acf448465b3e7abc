"""The kinds of notification: each one's message, written from its params in the reader's language, and
the page it leads to (always one of the reader's own pages). A kind is declared once, here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its message (``%(name)s`` placeholders filled from the params), what its
    params must hold, and its link as ``(endpoint, values)`` built from them."""

    message: LazyString
    params: tuple[str, ...]
    link: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]
    #: The message continues with this when the param ``reason`` is given.
    reason: LazyString | None = None


def _course(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "catalogue.course", {"code": params["course"]}


def _own_certificates(_params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "certificates.mine", {}


def _own_jp(_params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "reports.my_jp", {}


def _attempt(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "quizzes.attempt", {"attempt_id": params["attempt"]}


_REASON = _l("Alasan: %(reason)s")

KINDS: dict[str, Kind] = {
    "enrolment_approved": Kind(
        _l("Pendaftaran Anda di kursus %(title)s disetujui. Selamat belajar!"), ("course", "title"), _course
    ),
    "enrolment_rejected": Kind(
        _l("Pendaftaran Anda di kursus %(title)s ditolak."), ("course", "title"), _course, _REASON
    ),
    "enrolled": Kind(_l("Anda didaftarkan ke kursus %(title)s."), ("course", "title"), _course),
    "quiz_graded": Kind(
        _l("Jawaban Anda pada kuis %(quiz)s (kursus %(title)s) sudah dinilai."), ("attempt", "quiz", "title"), _attempt
    ),
    "certificate_issued": Kind(_l("Sertifikat kursus %(title)s telah terbit."), ("code", "title"), _own_certificates),
    "certificate_revoked": Kind(
        _l("Sertifikat kursus %(title)s dicabut."), ("code", "title"), _own_certificates, _REASON
    ),
    "record_approved": Kind(_l("Catatan pembelajaran %(title)s disetujui; JP-nya dihitung."), ("title",), _own_jp),
    "record_rejected": Kind(_l("Catatan pembelajaran %(title)s ditolak."), ("title",), _own_jp, _REASON),
}


def message_of(kind: str, params: dict[str, Any]) -> str:
    """A notification's sentence in the current language (an unknown kind, from a newer version: a
    generic sentence rather than an error)."""
    found = KINDS.get(kind)
    if found is None:
        return str(_l("Ada kabar baru untuk Anda."))
    values = {name: params.get(name, "") for name in found.params}
    text = str(found.message) % values
    if found.reason is not None and params.get("reason"):
        text += " " + str(found.reason) % {"reason": params["reason"]}
    return text


def link_of(kind: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The endpoint and values of the page a notification leads to, or None."""
    found = KINDS.get(kind)
    try:
        return found.link(params) if found is not None else None
    except KeyError:
        return None
