"""The report files, as responses shared by the pages and the API: JP report CSV/XLSX, SIASN CSV.

Checks (scope, 403) run before the first byte is sent; rows stream from the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context

from elearn.catalogue.policy import Actor
from elearn.certificates.queries import scoped_unit
from elearn.reports.exports import csv_stream, file_chunks, xlsx_file
from elearn.reports.queries import jp_rows, siasn_rows, target

JP_HEADER = ("username", "nip", "name", "unit", "jp", "target", "met")
SIASN_HEADER = (
    "nip",
    "nama",
    "nama_kursus",
    "jenis_kursus",
    "jenis_kompetensi",
    "jumlah_jp",
    "nomor_sertifikat",
    "tahun",
    "tanggal_mulai",
    "tanggal_selesai",
    "institusi_penyelenggara",
)


def _jp_cells(actor: Actor, year: int, unit: str | None, competency: str | None) -> Iterator[tuple[Any, ...]]:
    goal = target()
    for row in jp_rows(actor, year, unit=unit, competency=competency):
        yield (row.username, row.nip, row.name, row.unit, row.jp, goal, row.met)


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def jp_csv(actor: Actor, year: int, unit: str | None, competency: str | None) -> Response:
    """The whole JP report as CSV (api.md header), streamed."""
    scoped_unit(actor, unit)
    body = csv_stream(JP_HEADER, _jp_cells(actor, year, unit, competency))
    response = Response(stream_with_context(body), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return _attachment(response, f"laporan-jp-{year}.csv")


def jp_xlsx(actor: Actor, year: int, unit: str | None, competency: str | None) -> Response:
    """The whole JP report as XLSX (same columns as the CSV)."""
    scoped_unit(actor, unit)
    path = xlsx_file(f"JP {year}", JP_HEADER, _jp_cells(actor, year, unit, competency))
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(Response(file_chunks(path), mimetype=mimetype), f"laporan-jp-{year}.xlsx")


def siasn_csv(actor: Actor, year: int, unit: str | None) -> Response:
    """Completed courses and approved external records of ``year`` in SIASN's training-history shape."""
    scoped_unit(actor, unit)
    rows = (
        (
            r.nip,
            r.name,
            r.title,
            r.method,
            r.competency,
            r.jp,
            r.certificate_number,
            r.year,
            r.started_on.isoformat(),
            r.ended_on.isoformat(),
            r.organiser,
        )  # fmt: skip
        for r in siasn_rows(actor, year, unit=unit)
    )
    response = Response(stream_with_context(csv_stream(SIASN_HEADER, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return _attachment(response, f"siasn-riwayat-kursus-{year}.csv")


def evidence_response(record_id: int, mimetype: str, data: bytes) -> Response:
    """An evidence file that no browser will run as a page."""
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
    response = Response(data, mimetype=mimetype)
    name = f"bukti-{record_id}.{extension.get(mimetype, 'bin')}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
