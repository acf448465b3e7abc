"""The NIP rules, tested without an app."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.accounts.nip import NIP_LENGTH, is_valid_nip, mask_nip, nip_problems, normalize_nip

TODAY = date(2025, 6, 15)
VALID = "198001012005011001"
ASCII_DIGITS = "0123456789"


def make_nip(birth: str = "19800101", service: str = "200501", sex: str = "1", serial: str = "001") -> str:
    """Build a NIP from its parts (no checking: tests decide what is valid)."""
    return birth + service + sex + serial


def problems(raw: str) -> list[str]:
    """The problems of ``raw`` on the fixed test day."""
    return nip_problems(raw, today=TODAY)


# --- valid NIPs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        VALID,
        "19800101 200501 1 001",
        "196512311990032002",
        "199902282023121999",
        make_nip("19900615", "201503", "2", "000"),
        make_nip("19000101", "190001", "1", "999"),
        make_nip("20250615", "202506", "2", "001"),
    ],
)
def test_a_well_formed_nip_is_valid(raw: str) -> None:
    assert problems(raw) == []
    assert is_valid_nip(raw, today=TODAY)


def test_the_real_date_is_used_when_no_day_is_given() -> None:
    assert nip_problems(VALID) == []
    assert is_valid_nip(VALID)


def test_nip_length_is_eighteen() -> None:
    assert NIP_LENGTH == 18


# --- whitespace -------------------------------------------------------------------------------


@pytest.mark.parametrize("position", range(1, 18))
def test_a_space_anywhere_between_digits_is_ignored(position: int) -> None:
    raw = VALID[:position] + " " + VALID[position:]
    assert normalize_nip(raw) == VALID
    assert problems(raw) == []


@pytest.mark.parametrize(
    "raw",
    [
        " 198001012005011001",
        "198001012005011001 ",
        "  19800101   200501  1  001  ",
        "19800101\t200501\t1\t001",
        "19800101\n200501\n1\n001",
        "19800101\r\n200501 1 001",
        "19800101\u00a0200501\u00a01\u00a0001",
        "19800101\u3000200501 1 001",
        "1 9 8 0 0 1 0 1 2 0 0 5 0 1 1 0 0 1",
    ],
)
def test_any_whitespace_is_accepted_and_removed(raw: str) -> None:
    assert normalize_nip(raw) == VALID
    assert problems(raw) == []


def test_normalize_leaves_other_characters_alone() -> None:
    assert normalize_nip(" 1980-01.01 ") == "1980-01.01"


@pytest.mark.parametrize("raw", ["", " ", "\t\n", "\u00a0"])
def test_an_empty_nip_is_reported_as_empty(raw: str) -> None:
    assert problems(raw) == ["NIP is empty"]
    assert not is_valid_nip(raw, today=TODAY)


# --- length and characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (VALID[:-1], ["NIP must have 18 digits, got 17"]),
        (VALID + "1", ["NIP must have 18 digits, got 19"]),
        ("1", ["NIP must have 18 digits, got 1"]),
        (VALID * 2, ["NIP must have 18 digits, got 36"]),
    ],
)
def test_a_nip_without_eighteen_digits_is_refused(raw: str, expected: list[str]) -> None:
    assert problems(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "19800101200501100A",
            ["NIP may contain only digits and spaces, found 'A'", "NIP must have 18 digits, got 17"],
        ),
        (
            "A19800101200501100",
            ["NIP may contain only digits and spaces, found 'A'", "NIP must have 18 digits, got 17"],
        ),
        ("19800101-200501-1-001", ["NIP may contain only digits and spaces, found '-'"]),
        ("19800101.200501.1.001", ["NIP may contain only digits and spaces, found '.'"]),
        ("+198001012005011001", ["NIP may contain only digits and spaces, found '+'"]),
        (
            "NIP 198001012005011001x-",
            ["NIP may contain only digits and spaces, found 'N', 'I', 'P', 'x', '-'"],
        ),
        (
            "abc",
            ["NIP may contain only digits and spaces, found 'a', 'b', 'c'", "NIP must have 18 digits, got 0"],
        ),
    ],
)
def test_letters_and_punctuation_are_refused_by_name(raw: str, expected: list[str]) -> None:
    assert problems(raw) == expected
    assert not is_valid_nip(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١", "U+0661"),  # Arabic-Indic digits
        ("۱۹۸۰۰۱۰۱۲۰۰۵۰۱۱۰۰۱", "U+06F1"),  # Extended Arabic-Indic (Persian) digits
        ("１９８００１０１２００５０１１００１", "U+FF11"),  # fullwidth digits
        ("१९८००१०१२००५०११००१", "U+0967"),  # Devanagari digits
    ],
)
def test_non_ascii_digits_are_refused(raw: str, shown: str) -> None:
    found = problems(raw)
    assert found[0].startswith(f"NIP may contain only digits and spaces, found {shown}, ")
    assert found[1] == "NIP must have 18 digits, got 0"
    assert not is_valid_nip(raw, today=TODAY)


def test_a_single_non_ascii_digit_among_ascii_ones_is_refused() -> None:
    raw = VALID[:-1] + "\u0661"
    assert problems(raw) == [
        "NIP may contain only digits and spaces, found U+0661",
        "NIP must have 18 digits, got 17",
    ]


@pytest.mark.parametrize("char", ["\u00b2", "\u2460", "\u00bd", "\x00", "\u200b"])
def test_digit_like_and_invisible_characters_are_refused_by_code_point(char: str) -> None:
    found = problems(VALID + char)
    assert found == [f"NIP may contain only digits and spaces, found U+{ord(char):04X}"]


# --- birth date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "valid"),
    [
        ("19840229", True),
        ("19830229", False),
        ("20000229", True),
        ("19000229", False),  # 1900 is not a leap year
        ("19960229", True),
        ("19970229", False),
        ("19840230", False),
    ],
)
def test_february_29th_exists_only_in_leap_years(birth: str, valid: bool) -> None:
    expected = [] if valid else [f"NIP birth date {birth} is not a real date"]
    assert problems(make_nip(birth=birth, service="202001")) == expected


@pytest.mark.parametrize("year", [1981, 1984])
@pytest.mark.parametrize("month", range(1, 13))
def test_every_months_last_day_is_valid_and_the_day_after_is_not(year: int, month: int) -> None:
    last_day = calendar.monthrange(year, month)[1]
    last = f"{year}{month:02d}{last_day:02d}"
    after = f"{year}{month:02d}{last_day + 1:02d}"
    assert problems(make_nip(birth=last, service="201001")) == []
    assert problems(make_nip(birth=after, service="201001")) == [f"NIP birth date {after} is not a real date"]


@pytest.mark.parametrize("birth", ["19800001", "19801301", "19809901", "19800100", "19800132", "19800199"])
def test_a_birth_date_with_an_impossible_month_or_day_is_refused(birth: str) -> None:
    assert problems(make_nip(birth=birth)) == [f"NIP birth date {birth} is not a real date"]


@pytest.mark.parametrize("birth", ["18991231", "00000000", "01000101", "18000101"])
def test_a_birth_year_before_1900_is_refused(birth: str) -> None:
    assert problems(make_nip(birth=birth)) == [f"NIP birth year {birth[:4]} is before 1900"]


@pytest.mark.parametrize("birth", ["20250616", "20260101", "99991231"])
def test_a_birth_date_after_today_is_refused(birth: str) -> None:
    assert problems(make_nip(birth=birth, service="202506")) == [f"NIP birth date {birth} is in the future"]


def test_a_birth_date_of_today_is_accepted() -> None:
    assert problems(make_nip(birth="20250615", service="202506")) == []


# --- start of service -------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["200500", "200513", "200599"])
def test_a_start_of_service_with_an_impossible_month_is_refused(service: str) -> None:
    assert problems(make_nip(service=service)) == [f"NIP start of service {service} is not a real month"]


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_is_a_real_start_of_service(month: int) -> None:
    assert problems(make_nip(service=f"2005{month:02d}")) == []


@pytest.mark.parametrize("service", ["197912", "197001", "190001"])
def test_a_start_of_service_before_the_birth_month_is_refused(service: str) -> None:
    assert problems(make_nip(birth="19800101", service=service)) == [
        f"NIP start of service {service} is before birth date 19800101"
    ]


def test_a_start_of_service_in_the_birth_month_is_accepted() -> None:
    # Certainly odd, but not certainly wrong: only certain checks are made.
    assert problems(make_nip(birth="19800115", service="198001")) == []


@pytest.mark.parametrize("service", ["189912", "000001"])
def test_a_start_of_service_before_1900_is_refused(service: str) -> None:
    assert problems(make_nip(service=service)) == [f"NIP start of service {service} is before 1900"]


def test_a_start_of_service_in_the_future_is_accepted() -> None:
    # A NIP can be assigned before the service it numbers begins.
    assert problems(make_nip(service="202601")) == []


def test_a_start_of_service_is_not_compared_with_an_unreal_birth_date() -> None:
    found = problems(make_nip(birth="19801301", service="190001"))
    assert found == ["NIP birth date 19801301 is not a real date"]


# --- sex digit --------------------------------------------------------------------------------


@pytest.mark.parametrize(("sex", "valid"), [("0", False), ("1", True), ("2", True), ("3", False), ("9", False)])
def test_the_sex_digit_must_be_1_or_2(sex: str, valid: bool) -> None:
    expected = [] if valid else [f"NIP sex digit must be 1 or 2, got {sex}"]
    assert problems(make_nip(sex=sex)) == expected


@pytest.mark.parametrize("serial", ["000", "001", "500", "999"])
def test_any_serial_is_accepted(serial: str) -> None:
    assert problems(make_nip(serial=serial)) == []


# --- every problem at once --------------------------------------------------------------------


def test_every_problem_of_a_nip_is_reported_together() -> None:
    assert problems("19801301 200513 3 001") == [
        "NIP birth date 19801301 is not a real date",
        "NIP start of service 200513 is not a real month",
        "NIP sex digit must be 1 or 2, got 3",
    ]


def test_future_birth_and_early_service_and_bad_sex_are_reported_together() -> None:
    assert problems(make_nip(birth="20300101", service="189900", sex="0")) == [
        "NIP birth date 20300101 is in the future",
        "NIP start of service 189900 is not a real month",
        "NIP start of service 189900 is before 1900",
        "NIP sex digit must be 1 or 2, got 0",
    ]


def test_service_before_birth_and_bad_sex_are_reported_together() -> None:
    assert problems(make_nip(birth="19800601", service="198005", sex="9")) == [
        "NIP start of service 198005 is before birth date 19800601",
        "NIP sex digit must be 1 or 2, got 9",
    ]


# --- masking ----------------------------------------------------------------------------------


def test_mask_shows_only_the_first_four_and_last_two_digits() -> None:
    assert mask_nip(VALID) == "1980************01"


def test_mask_ignores_whitespace_in_its_input() -> None:
    assert mask_nip("19800101 200501 1 001") == "1980************01"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("", ""), ("123", "***"), ("123456", "******"), ("1234567", "1234*67"), ("12345678", "1234**78")],
)
def test_mask_never_shows_all_of_a_short_value(raw: str, masked: str) -> None:
    assert mask_nip(raw) == masked


# --- properties -------------------------------------------------------------------------------


@st.composite
def valid_nips(draw: st.DrawFn) -> str:
    """Any NIP whose birth date, start of service and sex digit are all right, spaced at random."""
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    service_year = draw(st.integers(min_value=birth.year, max_value=9999))
    first_month = birth.month if service_year == birth.year else 1
    service_month = draw(st.integers(min_value=first_month, max_value=12))
    sex = draw(st.sampled_from("12"))
    serial = draw(st.integers(min_value=0, max_value=999))
    nip = f"{birth:%Y%m%d}{service_year:04d}{service_month:02d}{sex}{serial:03d}"
    spacing = st.sampled_from(["", "", " ", "  ", "\t"])
    gaps = draw(st.lists(spacing, min_size=NIP_LENGTH, max_size=NIP_LENGTH))
    return "".join(gap + digit for gap, digit in zip(gaps, nip, strict=True)) + draw(spacing)


@settings(database=None)
@given(valid_nips())
def test_any_nip_with_a_real_birth_date_month_and_sex_is_valid(raw: str) -> None:
    assert problems(raw) == []


def oracle_is_valid(nip: str) -> bool:
    """An independent statement of the rules for 18 ASCII digits."""
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
        service = date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        return False
    return (
        date(1900, 1, 1) <= birth <= TODAY
        and service >= birth.replace(day=1)
        and service.year >= 1900
        and nip[14] in "12"
    )


@settings(database=None)
@given(st.text(alphabet=ASCII_DIGITS, min_size=18, max_size=18))
def test_eighteen_ascii_digits_are_valid_exactly_when_the_rules_say_so(nip: str) -> None:
    assert is_valid_nip(nip, today=TODAY) == oracle_is_valid(nip)
    assert (problems(nip) == []) == oracle_is_valid(nip)


stray_characters = st.characters().filter(lambda char: not char.isspace() and char not in ASCII_DIGITS)


@settings(database=None)
@given(st.text(), stray_characters, st.text())
def test_any_string_with_a_character_other_than_digits_and_spaces_is_invalid(
    before: str, stray: str, after: str
) -> None:
    found = problems(before + stray + after)
    assert found
    assert found[0].startswith("NIP may contain only digits and spaces, found ")
    assert not is_valid_nip(before + stray + after, today=TODAY)


@settings(database=None)
@given(st.text())
def test_normalizing_removes_all_whitespace_and_keeps_everything_else(raw: str) -> None:
    normalized = normalize_nip(raw)
    assert not any(char.isspace() for char in normalized)
    assert normalized == "".join(char for char in raw if not char.isspace())
    assert normalize_nip(normalized) == normalized
