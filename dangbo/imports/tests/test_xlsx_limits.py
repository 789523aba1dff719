"""Issue 13, "a 2 KB XLSX exhausts memory": the streaming reader bounds what an untrusted file can
make it hold (columns, unpacked sizes, compression ratio, shared strings) and refuses anything
malformed with a Vietnamese message, never a traceback. The hostile files are built here, small
and fast: repetitive payloads compress to a few hundred KB."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile

import pytest

from dangbo.imports import xlsx
from dangbo.imports.parse import FileFormatError, open_table
from dangbo.imports.xlsx import XlsxError, iter_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WORKBOOK = (
    f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


def sheet_xml(rows: str) -> str:
    return f"<worksheet {NS}><sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"


def build(
    sheet: str | None = None, *, shared: str | None = None, big: tuple | None = None, workbook: str = WORKBOOK
) -> bytes:
    """An XLSX in memory. `big` = (member name, chunk, repetitions[, prefix]): a member streamed
    into the zip, as large as wanted once unpacked, a few hundred KB packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        if sheet is not None:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        if big:
            name, chunk, times, *prefix = big
            with z.open(name, "w", force_zip64=True) as fh:
                fh.write(b"".join(prefix))
                for _ in range(times):
                    fh.write(chunk)
    return out.getvalue()


def read(content: bytes) -> list:
    return list(iter_rows(io.BytesIO(content)))


