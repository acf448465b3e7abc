"""CSV and XLSX files from rows, streamed, with spreadsheet formula injection neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by a
spreadsheet as a formula; in CSV it gets a leading apostrophe (what Excel itself writes to show
"this is text"). XLSX cells are written as typed strings with ``strings_to_formulas`` off, so
Excel never evaluates them, and get the same apostrophe so that a re-saved CSV stays harmless.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence

import xlsxwriter

__all__ = ["csv_stream", "neutralise", "xlsx_file"]

Cell = str | int | float | bool | None
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """A cell value a spreadsheet will not run: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _text(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, batch: int = 500) -> Iterator[str]:
    """The CSV text (a BOM first, so Excel reads UTF-8), a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_text(neutralise(cell)) for cell in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """Write an XLSX file of ``rows`` (constant memory: rows go to disk as they come); its path.
    The caller deletes the file once it has been sent."""
    handle, path = tempfile.mkstemp(prefix="elearn-", suffix=".xlsx")
    os.close(handle)
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(path, options) as book:
        worksheet = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        for column, title in enumerate(header):
            worksheet.write_string(0, column, title, bold)
        for row_index, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                value = neutralise(cell)
                if isinstance(value, bool) or value is None or isinstance(value, str):
                    worksheet.write_string(row_index, column, str(_text(value)))
                else:
                    worksheet.write_number(row_index, column, value)
    return path


def file_chunks(path: str, size: int = 64 * 1024) -> Iterator[bytes]:
    """The bytes of a file in chunks; the file is deleted when it has been read (or the reader stops)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(size):
                yield chunk
    finally:
        os.unlink(path)
