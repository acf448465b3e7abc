"""A small organisation: two city offices, a regency office, and the people who administer them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.factories import DINKES, MANOKWARI, SORONG

DISDIK = f"{SORONG}/Dinas Pendidikan"


@dataclass
class Org:
    """Everyone the people pages tell apart."""

    admin: User
    coordinator: User  # of the whole city (SORONG)
    coordinator_dinkes: User  # of the health office only
    coordinator_other: User  # of Manokwari
    nurse: User  # learner in DINKES
    teacher: User  # learner in DISDIK
    far: User  # learner in MANOKWARI
    admin_in_city: User  # an admin whose unit is in the city
    instructor: User


@pytest.fixture
def org(app: Flask, make_user: Callable[..., User]) -> Org:
    return Org(
        admin=make_user("admin", role="admin", unit=None),
        coordinator=make_user("koordinator", role="coordinator", unit=SORONG, name="Yohana Kambu"),
        coordinator_dinkes=make_user("kordinkes", role="coordinator", unit=DINKES),
        coordinator_other=make_user("koordinator2", role="coordinator", unit=MANOKWARI.split("/")[0]),
        nurse=make_user("siti", unit=DINKES, name="Siti Aminah"),
        teacher=make_user("budi", unit=DISDIK, name="Budi Santoso"),
        far=make_user("jauh", unit=MANOKWARI, name="Yakobus Jauh"),
        admin_in_city=make_user("admin2", role="admin", unit=SORONG),
        instructor=make_user("guru", role="instructor", unit=SORONG),
    )


@pytest.fixture
def as_user(app: Flask, login: Callable[[FlaskClient, User], None]) -> Callable[[User], FlaskClient]:
    """``as_user(user)`` -> a fresh client signed in as ``user``."""

    def sign_in(user: User) -> FlaskClient:
        client = app.test_client()
        login(client, user)
        return client

    return sign_in