def peak_while(fn) -> tuple[int, float]:
    """(peak bytes allocated by Python, seconds) while fn runs."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, time.perf_counter() - started


def test_a_2kb_xlsx_cannot_exhaust_memory_with_a_cell_beyond_column_xfd():
    content = build(sheet_xml('<row r="2"><c r="ZZZZZZZ2"><v>1</v></c></row>'))
    assert len(content) < 2048

    def run():
        with pytest.raises(XlsxError, match=r"Tham chiếu ô «ZZZZZZZ2» không hợp lệ: Excel chỉ có các cột từ A đến XFD"):
            read(content)

    peak, _ = peak_while(run)
    assert peak < 2 * 1024 * 1024


def test_a_value_beyond_the_product_column_limit_is_refused_and_a_blank_one_ignored():
    with pytest.raises(
        XlsxError, match=r"Ô XFD2 có dữ liệu ở cột thứ 16\.384: hệ thống chỉ đọc 200 cột đầu \(đến cột GR\)"
    ):
        read(build(sheet_xml('<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>')))
    rows = read(
        build(sheet_xml('<row r="2"><c r="A2"><v>7</v></c><c r="XFD2" t="inlineStr"><is><t> </t></is></c></row>'))
    )
    assert rows[1] == (2, (7,))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    """150 MB of shared strings packed into a few hundred KB: refused from the zip's directory,
    before a byte is inflated (Python allocates almost nothing, it takes no time)."""
    chunk = (b"<si><t>" + b"A" * 1000 + b"</t></si>") * 1000
    content = build(sheet_xml(""), big=("xl/sharedStrings.xml", chunk, 150))
    assert len(content) < 2 * 1024 * 1024

    def run():
        with pytest.raises(
            XlsxError, match=r"Phần «xl/sharedStrings\.xml» của tệp giải nén ra 1[45]\d MB, vượt giới hạn 128 MB"
        ):
            read(content)

    peak, seconds = peak_while(run)
    assert peak < 2 * 1024 * 1024 and seconds < 1


def test_a_highly_compressed_sheet_is_refused_as_a_zip_bomb():
    content = build(big=("xl/worksheets/sheet1.xml", b" " * 65536, 512))  # 32 MB of spaces
    with pytest.raises(
        XlsxError, match=r"Tệp nén bất thường: phần «xl/worksheets/sheet1\.xml» giải nén ra gấp [\d.]+ lần"
    ):
        read(content)


def test_one_huge_shared_string_is_refused_while_it_streams_in(monkeypatch):
    """The 1 MB file holding one 1 GB shared string, at 100 MB: refused by its ratio, and even with
    the size and ratio checks lifted, refused after 32.767 characters instead of held whole."""
    content = build(sheet_xml(""), big=("xl/sharedStrings.xml", b"A" * (1 << 20), 100, f"<sst {NS}><si><t>".encode()))
    assert len(content) < 1024 * 1024
    with pytest.raises(XlsxError, match="Tệp nén bất thường"):
        read(content)
    monkeypatch.setattr(xlsx, "MAX_RATIO", 10**9)

    def run():
        with pytest.raises(XlsxError, match=r"Chuỗi dùng chung số 0 \(shared string\) dài hơn 32\.767 ký tự"):
            read(content)

    peak, _ = peak_while(run)
    assert peak < 4 * 1024 * 1024


def test_a_cell_longer_than_excel_allows_is_refused():
    text = os.urandom(20_000).hex()  # 40.000 characters that do not compress
    with pytest.raises(XlsxError, match=r"Nội dung ô B2 dài hơn 32\.767 ký tự"):
        read(build(sheet_xml(f'<row r="2"><c r="B2" t="inlineStr"><is><t>{text}</t></is></c></row>')))


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 3)
    shared = f"<sst {NS}>" + "<si><t>a</t></si>" * 4 + "</sst>"
    with pytest.raises(XlsxError, match="Tệp có hơn 3 chuỗi dùng chung"):
        read(build(sheet_xml(""), shared=shared))


BAD_SHEETS = {
    "cell reference": ('<row r="2"><c r="2A"><v>1</v></c></row>', "Tham chiếu ô «2A» không hợp lệ"),
    "empty reference": ('<row r="2"><c r=""><v>1</v></c></row>', "Tham chiếu ô «» không hợp lệ"),
    "row number": ('<row r="hai"><c><v>1</v></c></row>', "Số dòng «hai» trong trang tính không hợp lệ"),
    "row beyond Excel": ('<row r="2000000"><c><v>1</v></c></row>', "Số dòng 2.000.000 nằm ngoài giới hạn"),
    "shared string index": ('<row r="2"><c r="A2" t="s"><v>5</v></c></row>', "Ô A2 trỏ tới chuỗi dùng chung số «5»"),
    "negative index": ('<row r="2"><c r="A2" t="s"><v>-1</v></c></row>', "Ô A2 trỏ tới chuỗi dùng chung số «-1»"),
    "broken XML": (
        '<row r="2"><c r="A2"><v>1</v></row>',
        "Tệp Excel bị hỏng: phần «xl/worksheets/sheet1.xml» không phải XML hợp lệ",
    ),
}


@pytest.mark.parametrize("case", BAD_SHEETS)
def test_malformed_xml_is_a_vietnamese_refusal_never_a_traceback(case, tmp_path):
    rows, message = BAD_SHEETS[case]
    content = build(sheet_xml(rows), shared=f"<sst {NS}><si><t>một</t></si></sst>")
    with pytest.raises(XlsxError, match=message):
        read(content)
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=r"^Không đọc được tệp Excel \(\.xlsx\)\. " + message):
        list(open_table(path))


def test_entity_expansion_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with pytest.raises(XlsxError, match="có khai báo DTD/thực thể"):
        read(build(laughs + sheet_xml('<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>')))
    with pytest.raises(XlsxError, match="«xl/workbook.xml» của tệp có khai báo DTD"):
        read(build(sheet_xml(""), workbook=laughs + WORKBOOK))


def test_files_that_are_not_xlsx_are_refused_in_vietnamese():
    with pytest.raises(XlsxError, match="Tệp không phải là tệp Excel .xlsx"):
        read(b"PK\x03\x04 not really")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(XlsxError, match="Tệp không có phần «xl/workbook.xml»"):
        read(out.getvalue())


@pytest.mark.django_db
def test_member_and_organization_imports_read_through_the_guarded_reader(tmp_path, system_user, tree):
    from dangbo.imports.orgs import org_import_dry_run
    from dangbo.imports.services import import_dry_run

    path = tmp_path / "x.xlsx"
    path.write_bytes(build(sheet_xml('<row r="2"><c r="ZZZZZZZ2"><v>1</v></c></row>')))
    for dry_run in (import_dry_run, org_import_dry_run):
        with pytest.raises(FileFormatError, match="Tham chiếu ô «ZZZZZZZ2» không hợp lệ"):
            dry_run(path, actor=system_user)
