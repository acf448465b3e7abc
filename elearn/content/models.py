"""What content loads keep for themselves: rendered HTML by a hash of its inputs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base
from elearn.core.time import now


class RenderedHtml(Base):
    """Sanitised HTML of a Markdown fragment, keyed by a hash of everything it was
    rendered from (``RenderCache.key``). A cache only: deleting rows changes no
    result, it only makes the next load render again."""

    __tablename__ = "rendered_html"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
