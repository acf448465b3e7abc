"""The ``elearn`` command: a Flask CLI bound to the app factory.

Command groups are registered on ``app.cli`` by ``create_app``, so
``flask --app wsgi ...`` offers exactly the same commands.
"""

from __future__ import annotations

import sys

from flask.cli import FlaskGroup

from config import ConfigError
from elearn import create_app

# config.py reads .env from the working directory only; Flask's own loader would
# also search the parent directories.
cli = FlaskGroup(
    create_app=lambda: create_app(),
    load_dotenv=False,
    help="elearn: e-learning for Indonesia's civil servants.",
)


def main() -> None:
    """Console-script entry point: a configuration error is a message, not a traceback."""
    try:
        cli.main()
    except ConfigError as error:
        print(f"elearn: {error}", file=sys.stderr)  # noqa: T201 - the CLI's own error line
        sys.exit(1)
