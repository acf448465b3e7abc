"""Parse the users CSV (spec/cli.md, "Users CSV") into typed rows: pure, no Flask, no database.

Every problem of every row is reported at once as ``FILE:LINE: message``, where LINE
is the line in the file on which the row starts (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from elearn.accounts.nip import nip_problems, normalize_nip
from elearn.accounts.passwords import password_problems
from elearn.accounts.roles import ROLES, Role

DEFAULT_ROLE: Role = "learner"
COLUMNS: tuple[str, ...] = ("username", "nip", "name", "email", "unit", "position", "role", "password")
USERNAME_MIN_LENGTH = 2
USERNAME_MAX_LENGTH = 64

_ROLE_BY_NAME: dict[str, Role] = {role: role for role in ROLES}
_USERNAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
# Lower-case ASCII only: str.lower() would turn e.g. the Kelvin sign into a plain "k".
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")

__all__ = [
    "COLUMNS",
    "EMAIL",
    "ROLES",
    "Role",
    "UserRow",
    "errors_by_line",
    "normalize_unit",
    "parse_users_csv",
    "username_problems",
]


@dataclass(frozen=True, slots=True)
class UserRow:
    """One valid data row of the users CSV; empty optional fields are None."""

    line: int
    username: str
    nip: str | None
    name: str
    email: str | None
    unit: str | None
    position: str | None
    role: Role
    password: str | None = field(repr=False)


def parse_users_csv(data: bytes, path: str, *, today: date | None = None) -> tuple[list[UserRow], list[str]]:
    """Parse users CSV bytes into valid rows and every ``f"{path}:{line}: {message}"`` error."""
    text, decode_error = _decode(data)
    if decode_error is not None:
        return [], [f"{path}:{decode_error[0]}: {decode_error[1]}"]
    # strict: an unclosed quote is an error instead of silently swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [f"{path}:1: {_malformed(exc)}"]
    if header is None:
        return [], [f"{path}:1: file is empty: expected a header row {','.join(COLUMNS)}"]
    header_problems = _header_problems(header)
    if header_problems:
        return [], [f"{path}:1: {problem}" for problem in header_problems]
    checker = _RowChecker([name.strip().lower() for name in header], today or date.today())
    rows: list[UserRow] = []
    errors: list[str] = []
    while True:
        line = reader.line_num + 1  # a quoted field may span lines: the row starts on the next one
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader drops the rest of the bad line and carries on with the next one.
            errors.append(f"{path}:{line}: {_malformed(exc)}")
            continue
        row, problems = checker.check(line, fields)
        errors.extend(f"{path}:{line}: {problem}" for problem in problems)
        if row is not None:
            rows.append(row)
    return rows, errors


def _malformed(exc: csv.Error) -> str:
    """Say what is wrong with CSV the reader refused."""
    if str(exc) == "unexpected end of data":
        return "malformed CSV: a quoted field in this row is never closed"
    return f"malformed CSV: {exc}"


def _decode(data: bytes) -> tuple[str, tuple[int, str] | None]:
    """Decode UTF-8 (dropping a BOM); on failure return the line and a message instead."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        column = len(before) - max(before.rfind("\n"), before.rfind("\r"))
        message = (
            f"file is not valid UTF-8: byte 0x{data[exc.start]:02X} at column {column} cannot be decoded"
            " (save the file as 'CSV UTF-8')"
        )
        return "", (line, message)


