"""Certificate downloads shared by the pages and the API."""

from __future__ import annotations

import re

from flask import Response


def pdf_response(number: str, data: bytes) -> Response:
    """A stored certificate PDF as a download."""
    response = Response(data, mimetype="application/pdf")
    name = re.sub(r"[^A-Za-z0-9._-]", "-", number)
    response.headers["Content-Disposition"] = f'attachment; filename="sertifikat-{name}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
