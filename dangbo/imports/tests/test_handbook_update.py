"""#22 «the handbook column for members already in the registry» (R-043): a file that only opens or
closes the e-handbook accounts of existing members, matched by party card number or citizen ID in
the officer's scope (imports.handbook, page /dang-vien/so-tay-dien-tu/nhap/); a dry run first,
then the whole file or nothing; no member created, nothing else changed."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.imports.handbook import handbook_import
from dangbo.imports.tests.files import write_csv, write_xlsx
from dangbo.members.models import Member
from dangbo.members.services import ProfileInput, member_admit
from dangbo.reports.models import HandbookAccount
from dangbo.reports.services import handbook_account_register

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)
HEADERS = ["Số thẻ đảng viên", "Số CCCD", "Họ và tên", "Sổ tay điện tử", "Ngày khóa sổ tay"]


@pytest.fixture
def members(tree, system_user):
    def admit(name, card, cid, cell):
        return member_admit(
            actor=system_user,
            cell=tree[cell],
            decided_on=date(2015, 3, 2),
            ceremony_on=date(2015, 3, 2),
            profile=ProfileInput(full_name=name, birth_year=1980, sex="M", party_card_number=card, citizen_id=cid),
        )

    return {
        "an": admit("Nguyễn Văn An", "01.000101", "001080000101", "cell_a1"),
        "binh": admit("Trần Thị Bình", "01.000102", "001080000102", "cell_a1"),
        "cuong": admit("Lê Văn Cường", "01.000103", "001080000103", "cell_a2"),
        "dong": admit("Hà Văn Đông", "01.000201", "001080000201", "cell_b1"),
    }


def rows(*items):
    return [dict(zip(HEADERS, item, strict=False)) for item in items]


def test_rule_r043_existing_members_accounts_are_opened_and_closed_by_card_or_citizen_id(
    tmp_path, commune_officer, members, system_user
):
    handbook_account_register(actor=system_user, member=members["cuong"], on=date(2024, 1, 5))
    count = Member.objects.count()
    path = write_xlsx(
        tmp_path / "so_tay.xlsx",
        rows(
            ("01.000101", "", "Nguyễn Văn An", "có"),  # by card, opened today
            ("", "001080000102", "", "15/03/2024"),  # by citizen ID, opened on that date
            ("01.000103", "", "", "", "01/02/2026"),  # already open: closed on that date
        ),
        headers=HEADERS,
    )
    dry = handbook_import(path, actor=commune_officer, filename="so_tay.xlsx", today=TODAY)
    assert dry.errors == [] and (dry.opened, dry.closed) == (2, 1)
    assert HandbookAccount.objects.count() == 1  # a dry run writes nothing
    done = handbook_import(path, actor=commune_officer, filename="so_tay.xlsx", apply=True, today=TODAY)
    assert done.applied
    accounts = {a.member_id: a for a in HandbookAccount.objects.all()}
    assert accounts[members["an"].pk].registered_on == TODAY
    assert accounts[members["binh"].pk].registered_on == date(2024, 3, 15)
    assert accounts[members["cuong"].pk].closed_on == date(2026, 2, 1)
    assert Member.objects.count() == count  # nobody created
    assert AuditEntry.objects.filter(action="reports.handbook_registered").count() == 3
    assert AuditEntry.objects.filter(action="reports.handbook_closed").count() == 1
    assert AuditEntry.objects.filter(action="imports.handbook_updated").count() == 1
    # the same file again: nothing to open, the account closed cannot be closed again
    again = handbook_import(path, actor=commune_officer, filename="so_tay.xlsx", today=TODAY)
    assert [e[2] for e in again.errors] == ["Lê Văn Cường không có tài khoản Sổ tay điện tử đang hoạt động để khóa."]


def test_rule_r043_an_unknown_or_out_of_scope_member_refuses_the_file_and_nothing_is_written(
    tmp_path, commune_officer, members
):
    path = write_csv(
        tmp_path / "so_tay.csv",
        rows(
            ("01.000101", "", "", "có"),
            ("01.000201", "", "", "có"),  # commune B: outside the commune-A officer's scope
            ("09.999999", "", "", "có"),  # nobody
            ("", "001080000102", "Trần Văn Khác", "có"),  # the name does not match
            ("01.000102", "", "", "hình như có"),
        ),
        headers=HEADERS,
    )
    report = handbook_import(path, actor=commune_officer, filename="so_tay.csv", apply=True, today=TODAY)
    assert not report.applied and not HandbookAccount.objects.exists()
    by_row = {row: (column, message) for row, column, message in report.errors}
    assert by_row[3] == (
        "Số thẻ đảng viên",
        "Không tìm thấy đảng viên có số thẻ 01.000201 trong phạm vi của bạn; tệp này chỉ cập nhật đảng viên đã có.",
    )
    assert by_row[4][0] == "Số thẻ đảng viên"
    assert by_row[5] == ("Họ và tên", "Họ tên «Trần Văn Khác» khác với hồ sơ tìm theo số thẻ/CCCD («Trần Thị Bình»).")
    assert by_row[6][0] == "Sổ tay điện tử" and "phải là «có», «không» hoặc ngày mở tài khoản" in by_row[6][1]
    assert 2 not in by_row


def test_the_page_dry_runs_then_applies(client, tmp_path, commune_officer, members, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "so_tay.csv", rows(("01.000101", "", "", "có")), headers=HEADERS)
    client.force_login(commune_officer)
    url = reverse("handbook_import")
    with open(path, "rb") as fh:
        html = client.post(url, {"file": fh}).content.decode()
    assert "Dòng 2: Nguyễn Văn An — mở tài khoản từ" in html and not HandbookAccount.objects.exists()
    kept = html.split('name="kept" value="')[1].split('"')[0]
    assert client.post(url, {"kept": kept, "filename": "so_tay.csv", "ghi": "1"}).status_code == 302
    assert HandbookAccount.objects.get().member_id == members["an"].pk


def test_headers_typed_without_accents_in_legacy_fonts_or_as_aliases_are_read(tree, system_user, tmp_path):
    """The pipeline's header matching (imports/pipeline.py) for the e-handbook file: headers without
    diacritics, in capitals, in the TCVN3 font, and aliases; the unknown column is listed."""
    from openpyxl import Workbook

    from dangbo.imports.handbook import handbook_import
    from dangbo.imports.legacy import encode_tcvn3

    wb = Workbook()
    wb.active.append(["STT", "SO THE", encode_tcvn3("Họ tên"), "ngay mo so tay"])
    wb.active.append([1, "99.999999", "Người Không Có", "01/01/2026"])
    wb.save(tmp_path / "st.xlsx")
    report = handbook_import(tmp_path / "st.xlsx", actor=system_user, filename="st.xlsx")
    assert report.ignored == ["STT"] and report.rows == 1
    assert [(m["header"], m["field"]) for m in report.mapped][1:] == [
        ("SO THE", "party_card"),
        ("Họ tên", "full_name"),
        ("ngay mo so tay", "handbook"),
    ]
    assert [(row, col) for row, col, _ in report.errors] == [(2, "Số thẻ đảng viên")]  # read, then matched
