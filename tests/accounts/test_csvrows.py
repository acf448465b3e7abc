"""Parsing the users CSV into typed rows, tested without an app."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from elearn.accounts.csvrows import COLUMNS, ROLES, UserRow, parse_users_csv

TODAY = date(2025, 6, 15)
PATH = "users.csv"
HEADER = "username,nip,name,email,unit,position,role,password"
NIP_1 = "198001012005011001"
NIP_2 = "198502142010122002"
GOOD_PASSWORD = "Sorong-Dinkes-2025!"


def parse(text: str) -> tuple[list[UserRow], list[str]]:
    """Parse ``text`` encoded as UTF-8, on the fixed test day."""
    return parse_users_csv(text.encode("utf-8"), PATH, today=TODAY)


def errors_of(text: str) -> list[str]:
    """Only the errors of parsing ``text``."""
    return parse(text)[1]


def row(
    username: str = "budi",
    nip: str = NIP_1,
    name: str = "Budi Santoso",
    email: str = "budi@example.go.id",
    unit: str = "Pemerintah Kota Sorong/Dinas Kesehatan",
    position: str = "Analis Kebijakan",
    role: str = "",
    password: str = "",
) -> str:
    """One data line with sensible defaults (no quoting: keep values comma-free)."""
    return ",".join([username, nip, name, email, unit, position, role, password])


def document(*lines: str, newline: str = "\n") -> str:
    """A file: the header, then ``lines``, each ended by ``newline``."""
    return "".join(line + newline for line in (HEADER, *lines))


# --- good files -------------------------------------------------------------------------------


def test_a_good_row_becomes_a_typed_user_row() -> None:
    rows, errors = parse(document(row(role="learner", password=GOOD_PASSWORD)))
    assert errors == []
    assert rows == [
        UserRow(
            line=2,
            username="budi",
            nip=NIP_1,
            name="Budi Santoso",
            email="budi@example.go.id",
            unit="Pemerintah Kota Sorong/Dinas Kesehatan",
            position="Analis Kebijakan",
            role="learner",
            password=GOOD_PASSWORD,
        )
    ]


def test_empty_optional_fields_become_none() -> None:
    rows, errors = parse(document(row(email="", unit="", position="", password="")))
    assert errors == []
    assert (rows[0].email, rows[0].unit, rows[0].position, rows[0].password) == (None, None, None, None)


def test_a_header_only_file_has_no_rows_and_no_errors() -> None:
    assert parse(HEADER + "\n") == ([], [])
    assert parse(HEADER) == ([], [])


def test_the_columns_and_roles_are_those_of_the_spec() -> None:
    assert COLUMNS == ("username", "nip", "name", "email", "unit", "position", "role", "password")
    assert ROLES == ("learner", "instructor", "coordinator", "admin")


def test_columns_may_come_in_any_order() -> None:
    text = "password,role,position,unit,email,name,nip,username\n,,,,,Budi Santoso,198001012005011001,budi\n"
    rows, errors = parse(text)
    assert errors == []
    assert (rows[0].username, rows[0].nip, rows[0].name) == ("budi", NIP_1, "Budi Santoso")


def test_header_names_ignore_case_and_surrounding_spaces() -> None:
    text = " Username , NIP,Name,EMAIL,unit,position,role,password\n" + row() + "\n"
    rows, errors = parse(text)
    assert errors == []
    assert rows[0].username == "budi"


def test_a_utf8_bom_is_accepted() -> None:
    data = codecs.BOM_UTF8 + document(row(name="Siti Nurhaliza")).encode("utf-8")
    rows, errors = parse_users_csv(data, PATH, today=TODAY)
    assert errors == []
    assert rows[0].name == "Siti Nurhaliza"


def test_crlf_line_endings_are_accepted_and_lines_are_counted_right() -> None:
    text = document(row(), row(username="siti", nip=""), newline="\r\n")
    rows, errors = parse(text)
    assert [r.line for r in rows] == [2]
    assert errors == [f"{PATH}:3: nip is required for learners"]


def test_non_ascii_names_are_kept() -> None:
    rows, errors = parse(document(row(name="Ni Luh Putu Ayu Ṡ. Dewi", position="Pranata Komputer Ahli Muda")))
    assert errors == []
    assert rows[0].name == "Ni Luh Putu Ayu Ṡ. Dewi"


def test_the_password_is_kept_out_of_the_row_repr() -> None:
    rows, _ = parse(document(row(password=GOOD_PASSWORD)))
    assert GOOD_PASSWORD not in repr(rows[0])


def test_rows_are_frozen() -> None:
    rows, _ = parse(document(row()))
    with pytest.raises(AttributeError):
        rows[0].username = "other"  # type: ignore[misc]


def test_the_real_date_is_used_when_no_day_is_given() -> None:
    rows, errors = parse_users_csv(document(row()).encode(), PATH)
    assert errors == []
    assert len(rows) == 1


# --- quoting and line numbers -----------------------------------------------------------------


def test_quoted_fields_may_hold_commas_and_quotes() -> None:
    line = row(name='"Santoso, Budi ""Bud"""', position='"Kepala Seksi, Bidang P2P"')
    rows, errors = parse(document(line))
    assert errors == []
    assert rows[0].name == 'Santoso, Budi "Bud"'
    assert rows[0].position == "Kepala Seksi, Bidang P2P"


