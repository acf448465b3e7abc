"""What the certificate fonts can draw, and how text is fitted into a width."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.certificates.fitting import ELLIPSIS, fit_text, text_width
from elearn.certificates.fonts import BOLD, REGULAR, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Agus Siregar, S.Kom.", "Agus Siregar, S.Kom."),
        ("José Müller-Ñúñez", "José Müller-Ñúñez"),  # Latin-1 is drawn as it is
        ("Ma\u2019ruf \u201cAmin\u201d \u2013 Œdipus Šimić", "Ma\u2019ruf \u201cAmin\u201d \u2013 Œdipus Šimić"),
        ("Muhammad \u1e62adiq", "Muhammad Sadiq"),  # Ṣ: the dot below goes, the letter stays
        ("S\u0323adiq", "Sadiq"),  # the same letter written with a combining mark
        ("\u0100isyah Nguy\u1ec5n", "Aisyah Nguyen"),
        ("Budi \U0001f600", "Budi ?"),  # an emoji is visibly replaced
        ("Budi \U0001f44d\U0001f3fd", "Budi ?"),  # its skin-tone modifier adds nothing more
        ("Siti\u200b Aminah\ufe0f", "Siti Aminah"),  # zero-width and variation characters vanish
        ("  Siti\tNur\nAini\u00a0Putri  ", "Siti Nur Aini Putri"),  # any white space is one space
        ("\u0645\u062d\u0645\u062f", "????"),  # a script the font lacks shows as one ? per letter
        ("Ana\ue000", "Ana?"),  # private-use characters too
    ],
)
def test_text_is_made_printable_with_the_certificate_fonts(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_text_that_fits_keeps_its_size_and_line() -> None:
    fitted = fit_text("Literasi Digital", BOLD, 19, 500, min_size=9)
    assert fitted.lines == ("Literasi Digital",)
    assert fitted.size == 19


def test_text_a_little_too_wide_shrinks_on_one_line() -> None:
    text = "Literasi Digital untuk Aparatur Sipil Negara"
    width = text_width(text, BOLD, 19) * 0.9
    fitted = fit_text(text, BOLD, 19, width, min_size=9)
    assert fitted.lines == (text,)
    assert 19 * 0.85 <= fitted.size < 19
    assert text_width(text, BOLD, fitted.size) <= width


def test_text_much_too_wide_wraps_onto_two_balanced_lines() -> None:
    text = "Manajemen Risiko dan Penguatan Akuntabilitas Kinerja Instansi Pemerintah Daerah"
    width = text_width(text, BOLD, 19) * 0.6
    fitted = fit_text(text, BOLD, 19, width, min_size=9)
    assert len(fitted.lines) == 2
    assert " ".join(fitted.lines) == text
    first, second = (text_width(line, BOLD, fitted.size) for line in fitted.lines)
    assert abs(first - second) < width / 3


def test_text_too_long_even_for_two_lines_is_cut_with_an_ellipsis() -> None:
    text = " ".join(["Pelatihan"] * 80)
    fitted = fit_text(text, REGULAR, 12, 300, min_size=8)
    assert fitted.size == 8
    assert len(fitted.lines) == 2
    assert fitted.lines[1].endswith(ELLIPSIS)
    assert all(text_width(line, REGULAR, 8) <= 300 for line in fitted.lines)


def test_a_single_line_field_is_cut_rather_than_wrapped() -> None:
    fitted = fit_text("x" * 500, REGULAR, 12, 200, min_size=8, max_lines=1)
    assert len(fitted.lines) == 1
    assert fitted.lines[0].endswith(ELLIPSIS)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,-'WM", min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(words, min_size=1, max_size=40).map(" ".join),
    st.sampled_from([REGULAR, BOLD]),
    st.floats(min_value=8, max_value=30),
    st.floats(min_value=60, max_value=700),
)
def test_fitted_lines_never_run_past_the_width_and_lose_nothing_unless_cut(
    text: str, font: str, size: float, width: float
) -> None:
    fitted = fit_text(text, font, size, width, min_size=6)
    assert 1 <= len(fitted.lines) <= 2
    assert 6 <= fitted.size <= size
    assert all(text_width(line, font, fitted.size) <= width + 1e-6 for line in fitted.lines)
    if not fitted.lines[-1].endswith(ELLIPSIS):
        assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")
