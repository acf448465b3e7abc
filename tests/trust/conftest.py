"""The trust sweeps share one world per backend (built once for the whole package, restored after changes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from elearn.catalogue.structure import forget as forget_cached_structure
from elearn.core import time as clock_module
from elearn.extensions import db
from tests.conftest import _empty_all_tables
from tests.trust.world import World, build_world


@pytest.fixture(scope="package")
def world(_session_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The trust world in an app context; every table emptied when the package is done.

    Tests here must not use the function-scoped ``app`` fixture (it empties the tables after each test).
    """
    with _session_app.app_context():
        _empty_all_tables()
        built = build_world(_session_app, tmp_path_factory.mktemp("trust"))
        yield built
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
    clock_module.set_clock(None)
    forget_cached_structure()