def test_a_quoted_field_spanning_lines_keeps_later_line_numbers_right() -> None:
    text = document(
        row(position='"Kepala Seksi\nBidang P2P\nDinas Kesehatan"'),
        row(username="siti", nip=NIP_2),
        row(username="x"),
    )
    rows, errors = parse(text)
    assert rows[0].position == "Kepala Seksi\nBidang P2P\nDinas Kesehatan"
    assert [r.line for r in rows] == [2, 5]
    assert errors == [
        f"{PATH}:6: username must have 2 to 64 characters, got 1",
        f"{PATH}:6: duplicate nip {NIP_1}: already on line 2",
    ]


def test_an_error_in_a_multi_line_row_is_reported_on_its_first_line() -> None:
    text = document(row(), row(username="siti", nip="", position='"one\r\ntwo\r\nthree"'), newline="\r\n")
    assert errors_of(text) == [f"{PATH}:3: nip is required for learners"]


def test_a_header_spanning_lines_moves_the_first_data_row_down() -> None:
    text = 'username,nip,name,email,unit,position,role,"password\n"\n' + row(username="x") + "\n"
    assert errors_of(text) == [f"{PATH}:3: username must have 2 to 64 characters, got 1"]


def test_blank_lines_are_skipped_but_counted() -> None:
    text = document("", row(), "", "", row(username="siti", nip=NIP_2, name=""))
    rows, errors = parse(text)
    assert [r.line for r in rows] == [3]
    assert errors == [f"{PATH}:6: name is required"]


def test_rows_of_empty_cells_are_skipped() -> None:
    rows, errors = parse(document(",,,,,,,", row(), " , ,,,,,,"))
    assert errors == []
    assert [r.line for r in rows] == [3]


def test_an_unclosed_quote_is_an_error_on_the_line_its_row_starts() -> None:
    text = document(row(), row(username="siti", nip=NIP_2, name='"Siti'), row(username="joko"))
    rows, errors = parse(text)
    assert [r.line for r in rows] == [2]
    assert errors == [f"{PATH}:3: malformed CSV: a quoted field in this row is never closed"]


def test_text_after_a_closing_quote_is_an_error_and_later_rows_are_still_checked() -> None:
    text = document(row(name='"Budi"x'), row(username="s"))
    assert errors_of(text) == [
        f"{PATH}:2: malformed CSV: ',' expected after '\"'",
        f"{PATH}:3: username must have 2 to 64 characters, got 1",
    ]


# --- file-level errors ------------------------------------------------------------------------


def test_an_empty_file_is_an_error() -> None:
    assert parse("") == ([], [f"{PATH}:1: file is empty: expected a header row {HEADER}"])


def test_a_file_with_only_a_bom_is_empty() -> None:
    assert parse_users_csv(codecs.BOM_UTF8, PATH, today=TODAY)[1] == [
        f"{PATH}:1: file is empty: expected a header row {HEADER}"
    ]


