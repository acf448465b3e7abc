import datetime as dt

import pytest

from elearn.certificates.document import indonesian_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 1), "1 Januari 2026"),
        (dt.date(2026, 2, 28), "28 Februari 2026"),
        (dt.date(2026, 3, 9), "9 Maret 2026"),
        (dt.date(2026, 4, 30), "30 April 2026"),
        (dt.date(2026, 5, 2), "2 Mei 2026"),
        (dt.date(2026, 6, 15), "15 Juni 2026"),
        (dt.date(2026, 7, 17), "17 Juli 2026"),
        (dt.date(2026, 8, 17), "17 Agustus 2026"),
        (dt.date(2026, 9, 10), "10 September 2026"),
        (dt.date(2026, 10, 28), "28 Oktober 2026"),
        (dt.date(2026, 11, 23), "23 November 2026"),
        (dt.date(2026, 12, 31), "31 Desember 2026"),
    ],
)
def test_dates_are_written_in_indonesian_long_form(day: dt.date, expected: str) -> None:
    assert indonesian_date(day) == expected
