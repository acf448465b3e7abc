"""The roles a person may hold (api.md): the one list every other module derives from. Pure."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["learner", "instructor", "coordinator", "admin"]
#: Lowest first: ``User.role`` holds the highest role granted; everyone is a learner.
ROLES: tuple[Role, ...] = get_args(Role)