def test_a_blank_first_line_means_the_header_is_missing() -> None:
    assert errors_of("\n" + HEADER + "\n") == [f"{PATH}:1: header row is missing: expected {HEADER}"]


def test_a_data_row_where_the_header_should_be_names_every_missing_and_unknown_column() -> None:
    assert errors_of("budi,Budi Santoso,admin\nsiti,Siti,admin\n") == [
        f"{PATH}:1: missing columns: username, nip, name, email, unit, position, role, password (expected {HEADER})",
        f"{PATH}:1: unknown columns: 'budi', 'budi santoso', 'admin'",
    ]


def test_missing_columns_are_named() -> None:
    text = "username,name,email,unit,position,role\nbudi,Budi,,,,admin\n"
    assert errors_of(text) == [f"{PATH}:1: missing columns: nip, password (expected {HEADER})"]


def test_unknown_columns_are_named() -> None:
    text = HEADER + ",phone,\n"
    assert errors_of(text) == [f"{PATH}:1: unknown columns: 'phone', ''"]


def test_repeated_columns_are_named() -> None:
    text = HEADER + ",name,role\n"
    assert errors_of(text) == [f"{PATH}:1: repeated columns: 'name', 'role'"]


def test_header_problems_are_reported_together_and_rows_are_not_checked() -> None:
    text = "username,name,name,email,unit,position,role,extra\n" + row(username="") + "\n"
    assert errors_of(text) == [
        f"{PATH}:1: missing columns: nip, password (expected {HEADER})",
        f"{PATH}:1: unknown columns: 'extra'",
        f"{PATH}:1: repeated columns: 'name'",
    ]


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        (b"usern\xe9me,nip\n", 1, 6, "E9"),
        (HEADER.encode() + b"\n" + row().encode() + b"\nsiti,,Siti N\xfcrhaliza,,,,,\n", 3, 13, "FC"),
        (HEADER.encode() + b"\r\n" + row().encode() + b"\r\n\xff\r\n", 3, 1, "FF"),
        (HEADER.encode() + b'\n"a\nb",\xc3(\n', 3, 4, "C3"),
        (codecs.BOM_UTF8 + HEADER.encode() + b"\n\x80", 2, 1, "80"),
    ],
)
def test_invalid_utf8_is_one_error_on_the_line_where_it_occurs(data: bytes, line: int, column: int, byte: str) -> None:
    assert parse_users_csv(data, PATH, today=TODAY) == (
        [],
        [
            f"{PATH}:{line}: file is not valid UTF-8: byte 0x{byte} at column {column} cannot be decoded"
            " (save the file as 'CSV UTF-8')"
        ],
    )


def test_the_path_is_used_as_given_in_every_error() -> None:
    _, errors = parse_users_csv(document(row(username="")).encode(), "/data/import/users 2025.csv", today=TODAY)
    assert errors == ["/data/import/users 2025.csv:2: username is required"]


# --- field counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "count"),
    [("budi,198001012005011001,Budi", 3), (row() + ",", 9), (row() + ",extra,more", 10), ("budi", 1)],
)
def test_a_row_with_the_wrong_number_of_fields_is_an_error(line: str, count: int) -> None:
    assert errors_of(document(line)) == [f"{PATH}:2: expected 8 fields, got {count}"]


def test_a_row_with_the_wrong_number_of_fields_takes_no_part_in_duplicate_checks() -> None:
    text = document(row() + ",", row())
    rows, errors = parse(text)
    assert errors == [f"{PATH}:2: expected 8 fields, got 9"]
    assert [r.line for r in rows] == [3]


# --- role -------------------------------------------------------------------------------------


