"""Reading typed and uploaded name lists for bulk enrolment, from files built the way Excel builds them."""

from __future__ import annotations

import codecs
import io
import random
import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from elearn.enrolment.bulkinput import (
    MAX_ROWS,
    NameEntry,
    NameList,
    NameProblem,
    UploadError,
    names_from_text,
    names_from_upload,
)

NIP = "198703152010012003"
NIP_2 = "199001012015031001"
LOST = (
    "NIP tersimpan sebagai angka (1.98703E+17) sehingga digitnya hilang. "
    "Format kolom NIP sebagai Teks di Excel lalu ketik ulang NIP-nya."
)


def names(result: NameList) -> list[str]:
    return [entry.name for entry in result.entries]


def xlsx(*rows: list[object], title_rows: int = 0) -> bytes:
    """A workbook whose first sheet holds ``rows`` (after ``title_rows`` empty rows); cell types kept."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same ZIP with some parts' contents replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, None) or source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def refusal(data: bytes, filename: str = "peserta.xlsx") -> str:
    with pytest.raises(UploadError) as caught:
        names_from_upload(filename, data)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# --- typed text ---------------------------------------------------------------------------------


def test_typed_names_split_on_new_lines_commas_semicolons_and_tabs_and_keep_their_line() -> None:
    result = names_from_text("tamu, budi;\r\n\n ani\tdewi \n")
    assert result.entries == (
        NameEntry("tamu", 1),
        NameEntry("budi", 1),
        NameEntry("ani", 3),
        NameEntry("dewi", 3),
    )
    assert result.duplicates == () and result.problems == ()


def test_a_typed_nip_with_spaces_is_one_name_without_them() -> None:
    assert names(names_from_text("19870315 201001 2 003\n\u00a0199001012015031001\u200b")) == [NIP, NIP_2]


def test_repeats_are_reported_once_per_repeat_and_compared_without_case() -> None:
    result = names_from_text("tamu\nTAMU\nbudi\ntamu")
    assert names(result) == ["tamu", "budi"]
    assert result.duplicates == (NameEntry("TAMU", 2), NameEntry("tamu", 4))


def test_a_typed_nip_copied_from_excel_in_scientific_notation_is_refused_with_its_line() -> None:
    result = names_from_text("tamu\n1.98703E+17")
    assert names(result) == ["tamu"]
    assert result.problems == (NameProblem(2, f"Baris 2: {LOST}"),)


def test_empty_text_gives_an_empty_list() -> None:
    assert names_from_text(" \n,;\t\n") == NameList()


# --- CSV ----------------------------------------------------------------------------------------


def test_an_indonesian_excel_csv_with_semicolons_in_windows_1252_reads_the_nip_column() -> None:
    text = (
        "No;NIP;Nama;Jabatan\r\n"
        "1;198703152010012003;Dédé Suparman, S.Kom;Analis\r\n"
        "2;19900101 201503 1 001;Müller;Pranata\r\n"
    )
    result = names_from_upload("peserta.csv", text.encode("cp1252"))
    assert result.entries == (NameEntry(NIP, 2), NameEntry(NIP_2, 3))
    assert result.problems == ()


def test_windows_1252_letters_in_the_name_column_are_decoded_not_replaced() -> None:
    data = "username\r\nandré\r\nzoë\r\n".encode("cp1252")
    assert names(names_from_upload("x.csv", data)) == ["andré", "zoë"]


def test_a_utf8_csv_with_bom_and_a_username_column_ignores_other_columns() -> None:
    data = codecs.BOM_UTF8 + b"nama,Username,nip\nBudi,budi,198703152010012003\nAni,ani,\n"
    assert names(names_from_upload("x.csv", data)) == ["budi", "ani"]


def test_a_row_without_username_falls_back_to_its_nip() -> None:
    data = b"username;nip\nbudi;\n;198703152010012003\n"
    assert names(names_from_upload("x.csv", data)) == ["budi", NIP]


def test_a_tab_separated_file_and_excels_utf16_unicode_text_are_read() -> None:
    text = "NIP\tNama\r\n198703152010012003\tBudi\r\n199001012015031001\tAni\r\n"
    assert names(names_from_upload("x.txt", text.encode())) == [NIP, NIP_2]
    assert names(names_from_upload("x.txt", text.encode("utf-16"))) == [NIP, NIP_2]


def test_quoted_cells_crlf_and_blank_rows_give_excel_row_numbers() -> None:
    data = b'No,NIP,Alamat\r\n1,"198703152010012003","Jl. Merdeka, No. 1\r\nSorong"\r\n\r\n,,\r\n'
    data += b"2,199001012015031001,x\r\n"
    result = names_from_upload("x.csv", data)
    assert result.entries == (NameEntry(NIP, 2), NameEntry(NIP_2, 5))


def test_the_header_may_sit_under_title_rows() -> None:
    data = b"DAFTAR PESERTA PELATIHAN;;\r\nBKPSDM Kota Sorong;;\r\n;;\r\n"
    data += b"No.;NIP :;Nama\r\n1;198703152010012003;Budi\r\n"
    assert names(names_from_upload("x.csv", data)) == [NIP]


def test_without_a_header_the_first_used_column_of_every_row_is_read() -> None:
    data = b";budi;Budi Santoso\n;ani;Ani\n"
    assert names(names_from_upload("x.csv", data)) == ["budi", "ani"]
    assert names(names_from_upload("x.csv", b"budi\r\nani\r\n")) == ["budi", "ani"]


def test_csv_cells_in_scientific_notation_are_refused_with_their_row() -> None:
    data = b"nip\n198703152010012003\n1.98703E+17\n1,98703E+17\n"
    result = names_from_upload("x.csv", data)
    assert names(result) == [NIP]
    assert result.problems == (
        NameProblem(3, f"Baris 3: {LOST}"),
        NameProblem(4, f"Baris 4: {LOST.replace('1.98703E+17', '1,98703E+17')}"),
    )


def test_a_one_column_list_with_a_decimal_comma_number_is_not_split_at_the_comma() -> None:
    result = names_from_upload("x.csv", b"198703152010012003\r\n1,98703E+17\r\n199001012015031001\r\n")
    assert names(result) == [NIP, NIP_2]
    assert [problem.line for problem in result.problems] == [2]


def test_excel_error_values_are_refused_as_such() -> None:
    result = names_from_upload("x.csv", b"nip\n#N/A\n")
    assert result.problems == (
        NameProblem(
            2, "Baris 2: sel berisi galat Excel (#N/A), bukan nama pengguna atau NIP. Perbaiki rumus atau isinya."
        ),
    )


def test_duplicates_within_a_file_are_reported_with_their_rows() -> None:
    result = names_from_upload("x.csv", b"nip\n198703152010012003\n19870315 201001 2 003\n")
    assert result.entries == (NameEntry(NIP, 2),)
    assert result.duplicates == (NameEntry(NIP, 3),)


def test_a_csv_of_more_than_max_rows_names_is_refused_and_max_rows_is_accepted() -> None:
    rows = "\n".join(f"user{number}" for number in range(MAX_ROWS))
    assert len(names_from_upload("x.csv", ("username\n" + rows).encode()).entries) == MAX_ROWS
    assert "10.000" in refusal(("username\n" + rows + "\nsatu-lagi").encode(), "x.csv")


def test_a_csv_with_an_oversized_cell_is_refused() -> None:
    assert "tidak dapat dibaca" in refusal(b'"' + b"a" * 200_000 + b'"\n', "x.csv")


# --- XLSX ---------------------------------------------------------------------------------------


def test_an_xlsx_with_text_nips_blank_rows_and_duplicates_is_read_with_excel_row_numbers() -> None:
    data = xlsx(["No", "NIP", "Nama"], [1, NIP, "Budi"], [], [2, " 19900101 201503 1 001 ", "Ani"], [3, NIP, "Budi"])
    result = names_from_upload("peserta.xlsx", data)
    assert result.entries == (NameEntry(NIP, 2), NameEntry(NIP_2, 4))
    assert result.duplicates == (NameEntry(NIP, 5),)
    assert result.problems == ()


def test_numeric_nip_cells_are_refused_per_row_even_with_all_18_digits() -> None:
    data = xlsx(["NIP"], [NIP], [1.98703152010012e17], [198703152010012003], [198703152010012000])
    result = names_from_upload("peserta.xlsx", data)
    assert names(result) == [NIP]
    assert result.problems == tuple(NameProblem(row, f"Baris {row}: {LOST}") for row in (3, 4, 5))


def test_short_whole_numbers_are_exact_and_read_as_text() -> None:
    result = names_from_upload("x.xlsx", xlsx(["username"], [12345], [678.0], ["budi"]))
    assert names(result) == ["12345", "678", "budi"]


def test_scientific_notation_typed_as_text_in_a_cell_is_refused() -> None:
    result = names_from_upload("x.xlsx", xlsx(["nip"], ["1.98703E+17"]))
    assert result.problems == (NameProblem(2, f"Baris 2: {LOST}"),)


def test_dates_fractions_and_booleans_are_refused_with_what_the_cell_holds() -> None:
    result = names_from_upload("x.xlsx", xlsx(["username"], [datetime(2024, 1, 2)], [3.5], [True]))
    messages = [problem.message for problem in result.problems]
    assert messages[0].startswith("Baris 2: sel berisi tanggal atau waktu (2024-01-02")
    assert messages[1] == "Baris 3: sel berisi angka pecahan (3.5), bukan nama pengguna atau NIP."
    assert messages[2] == "Baris 4: sel berisi nilai logika (TRUE), bukan nama pengguna atau NIP."


def test_an_xlsx_header_under_title_rows_and_an_indonesian_column_name_is_found() -> None:
    data = xlsx(["DAFTAR PESERTA"], [], ["No", "Nama Pengguna", "NIP"], [1, "budi", NIP], title_rows=1)
    assert names_from_upload("x.xlsx", data).entries == (NameEntry("budi", 5),)


def test_only_the_first_sheet_is_read_whatever_the_file_is_called() -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(["username"])
    first.append(["budi"])
    workbook.create_sheet("Lain").append(["ani"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert names(names_from_upload("daftar.csv", buffer.getvalue())) == ["budi"]


def test_an_xlsx_of_10001_names_is_refused() -> None:
    rows = [[f"user{number}"] for number in range(MAX_ROWS + 1)]
    assert "10.000" in refusal(xlsx(["username"], *rows))


def test_an_xlsx_whose_rows_claim_a_huge_row_number_is_read_quickly() -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>username</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>budi</t></is></c></row>'
        b'<row r="99999999999"><c r="A99999999999" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    started = time.perf_counter()
    result = names_from_upload("x.xlsx", rezip(xlsx(["x"]), {"xl/worksheets/sheet1.xml": sheet}))
    assert names(result) == ["budi"]
    assert time.perf_counter() - started < 2


# --- files refused as a whole -------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\0" * 64


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG, id="png"),
        pytest.param(random.Random(4096).randbytes(4096), id="random-bytes"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00", id="pdf"),
        pytest.param("username\nbudi\n".encode("utf-16-le"), id="utf16-without-bom"),
    ],
)
def test_files_that_are_neither_text_nor_xlsx_are_refused_whatever_their_name(data: bytes) -> None:
    assert refusal(data).startswith("Berkas ini bukan CSV, teks, atau Excel (.xlsx)")


def test_a_legacy_xls_or_password_protected_workbook_is_refused_with_how_to_fix_it() -> None:
    message = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "Excel lama (.xls) atau dilindungi kata sandi" in message


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("foto.png", PNG)
    assert refusal(out.getvalue()).startswith("Berkas ini berbentuk ZIP tetapi bukan buku kerja Excel")


def test_a_truncated_or_mangled_xlsx_is_refused_as_corrupt() -> None:
    data = xlsx(["username"], ["budi"])
    assert refusal(data[: len(data) // 2]).startswith("Berkas Excel ini rusak")
    mangled = rezip(data, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    assert refusal(mangled).startswith("Berkas Excel ini rusak")


def test_an_xlsx_with_encrypted_parts_is_refused() -> None:
    data = bytearray(xlsx(["username"], ["budi"]))
    # Set the "encrypted" flag of the first entry in its local header and in the central directory.
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    assert "dilindungi kata sandi" in refusal(bytes(data))


def test_a_zip_bomb_named_xlsx_is_refused_before_parsing() -> None:
    zeros = rezip(xlsx(["x"]), {"xl/worksheets/sheet1.xml": b"\0" * (40 * 1024 * 1024)})
    assert len(zeros) < 200_000
    assert refusal(zeros).startswith("Isi berkas Excel ini jauh lebih besar")
    dense = rezip(xlsx(["x"]), {"xl/sharedStrings.xml": b" " * (5 * 1024 * 1024)})
    assert refusal(dense).startswith("Isi berkas Excel ini jauh lebih besar")


def test_an_xlsx_part_longer_than_it_declares_is_refused_not_read_past_its_size() -> None:
    data = bytearray(xlsx(["username"], ["budi"]))
    name = b"xl/worksheets/sheet1.xml"
    central = data.find(name, data.find(b"PK\x01\x02")) - 46
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared uncompressed size: 10 bytes
    assert refusal(bytes(data)).startswith("Berkas Excel ini rusak")


def test_an_entity_expansion_bomb_in_the_sheet_is_refused_quickly() -> None:
    entities = b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10))
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lolololololololololol">' + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    data = rezip(xlsx(["username"], ["budi"]), {"xl/worksheets/sheet1.xml": sheet})
    started = time.perf_counter()
    assert refusal(data).startswith("Berkas Excel ini rusak")
    assert time.perf_counter() - started < 2


def test_a_file_over_2_mib_is_refused_before_reading() -> None:
    assert "lebih dari 2 MiB" in refusal(b"budi\n" * (450 * 1024), "C:\\Users\\bkpsdm\\peserta.csv")


def test_macros_and_external_links_in_a_workbook_are_just_parts_we_do_not_read() -> None:
    parts = {
        "xl/vbaProject.bin": random.Random(2048).randbytes(2048),
        "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
    }
    data = rezip(xlsx(["username"], ["budi"]), parts)
    assert names(names_from_upload("x.xlsm", data)) == ["budi"]
