"""The password strength rules shared by the users CSV and the API."""

from __future__ import annotations

import pytest

from elearn.accounts.passwords import COMMON_PASSWORDS, MIN_PASSWORD_LENGTH, password_problems


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "Sorong-Dinkes-2025!", "tujuh kata acak sekali", "Zq8#rT1!mK", "x" * 200],
)
def test_a_long_uncommon_password_is_accepted(password: str) -> None:
    assert password_problems(password) == []
    assert password_problems(password, username="budi.santoso") == []


def test_the_minimum_length_is_ten() -> None:
    assert MIN_PASSWORD_LENGTH == 10


@pytest.mark.parametrize(("password", "length"), [("", 0), ("a", 1), ("Zq8#rT1!m", 9)])
def test_a_password_under_ten_characters_is_too_short(password: str, length: int) -> None:
    assert password_problems(password) == [f"password must have at least 10 characters, got {length}"]


def test_a_password_of_exactly_ten_characters_is_long_enough() -> None:
    assert password_problems("Zq8#rT1!mK") == []


def test_length_counts_characters_not_bytes() -> None:
    assert password_problems("ééééééééé") == ["password must have at least 10 characters, got 9"]
    assert password_problems("éééééééééé") == []


@pytest.mark.parametrize(
    "password",
    ["password123", "1234567890", "qwertyuiop", "indonesia123", "merahputih123", "alhamdulillah"],
)
def test_a_common_password_is_refused(password: str) -> None:
    assert password_problems(password) == ["password is too common"]


@pytest.mark.parametrize("password", ["PASSWORD123", "Password123", "Indonesia123", "QwErTyUiOp"])
def test_common_passwords_are_recognised_in_any_case(password: str) -> None:
    assert password_problems(password) == ["password is too common"]


def test_a_short_common_password_gets_both_problems() -> None:
    assert password_problems("bismillah") == [
        "password must have at least 10 characters, got 9",
        "password is too common",
    ]


def test_a_password_equal_to_the_username_is_refused() -> None:
    assert password_problems("budi.santoso", username="budi.santoso") == [
        "password must not be the same as the username"
    ]


def test_the_username_comparison_ignores_case() -> None:
    assert password_problems("Budi.Santoso", username="budi.santoso") == [
        "password must not be the same as the username"
    ]


def test_without_a_username_only_length_and_commonness_count() -> None:
    assert password_problems("budi.santoso") == []
    assert password_problems("budi.santoso", username="") == []


def test_every_problem_is_reported_together() -> None:
    assert password_problems("Bismillah", username="bismillah") == [
        "password must have at least 10 characters, got 9",
        "password is too common",
        "password must not be the same as the username",
    ]


@pytest.mark.parametrize("password", ["", "hunter2", "password123", "budi.santoso", "Zq8#rT1!m"])
def test_messages_never_contain_the_password(password: str) -> None:
    for message in password_problems(password, username="budi.santoso"):
        assert not password or password not in message


def test_the_common_list_is_about_a_hundred_lower_case_entries() -> None:
    assert 90 <= len(COMMON_PASSWORDS) <= 200
    assert all(entry == entry.casefold() and entry.strip() == entry for entry in COMMON_PASSWORDS)
    assert {"password123", "1234567890", "qwertyuiop", "indonesia123", "bismillah"} <= COMMON_PASSWORDS