def test_an_empty_role_means_learner() -> None:
    rows, _ = parse(document(row(role=""), row(username="siti", nip=NIP_2, role="  ")))
    assert [r.role for r in rows] == ["learner", "learner"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_of_the_spec_is_accepted(role: str) -> None:
    rows, errors = parse(document(row(role=role)))
    assert errors == []
    assert rows[0].role == role


@pytest.mark.parametrize(("raw", "role"), [("Admin", "admin"), (" INSTRUCTOR ", "instructor")])
def test_roles_ignore_case_and_surrounding_spaces(raw: str, role: str) -> None:
    rows, errors = parse(document(row(role=raw)))
    assert errors == []
    assert rows[0].role == role


@pytest.mark.parametrize("role", ["boss", "student", "administrator"])
def test_an_unknown_role_is_refused_naming_the_allowed_ones(role: str) -> None:
    assert errors_of(document(row(role=role))) == [
        f"{PATH}:2: unknown role '{role}': allowed roles are learner, instructor, coordinator, admin"
    ]


def test_an_unknown_role_does_not_also_demand_a_nip() -> None:
    assert errors_of(document(row(nip="", role="boss"))) == [
        f"{PATH}:2: unknown role 'boss': allowed roles are learner, instructor, coordinator, admin"
    ]


# --- username ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "username"),
    [
        ("budi", "budi"),
        ("Budi.Santoso", "budi.santoso"),
        ("  budi_s-01  ", "budi_s-01"),
        ("19800101", "19800101"),
        ("b" * 64, "b" * 64),
        ("ab", "ab"),
        ("a.", "a."),
    ],
)
def test_usernames_are_stored_lower_cased(raw: str, username: str) -> None:
    rows, errors = parse(document(row(username=raw)))
    assert errors == []
    assert rows[0].username == username


@pytest.mark.parametrize("raw", ["", "   "])
def test_a_username_is_required(raw: str) -> None:
    assert errors_of(document(row(username=raw))) == [f"{PATH}:2: username is required"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("budi santoso", "username may contain only a-z, 0-9, '.', '_' and '-', found ' '"),
        ("budi@dinkes", "username may contain only a-z, 0-9, '.', '_' and '-', found '@'"),
        ("budi+x/y", "username may contain only a-z, 0-9, '.', '_' and '-', found '+', '/'"),
        ("büdi", "username may contain only a-z, 0-9, '.', '_' and '-', found U+00FC"),
        ("\u212aevin", "username may contain only a-z, 0-9, '.', '_' and '-', found U+212A"),
        ("b", "username must have 2 to 64 characters, got 1"),
        ("b" * 65, "username must have 2 to 64 characters, got 65"),
        ("_budi", "username must start with a letter or a digit"),
        (".budi", "username must start with a letter or a digit"),
        ("-budi", "username must start with a letter or a digit"),
    ],
)
def test_a_bad_username_is_refused_saying_why(raw: str, message: str) -> None:
    assert errors_of(document(row(username=raw))) == [f"{PATH}:2: {message}"]


def test_every_problem_of_a_username_is_reported_together() -> None:
    assert errors_of(document(row(username="@"))) == [
        f"{PATH}:2: username may contain only a-z, 0-9, '.', '_' and '-', found '@'",
        f"{PATH}:2: username must have 2 to 64 characters, got 1",
    ]
    assert errors_of(document(row(username="_"))) == [
        f"{PATH}:2: username must have 2 to 64 characters, got 1",
        f"{PATH}:2: username must start with a letter or a digit",
    ]


def test_a_repeated_username_is_an_error_on_the_later_line_naming_the_earlier() -> None:
    text = document(row(), row(username="siti", nip=NIP_2), row(username="BUDI", nip="", role="admin"))
    rows, errors = parse(text)
    assert errors == [f"{PATH}:4: duplicate username 'budi': already on line 2"]
    assert [r.line for r in rows] == [2, 3]


def test_every_repeat_of_a_username_names_its_first_line() -> None:
    text = document(*(row(username=name, nip="", role="admin") for name in ["budi", "siti", "Budi", " budi "]))
    assert errors_of(text) == [
        f"{PATH}:4: duplicate username 'budi': already on line 2",
        f"{PATH}:5: duplicate username 'budi': already on line 2",
    ]


# --- NIP --------------------------------------------------------------------------------------


def test_a_nip_with_spaces_is_stored_normalised() -> None:
    rows, errors = parse(document(row(nip=" 19800101 200501 1 001 ")))
    assert errors == []
    assert rows[0].nip == NIP_1


