"""The ``elearn`` command: a Flask CLI bound to the app factory.

Command groups are registered on ``app.cli`` by ``create_app``, so
``flask --app wsgi ...`` offers exactly the same commands.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from elearn import create_app

cli = FlaskGroup(create_app=lambda: create_app(), help="elearn: e-learning for Indonesia's civil servants.")


def main() -> None:
    """Console-script entry point."""
    cli.main()
