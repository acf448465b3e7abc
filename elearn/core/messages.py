"""The messages libraries write in English, in the person's language: WTForms and Flask-WTF form
errors (through ``LIBRARY_TRANSLATIONS``, the translations every form of ours uses) and the
marshmallow/webargs field errors of the API (``library_message``, applied where the API's error
envelope is built). One table; the Indonesian texts are msgids of our own catalogue, so English
pages read our English, not the library's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

#: What a form says when its CSRF token is missing or out of date.
FORM_EXPIRED = _l("Formulir kedaluwarsa. Muat ulang halaman, periksa isian Anda, lalu kirim lagi.")
REQUIRED = _l("Wajib diisi.")

#: WTForms' and Flask-WTF's own messages (msgids as the libraries write them, placeholders kept).
WTFORMS: dict[str, LazyString] = {
    "This field is required.": REQUIRED,
    "Field must be equal to %(other_name)s.": _l("Harus sama dengan %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Panjang minimal %(min)d karakter."),
    "Field cannot be longer than %(max)d character.": _l("Panjang maksimal %(max)d karakter."),
    "Field must be exactly %(max)d character long.": _l("Panjang harus tepat %(max)d karakter."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Panjang harus antara %(min)d dan %(max)d karakter."
    ),
    "Number must be at least %(min)s.": _l("Angka minimal %(min)s."),
    "Number must be at most %(max)s.": _l("Angka maksimal %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Angka harus antara %(min)s dan %(max)s."),
    "Date must be at least %(min)s.": _l("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": _l("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Tanggal harus antara %(min)s dan %(max)s."),
    "Invalid input.": _l("Isian tidak sah."),
    "Invalid email address.": _l("Alamat email tidak sah."),
    "Invalid IP address.": _l("Alamat IP tidak sah."),
    "Invalid Mac address.": _l("Alamat MAC tidak sah."),
    "Invalid URL.": _l("URL tidak sah."),
    "Invalid UUID.": _l("UUID tidak sah."),
    "Invalid value, must be one of: %(values)s.": _l("Nilai tidak sah; pilih salah satu dari: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Nilai tidak sah; tidak boleh salah satu dari: %(values)s."),
    "This field cannot be edited.": _l("Isian ini tidak dapat diubah."),
    "This field is disabled and cannot have a value.": _l("Isian ini nonaktif dan tidak boleh berisi nilai."),
    "Invalid CSRF Token.": FORM_EXPIRED,
    "CSRF token missing.": FORM_EXPIRED,
    "CSRF failed.": FORM_EXPIRED,
    "CSRF token expired.": FORM_EXPIRED,
    "Invalid Choice: could not coerce.": _l("Pilihan tidak sah."),
    "Choices cannot be None.": _l("Pilihan tidak tersedia."),
    "Not a valid choice.": _l("Pilihan tidak sah."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Pilihan tidak sah."),
    "'%(value)s' is not a valid choice for this field.": _l("'%(value)s' bukan pilihan yang sah."),
    "Not a valid datetime value.": _l("Tanggal dan waktu tidak sah."),
    "Not a valid date value.": _l("Tanggal tidak sah."),
    "Not a valid time value.": _l("Waktu tidak sah."),
    "Not a valid week value.": _l("Minggu tidak sah."),
    "Not a valid integer value.": _l("Bukan bilangan bulat yang sah."),
    "Not a valid decimal value.": _l("Bukan angka yang sah."),
    "Not a valid float value.": _l("Bukan angka yang sah."),
    # Flask-WTF's file validators (formatted with str.format after translation)
    "File does not have an approved extension: {extensions}": _l("Jenis berkas tidak diizinkan; gunakan: {extensions}"),
    "File must be between {min_size} and {max_size} bytes.": _l(
        "Ukuran berkas harus antara {min_size} dan {max_size} bita."
    ),
}


class LibraryTranslations:
    """The ``gettext``/``ngettext`` object WTForms asks for: its messages through ``WTFORMS`` and
    our catalogue (formatting stays with WTForms); a message not in the table is left as written."""

    def gettext(self, string: str) -> str:
        """The message in the person's language."""
        found = WTFORMS.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Plural messages: our texts read right for any number (``Panjang minimal 1 karakter.``)."""
        found = WTFORMS.get(singular)
        if found is not None:
            return str(found)
        return str(get_translations().ngettext(singular, plural, n))


LIBRARY_TRANSLATIONS = LibraryTranslations()

_NUMBER = r"(-?[\d.]+(?:e[+-]?\d+)?|[^ ]+)"
_BOUNDS = {
    "greater than or equal to": _l("paling kecil %(value)s"),
    "greater than": _l("lebih dari %(value)s"),
    "less than or equal to": _l("paling besar %(value)s"),
    "less than": _l("kurang dari %(value)s"),
}
_BOUND = "(greater than or equal to|greater than|less than or equal to|less than)"


def _bound(operator: str, value: str) -> str:
    return str(_BOUNDS[operator]) % {"value": value}


#: marshmallow's and webargs' messages (already formatted): pattern -> text built from its groups.
_API_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(rf"Must be {_BOUND} {_NUMBER} and {_BOUND} {_NUMBER}\."),
        lambda m: str(_l("Harus %(low)s dan %(high)s.")) % {"low": _bound(m[1], m[2]), "high": _bound(m[3], m[4])},
    ),
    (
        re.compile(rf"Must be {_BOUND} {_NUMBER}\."),
        lambda m: str(_l("Harus %(bound)s.")) % {"bound": _bound(m[1], m[2])},
    ),
    (
        re.compile(r"Length must be between (\d+) and (\d+)\."),
        lambda m: (
            str(WTFORMS["Field must be between %(min)d and %(max)d characters long."])
            % {"min": int(m[1]), "max": int(m[2])}
        ),
    ),
    (re.compile(r"Length must be (\d+)\."), lambda m: str(_l("Panjang harus tepat %(max)d.")) % {"max": int(m[1])}),
    (
        re.compile(r"Shorter than minimum length (\d+)\."),
        lambda m: str(_l("Panjang minimal %(min)d.")) % {"min": int(m[1])},
    ),
    (
        re.compile(r"Longer than maximum length (\d+)\."),
        lambda m: str(_l("Panjang maksimal %(max)d.")) % {"max": int(m[1])},
    ),
    (
        re.compile(r"Must be one of: (.*)\.", re.S),
        lambda m: str(_l("Harus salah satu dari: %(choices)s.")) % {"choices": m[1]},
    ),
    (re.compile(r"Must be equal to (.*)\.", re.S), lambda m: str(_l("Harus sama dengan %(other)s.")) % {"other": m[1]}),
    (
        re.compile(r"One or more of the choices you made was (?:not )?in: (.*)\.", re.S),
        lambda m: str(_l("Satu atau lebih pilihan tidak sah: %(choices)s.")) % {"choices": m[1]},
    ),
]

_API_MESSAGES: dict[str, LazyString] = {
    "Missing data for required field.": REQUIRED,
    "Field may not be null.": _l("Tidak boleh kosong (null)."),
    "Invalid value.": _l("Nilai tidak sah."),
    "Invalid input.": _l("Isian tidak sah."),
    "Invalid type.": _l("Jenis nilai tidak sah."),
    "Invalid input type.": _l("Jenis isian tidak sah."),
    "Unknown field.": _l("Kolom tidak dikenal."),
    "Not a valid string.": _l("Bukan teks yang sah."),
    "Not a valid utf-8 string.": _l("Bukan teks UTF-8 yang sah."),
    "Not a valid integer.": _l("Bukan bilangan bulat yang sah."),
    "Not a valid number.": _l("Bukan angka yang sah."),
    "Number too large.": _l("Angka terlalu besar."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Nilai NaN atau tak hingga tidak diizinkan."),
    "Not a valid boolean.": _l("Bukan nilai benar/salah yang sah."),
    "Not a valid date.": _l("Tanggal tidak sah."),
    "Not a valid datetime.": _l("Tanggal dan waktu tidak sah."),
    "Not a valid time.": _l("Waktu tidak sah."),
    "Not a valid list.": _l("Bukan daftar yang sah."),
    "Not a valid tuple.": _l("Bukan daftar yang sah."),
    "Not a valid mapping type.": _l("Bukan objek yang sah."),
    "Not a valid email address.": _l("Alamat email tidak sah."),
    "Not a valid URL.": _l("URL tidak sah."),
    "Not a valid UUID.": _l("UUID tidak sah."),
    "String does not match expected pattern.": _l("Format tidak sesuai."),
    "Invalid JSON body.": _l("Isi JSON tidak sah."),
}


def status_text(code: int) -> str:
    """What an HTTP error status means, for people (pages and the API alike)."""
    texts = {
        400: _l("Permintaan tidak dapat diproses."),
        401: _l("Silakan masuk terlebih dahulu."),
        403: _l("Anda tidak berhak membuka halaman ini."),
        404: _l("Halaman tidak ditemukan."),
        405: _l("Metode tidak diizinkan."),
        409: _l("Permintaan bertentangan dengan keadaan saat ini."),
        413: _l("Berkas terlalu besar."),
        415: _l("Jenis isi permintaan tidak didukung."),
        422: _l("Isi permintaan tidak sah."),
        429: _l("Terlalu banyak permintaan. Coba lagi nanti."),
    }
    return str(texts.get(code, _l("Terjadi kesalahan. Silakan coba lagi.")))


def library_message(text: str) -> str:
    """A library's (formatted) English message in the person's language; other text unchanged."""
    found = _API_MESSAGES.get(text)
    if found is not None:
        return str(found)
    for pattern, build in _API_PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return build(match)
    if text.startswith("Not a valid ") and text.endswith("."):  # "Not a valid aware datetime." and the like
        return str(_API_MESSAGES["Invalid value."])
    return text