def _header_problems(header: list[str]) -> list[str]:
    """Name the missing, unknown and repeated columns of the header row."""
    names = [name.strip().lower() for name in header]
    if not any(names):
        return [f"header row is missing: expected {','.join(COLUMNS)}"]
    problems: list[str] = []
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)} (expected {','.join(COLUMNS)})")
    unknown = [name for name in dict.fromkeys(names) if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown columns: {', '.join(repr(name) for name in unknown)}")
    repeated = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    if repeated:
        problems.append(f"repeated columns: {', '.join(repr(name) for name in repeated)}")
    return problems


class _RowChecker:
    """Check data rows one by one, remembering usernames and NIPs already seen."""

    def __init__(self, columns: list[str], today: date) -> None:
        self.columns = columns
        self.today = today
        self.username_lines: dict[str, int] = {}
        self.nip_lines: dict[str, int] = {}

    def check(self, line: int, fields: list[str]) -> tuple[UserRow | None, list[str]]:
        """Return the row (None when it has problems or is blank) and its problems."""
        if not "".join(fields).strip():
            return None, []  # blank lines and rows of empty cells (spreadsheet leftovers)
        if len(fields) != len(self.columns):
            return None, [f"expected {len(self.columns)} fields, got {len(fields)}"]
        values = dict(zip(self.columns, fields, strict=True))
        username = values["username"].strip().translate(_ASCII_LOWER)
        role = _ROLE_BY_NAME.get(values["role"].strip().lower() or DEFAULT_ROLE)
        nip = normalize_nip(values["nip"]) or None
        problems = self._identity_problems(line, username, role, values["role"], nip)
        name = values["name"].strip()
        if not name:
            problems.append("name is required")
        email = values["email"].strip() or None
        if email is not None and not EMAIL.fullmatch(email):
            problems.append(f"email {email!r} does not look like an email address")
        unit, unit_problems = normalize_unit(values["unit"])
        problems.extend(unit_problems)
        password = values["password"] or None
        if password is not None:
            problems.extend(_csv_password_problems(password, username))
        if problems or role is None:
            return None, problems
        position = values["position"].strip() or None
        return UserRow(line, username, nip, name, email, unit, position, role, password), []

    def _identity_problems(
        self, line: int, username: str, role: Role | None, raw_role: str, nip: str | None
    ) -> list[str]:
        """Check username, role and NIP, and that the username and NIP are new in this file."""
        problems = username_problems(username)
        problems.extend(_first_use(self.username_lines, username, line, f"username {username!r}"))
        if role is None:
            problems.append(f"unknown role {raw_role.strip()!r}: allowed roles are {', '.join(ROLES)}")
        if nip is None:
            if role == "learner":
                problems.append("nip is required for learners")
        else:
            problems.extend(nip_problems(nip, today=self.today))
            problems.extend(_first_use(self.nip_lines, nip, line, f"nip {nip}"))
        return problems


def _first_use(lines: dict[str, int], key: str, line: int, what: str) -> list[str]:
    """Remember where ``key`` first appeared; complain when it appeared before."""
    if not key:
        return []
    earlier = lines.setdefault(key, line)
    return [] if earlier == line else [f"duplicate {what}: already on line {earlier}"]


def username_problems(username: str) -> list[str]:
    """Check a lower-cased username against ``^[a-z0-9][a-z0-9._-]{1,63}$``, naming every problem."""
    if not username:
        return ["username is required"]
    problems: list[str] = []
    strays = [char for char in dict.fromkeys(username) if char not in _USERNAME_CHARACTERS]
    if strays:
        found = ", ".join(_show_character(char) for char in strays)
        problems.append(f"username may contain only a-z, 0-9, '.', '_' and '-', found {found}")
    if not USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH:
        limits = f"{USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH}"
        problems.append(f"username must have {limits} characters, got {len(username)}")
    if username[0] in "._-":
        problems.append("username must start with a letter or a digit")
    return problems


def _show_character(char: str) -> str:
    """Show a character unambiguously: quoted when printable ASCII, else its code point."""
    return f"'{char}'" if char.isascii() and char.isprintable() else f"U+{ord(char):04X}"


def normalize_unit(raw: str) -> tuple[str | None, list[str]]:
    """Turn ``" A / B "`` into ``"A/B"`` (inner runs of whitespace become one space)."""
    if not raw.strip():
        return None, []
    segments = [" ".join(segment.split()) for segment in raw.split("/")]
    if not all(segments):
        return None, [f"unit {raw.strip()!r} has an empty segment"]
    return "/".join(segments), []


def _csv_password_problems(password: str, username: str) -> list[str]:
    """The shared strength rules, plus: no surrounding whitespace (a CSV editor's likely slip)."""
    problems: list[str] = []
    if password != password.strip():
        problems.append("password must not start or end with whitespace")
    problems.extend(password_problems(password, username=username))
    return problems


def errors_by_line(errors: list[str], path: str) -> list[str]:
    """``path:LINE: message`` errors in file order (a stable sort: a line's errors keep their order)."""

    def line(error: str) -> int:
        number = error.removeprefix(f"{path}:").split(":", 1)[0]
        return int(number) if number.isdigit() else 0

    return sorted(errors, key=line)