def test_a_learner_needs_a_nip() -> None:
    assert errors_of(document(row(nip=""), row(username="siti", nip="  ", role="learner"))) == [
        f"{PATH}:2: nip is required for learners",
        f"{PATH}:3: nip is required for learners",
    ]


@pytest.mark.parametrize("role", ["instructor", "coordinator", "admin"])
def test_other_roles_may_leave_the_nip_empty(role: str) -> None:
    rows, errors = parse(document(row(nip="", role=role)))
    assert errors == []
    assert rows[0].nip is None


def test_a_nip_given_for_another_role_is_still_checked() -> None:
    assert errors_of(document(row(nip="123", role="admin"))) == [f"{PATH}:2: NIP must have 18 digits, got 3"]


def test_every_problem_of_a_nip_is_reported_with_the_line() -> None:
    assert errors_of(document(row(nip="19801301 200513 3 001"))) == [
        f"{PATH}:2: NIP birth date 19801301 is not a real date",
        f"{PATH}:2: NIP start of service 200513 is not a real month",
        f"{PATH}:2: NIP sex digit must be 1 or 2, got 3",
    ]


def test_nip_characters_and_length_are_reported_together() -> None:
    assert errors_of(document(row(nip="1980-01-01"))) == [
        f"{PATH}:2: NIP may contain only digits and spaces, found '-'",
        f"{PATH}:2: NIP must have 18 digits, got 8",
    ]


def test_the_given_day_decides_what_is_in_the_future() -> None:
    text = document(row(nip="20250616 202506 1 001")).encode()
    assert parse_users_csv(text, PATH, today=TODAY)[1] == [f"{PATH}:2: NIP birth date 20250616 is in the future"]
    assert parse_users_csv(text, PATH, today=date(2025, 6, 16))[1] == []


def test_a_repeated_nip_is_an_error_on_the_later_line_even_when_spaced_differently() -> None:
    text = document(row(), row(username="siti", nip="19800101 200501 1 001"))
    rows, errors = parse(text)
    assert errors == [f"{PATH}:3: duplicate nip {NIP_1}: already on line 2"]
    assert [r.line for r in rows] == [2]


# --- name, email, unit, position --------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   "])
def test_a_name_is_required(name: str) -> None:
    assert errors_of(document(row(name=name))) == [f"{PATH}:2: name is required"]


def test_a_name_is_stripped() -> None:
    rows, _ = parse(document(row(name="  Budi Santoso  ")))
    assert rows[0].name == "Budi Santoso"


@pytest.mark.parametrize("email", ["budi@example.go.id", "budi.santoso+elearn@dinkes.sorong.go.id", "B@X.CO"])
def test_a_plausible_email_is_accepted(email: str) -> None:
    rows, errors = parse(document(row(email=f" {email} ")))
    assert errors == []
    assert rows[0].email == email


@pytest.mark.parametrize(
    "email",
    ["budi", "budi@", "@example.go.id", "budi@localhost", "budi@@example.id", "budi santoso@x.id", "b@x..id"],
)
def test_an_email_that_does_not_look_like_one_is_refused(email: str) -> None:
    assert errors_of(document(row(email=email))) == [f"{PATH}:2: email '{email}' does not look like an email address"]


@pytest.mark.parametrize(
    ("raw", "unit"),
    [
        (" Pemerintah Kota Sorong / Dinas Kesehatan ", "Pemerintah Kota Sorong/Dinas Kesehatan"),
        ("Pemerintah Kota Sorong/Dinas Kesehatan", "Pemerintah Kota Sorong/Dinas Kesehatan"),
        ("Kementerian Kesehatan", "Kementerian Kesehatan"),
        ("A /  B  C / D", "A/B C/D"),
    ],
)
def test_a_unit_path_is_normalised(raw: str, unit: str) -> None:
    rows, errors = parse(document(row(unit=raw)))
    assert errors == []
    assert rows[0].unit == unit


