"""The streaming XLSX reader gives the values openpyxl gives (values_only, data_only)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from dangbo.imports.xlsx import XlsxError, iter_rows


def test_values_match_openpyxl_for_a_workbook_written_by_openpyxl(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["Họ và tên", "Ngày sinh", "Số", "Tỉ lệ", "Đúng", None, "Công thức"])
    ws.append(["Nguyễn Văn An", date(1980, 9, 2), 12, 0.5, True, None, "=1+1"])
    ws.append([])
    ws.append(["Trần Thị Bình", datetime(1975, 1, 31, 0, 0), "001080000001", None, False])  # noqa: DTZ001 - cell values are naive
    ws["C6"] = "lẻ"  # a cell alone on a later row
    other = wb.create_sheet("Khác")
    other.append(["không đọc trang này"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    expected = [
        (i, r)
        for i, r in enumerate(
            load_workbook(path, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True), start=1
        )
    ]
    got = dict(iter_rows(path))
    for number, values in expected:
        trimmed = tuple(values)
        while trimmed and trimmed[-1] is None:
            trimmed = trimmed[:-1]
        if not trimmed:
            assert number not in got
            continue
        assert got[number] == trimmed, number
    assert got[2][1] == datetime(1980, 9, 2) and got[4][2] == "001080000001"  # noqa: DTZ001


def _handmade(path, sheet_xml: str, *, date1904: bool = False, styles: str | None = None):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            (
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<workbookPr date1904="{1 if date1904 else 0}"/>'
                '<sheets><sheet name="S" sheetId="1" r:id="rId7"/></sheets></workbook>'
            ),
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId7" Type="worksheet" Target="worksheets/data.xml"/></Relationships>'
            ),
        )
        if styles:
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/worksheets/data.xml", sheet_xml)
    return path


def test_inline_strings_prefixed_namespaces_1904_dates_and_custom_date_formats(tmp_path):
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:r><x:t>Lê </x:t></x:r><x:r><x:t>Văn &amp; Cường</x:t>'
        '</x:r></x:is></x:c><x:c r="C3" s="1"><x:v>1</x:v></x:c><x:c r="D3"><x:v>1.5E1</x:v></x:c>'
        '<x:c r="E3" t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    path = _handmade(tmp_path / "b.xlsx", sheet, date1904=True, styles=styles)
    assert list(iter_rows(path)) == [(3, (None, "Lê Văn & Cường", datetime(1904, 1, 2), 15.0, "#N/A"))]  # noqa: DTZ001


def test_not_an_xlsx_file(tmp_path):
    bad = tmp_path / "c.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(XlsxError):
        list(iter_rows(bad))
    broken = _handmade(tmp_path / "d.xlsx", "<worksheet><sheetData><row>")
    with pytest.raises(XlsxError):
        list(iter_rows(broken))


@pytest.mark.parametrize("calendar", ["windows", "mac"])
def test_date_serials_read_as_openpyxl_reads_them_around_the_1900_leap_day_and_the_last_day(calendar):
    """The reader counts whole Windows serials itself (the common case of an import) and must
    agree with openpyxl everywhere: Excel's fictitious 29/02/1900 (60), the days around it, times,
    the 1904 calendar and the last serial Excel accepts."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    from dangbo.imports.xlsx import _excel_date

    epoch = CALENDAR_WINDOWS_1900 if calendar == "windows" else CALENDAR_MAC_1904
    for serial in [0, 1, 59, 60, 61, 62, 367, 45_000, 45_000.5, 2_958_465, 2_958_466, 3_000_000]:
        try:
            expected = from_excel(serial, epoch)
        except (ValueError, OverflowError):
            expected = serial
        got = _excel_date(serial, epoch)
        assert (got, type(got)) == (expected, type(expected)), serial
