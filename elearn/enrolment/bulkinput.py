"""Read the names a coordinator typed or uploaded for bulk enrolment (pure)."""

from __future__ import annotations

import csv
import io
import re


def names_from_text(text: str) -> list[str]:
    """Usernames or NIPs separated by new lines, commas or semicolons."""
    return [part.strip() for part in re.split(r"[\n,;]+", text) if part.strip()]


def names_from_csv(data: bytes) -> list[str]:
    """The ``username`` or ``nip`` column of a CSV (BOM accepted); without such a
    header, the first column of every row. Raises ``ValueError`` for a file that is not CSV."""
    text = data.decode("utf-8-sig", errors="replace")
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ValueError(str(error)) from error
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    for column in ("username", "nip"):
        if column in header:
            index = header.index(column)
            return [row[index].strip() for row in rows[1:] if len(row) > index and row[index].strip()]
    return [row[0].strip() for row in rows if row and row[0].strip()]