@pytest.mark.parametrize("raw", ["A//B", "/A", "A/", "A/ /B", "/"])
def test_a_unit_path_with_an_empty_segment_is_refused(raw: str) -> None:
    assert errors_of(document(row(unit=raw))) == [f"{PATH}:2: unit '{raw}' has an empty segment"]


def test_a_position_is_stripped() -> None:
    rows, _ = parse(document(row(position="  Analis  ")))
    assert rows[0].position == "Analis"


# --- password ---------------------------------------------------------------------------------


def test_an_empty_password_is_none() -> None:
    rows, _ = parse(document(row(password="")))
    assert rows[0].password is None


def test_a_given_password_is_kept_exactly() -> None:
    rows, _ = parse(document(row(password="Kata Sandi Panjang 2025")))
    assert rows[0].password == "Kata Sandi Panjang 2025"


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("short", ["password must have at least 10 characters, got 5"]),
        ("password123", ["password is too common"]),
        ("bismillah", ["password must have at least 10 characters, got 9", "password is too common"]),
        ("budi.santoso", ["password must not be the same as the username"]),
        (" " + GOOD_PASSWORD, ["password must not start or end with whitespace"]),
        (GOOD_PASSWORD + " ", ["password must not start or end with whitespace"]),
        (
            " ",
            [
                "password must not start or end with whitespace",
                "password must not be white space only",
                "password must have at least 10 characters, got 1",
            ],
        ),
    ],
)
def test_a_weak_password_is_refused(password: str, messages: list[str]) -> None:
    text = document(row(username="Budi.Santoso", password=password))
    assert errors_of(text) == [f"{PATH}:2: {message}" for message in messages]


def test_password_errors_never_show_the_password() -> None:
    errors = errors_of(document(row(password="hunter2"), row(username="siti", nip=NIP_2, password="Rahasia123")))
    assert not any("hunter2" in error or "Rahasia" in error for error in errors)


# --- every error at once ----------------------------------------------------------------------


def test_every_error_of_every_row_is_reported_in_line_order() -> None:
    text = document(
        row(),
        row(username="Budi", nip="19801301200501 1 001", name="", email="nope", unit="A//B", role="boss"),
        row(username="siti", nip=NIP_2, password="1234567890"),
        row(username="joko", nip=NIP_2, role="instructor", password="short"),
    )
    rows, errors = parse(text)
    assert [r.line for r in rows] == [2]
    assert errors == [
        f"{PATH}:3: duplicate username 'budi': already on line 2",
        f"{PATH}:3: unknown role 'boss': allowed roles are learner, instructor, coordinator, admin",
        f"{PATH}:3: NIP birth date 19801301 is not a real date",
        f"{PATH}:3: name is required",
        f"{PATH}:3: email 'nope' does not look like an email address",
        f"{PATH}:3: unit 'A//B' has an empty segment",
        f"{PATH}:4: password is too common",
        f"{PATH}:5: duplicate nip {NIP_2}: already on line 4",
        f"{PATH}:5: password must have at least 10 characters, got 5",
    ]


def test_a_bad_row_still_claims_its_username_and_nip() -> None:
    text = document(row(name=""), row(role="admin"))
    assert errors_of(text) == [
        f"{PATH}:2: name is required",
        f"{PATH}:3: duplicate username 'budi': already on line 2",
        f"{PATH}:3: duplicate nip {NIP_1}: already on line 2",
    ]


# --- size -------------------------------------------------------------------------------------


def test_ten_thousand_rows_parse_without_errors() -> None:
    lines = [
        row(
            username=f"pegawai{number:05d}",
            nip=f"19800101{2000 + number // 1000}01{1 + number % 2}{number % 1000:03d}",
        )
        for number in range(10_000)
    ]
    rows, errors = parse(document(*lines))
    assert errors == []
    assert len(rows) == 10_000
    assert rows[-1].line == 10_001
    assert len({r.nip for r in rows}) == 10_000


def test_a_malformed_header_is_an_error_on_line_1() -> None:
    assert errors_of('"username,nip,name,email,unit,position,role,password\n' + row() + "\n") == [
        f"{PATH}:1: malformed CSV: a quoted field in this row is never closed"
    ]
