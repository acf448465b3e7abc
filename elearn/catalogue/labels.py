"""How the content's words read to people: one label each, in Indonesian (English in the catalogue)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from elearn.content.specs import COMPETENCIES, LEVELS

COMPETENCY_LABELS: dict[str, LazyString] = {
    "teknis": _l("Teknis"),
    "manajerial": _l("Manajerial"),
    "sosial-kultural": _l("Sosial kultural"),
}
LEVEL_LABELS: dict[str, LazyString] = {"dasar": _l("Dasar"), "menengah": _l("Menengah"), "lanjut": _l("Lanjut")}

# Each label list follows its word list (content/specs.py): a new word without a label fails at import.
assert tuple(COMPETENCY_LABELS) == COMPETENCIES  # noqa: S101 - a check for developers at import (tests never run -O)
assert tuple(LEVEL_LABELS) == LEVELS  # noqa: S101 - the same
