"""Password strength rules shared by the users CSV and the API: pure, no Flask, no database."""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 10

# Lower-case; a password is compared case-insensitively. Short ones are listed too, so the
# list stays meaningful if the length rule ever changes.
COMMON_PASSWORDS: frozenset[str] = frozenset(
    """
    123456 12345678 123456789 1234567890 12345678910 0123456789 0987654321 1111111111 0000000000
    1234512345 1122334455 1234567891 123123123123 11223344556677 147258369 987654321 qwerty
    qwerty123 qwertyuiop qwertyuiop123 qwerty12345 1qaz2wsx3edc 1q2w3e4r5t 1q2w3e4r5t6y
    zaq12wsxcde3 asdfghjkl asdfghjkl123 asdf1234asdf zxcvbnm123 zxcvbnmasdf password password1
    password12 password123 password1234 password12345 passw0rd123 p@ssw0rd123 p@ssword123
    mypassword mypassword123 passwordpassword changeme123 letmein123 welcome123 welcome1234
    administrator admin12345 admin123456 adminadmin iloveyou123 sunshine123 football123 baseball123
    princess123 dragon12345 monkey12345 superman123 trustno1trustno1 abc1234567 abcdefghij
    abcd123456 abcdef123456 aaaaaaaaaa indonesia indonesia1 indonesia123 indonesia1945
    indonesiaraya merdeka1945 merahputih merahputih123 garuda123456 pancasila pancasila45
    pancasila123 bismillah bismillah123 bismillah1234 alhamdulillah alhamdulillah123
    assalamualaikum subhanallah masyaallah insyaallah sayangku123 rahasia123 rahasiaku rahasia1234
    katasandi katasandi123 pegawai123 pegawainegeri asnindonesia asn12345678 pnsindonesia
    jakarta123 jakarta1234 surabaya123 bandung123 elearning123 elearn12345
    """.split()
)

__all__ = ["COMMON_PASSWORDS", "MIN_PASSWORD_LENGTH", "password_problem_codes", "password_problems"]

#: A username shorter than this may occur inside a good password by chance ("ani" in "pelangi...").
MIN_USERNAME_INSIDE = 4


def password_problem_codes(password: str, *, username: str = "", current: str | None = None) -> list[str]:
    """Every rule ``password`` breaks, as codes (empty when acceptable): ``blank``, ``too_short``,
    ``too_common``, ``is_username``, ``contains_username``, ``same_as_current``."""
    codes: list[str] = []
    folded, name = password.casefold(), username.casefold()
    if password and not password.strip():
        codes.append("blank")
    if len(password) < MIN_PASSWORD_LENGTH:
        codes.append("too_short")
    if folded in COMMON_PASSWORDS:
        codes.append("too_common")
    if name and folded == name:
        codes.append("is_username")
    elif len(name) >= MIN_USERNAME_INSIDE and name in folded:
        codes.append("contains_username")
    if current is not None and password == current:
        codes.append("same_as_current")
    return codes


_MESSAGES = {
    "blank": "password must not be white space only",
    "too_common": "password is too common",
    "is_username": "password must not be the same as the username",
    "contains_username": "password must not contain the username",
    "same_as_current": "the new password must differ from the current one",
}


def password_problems(password: str, *, username: str = "", current: str | None = None) -> list[str]:
    """Return every reason ``password`` is too weak (empty when acceptable), in English; never echoes it."""
    return [
        f"password must have at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}"
        if code == "too_short"
        else _MESSAGES[code]
        for code in password_problem_codes(password, username=username, current=current)
    ]
