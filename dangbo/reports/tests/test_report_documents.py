"""The annual report of 2023 (seed 000) through the pages and the exports: the DOCX carries every
breakdown line the pages show (one source of rows: reports.figures.report_rows), the R-014 line
«phát triển 07 tổ chức cơ sở đảng trong khu vực ngoài nhà nước» is on the page, in the XLSX and
in the DOCX, recipients print one per line and paragraphs stay separate, and the header is the
organization commission's (36-HD/VPTW)."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.orgs.services import org_move
from dangbo.reports import services
from dangbo.reports.models import PeriodKind, ReportSubmission
from dangbo.reports.tests.test_sectors import seed_2023  # noqa: F401 (the fixture)

R014 = "phát triển 07 tổ chức cơ sở đảng trong khu vực ngoài nhà nước"
RECIPIENTS = "Ban Tổ chức Trung ương (báo cáo)\nThường trực Tỉnh ủy (báo cáo)\nLưu VT, TCĐV"
RESULTS = (
    "Tập trung chỉ đạo xây dựng tổ chức cơ sở đảng trong khu vực ngoài nhà nước.\n\n"
    "Kết nạp đảng viên vượt chỉ tiêu kế hoạch."
)


class _Breakdowns(HTMLParser):
    """Text of every <div class="breakdown"> of a page."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += tag == "div"
        elif tag == "div" and "breakdown" in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.lines.append("")

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.lines[-1] += data


def _page_lines(html: str) -> list[str]:
    parser = _Breakdowns()
    parser.feed(html)
    return [re.sub(r"\s+", " ", unescape(line)).strip() for line in parser.lines]


def _docx_paragraphs(content: bytes) -> list[str]:
    from docx import Document

    d = Document(io.BytesIO(content))
    cells = [p.text for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [p.text for p in d.paragraphs] + cells


@pytest.fixture
def annual(seed_2023, system_user, django_user_model, client):  # noqa: F811
    org_move(actor=system_user, org=seed_2023["QN-K-1"], new_parent=seed_2023["binh_son"], on=date(2023, 11, 1))
    officer = django_user_model.objects.create_user("canbo_qn", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=officer, role=Role.OFFICER, org=seed_2023["province"], valid_from=date(2010, 1, 1)
    )
    period = services.report_period_get_or_create(kind=PeriodKind.YEAR, year=2023)
    client.force_login(officer)
    client.post(
        reverse("reports:periodic_report"),
        {
            "org": seed_2023["province"].pk,
            "loai": "nam",
            "nam": 2023,
            "so": 1,
            "action": "prepare",
            "number": "Số 110-BC/BTCTU",
            "place": "Quảng Ngãi",
            "recipients": RECIPIENTS,
            "ket_qua": RESULTS,
        },
    )
    return {"province": seed_2023["province"], "period": period, "officer": officer}


def _export(client, org, fmt: str) -> bytes:
    r = client.get(
        reverse("reports:report_export"), {"org": org.pk, "loai": "nam", "nam": 2023, "so": 1, "dinh_dang": fmt}
    )
    assert r.status_code == 200
    return r.content


def test_the_docx_carries_every_breakdown_line_of_the_pages(client, annual):
    province = annual["province"]
    report_page = client.get(reverse("reports:periodic_report"), {"org": province.pk, "loai": "nam", "nam": 2023})
    overview = client.get(reverse("reports:indicator_overview"), {"org": province.pk, "ngay": "31/12/2023"})
    lines = _page_lines(report_page.content.decode())
    overview_lines = _page_lines(overview.content.decode())
    assert "Thành lập mới 11; Chuyển giao về tổ chức cấp trên khác 1" in lines
    assert "Thành lập mới 11; Chuyển giao về tổ chức cấp trên khác 1" in overview_lines
    assert set(overview_lines) == set(lines)  # both pages print the same lines
    docx = _docx_paragraphs(_export(client, province, "docx"))
    missing = [line for line in lines if line not in docx]
    assert not missing, missing
    assert len(lines) > 10


def test_rule_r014_line_on_the_page_and_in_the_exports(client, annual):
    from openpyxl import load_workbook

    province = annual["province"]
    page = client.get(reverse("reports:periodic_report"), {"org": province.pk, "loai": "nam", "nam": 2023})
    assert R014 in page.content.decode()
    assert any(
        line.startswith("Đơn vị trực thuộc: Đảng bộ huyện Bình Sơn 2; Đảng bộ huyện Tư Nghĩa 2; ")
        for line in _page_lines(page.content.decode())
    )
    assert R014 in _docx_paragraphs(_export(client, province, "docx"))
    ws = load_workbook(io.BytesIO(_export(client, province, "xlsx"))).active
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert any(
        r[0] == "Phát triển tổ chức cơ sở đảng trong khu vực ngoài nhà nước" and r[2] == 7 and r[3] == R014
        for r in rows
    )
    assert (None, "Đảng bộ huyện Bình Sơn", 2, "Đơn vị trực thuộc") in rows


def test_recipients_print_on_their_own_lines_and_paragraphs_stay_separate(client, annual):
    from docx import Document

    sub = ReportSubmission.objects.get(org=annual["province"], period=annual["period"])
    assert sub.recipients == RECIPIENTS
    assert sub.sections["ket_qua"] == RESULTS
    d = Document(io.BytesIO(_export(client, annual["province"], "docx")))
    noi_nhan = next(
        p.text
        for t in d.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        if p.text.startswith("- Ban Tổ chức Trung ương")
    )
    assert noi_nhan.split("\n") == [
        "- Ban Tổ chức Trung ương (báo cáo),",
        "- Thường trực Tỉnh ủy (báo cáo),",
        "- Lưu VT, TCĐV,",
    ]
    body = [p.text for p in d.paragraphs]
    first = body.index("Tập trung chỉ đạo xây dựng tổ chức cơ sở đảng trong khu vực ngoài nhà nước.")
    assert body[first + 1] == "Kết nạp đảng viên vượt chỉ tiêu kế hoạch."


def test_the_annual_report_of_a_province_has_the_organization_commission_header(client, annual):
    from docx import Document

    d = Document(io.BytesIO(_export(client, annual["province"], "docx")))
    header_left = [p.text for p in d.tables[0].rows[0].cells[0].paragraphs]
    assert header_left[:3] == ["TỈNH ỦY QUẢNG NGÃI", "BAN TỔ CHỨC", "*"]
    assert "Số 110-BC/BTCTU" in header_left
    footer_right = [p.text for t in d.tables[-1:] for c in t.rows[0].cells for p in c.paragraphs]
    assert "TRƯỞNG BAN" in footer_right


def test_the_standing_committee_header_when_chosen(client, annual):
    from docx import Document

    province = annual["province"]
    client.post(
        reverse("reports:periodic_report"),
        {
            "org": province.pk,
            "loai": "nam",
            "nam": 2023,
            "so": 1,
            "action": "prepare",
            "issuer_kind": "ban_thuong_vu",
        },
    )
    d = Document(io.BytesIO(_export(client, province, "docx")))
    header_left = [p.text for p in d.tables[0].rows[0].cells[0].paragraphs]
    assert header_left[:2] == ["ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY"]
    assert "T/M BAN THƯỜNG VỤ" in [p.text for c in d.tables[-1].rows[0].cells for p in c.paragraphs]
