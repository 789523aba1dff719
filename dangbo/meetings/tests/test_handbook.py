"""R-043: the national e-handbook's account/usage export imported (matched by party card, else
citizen ID; dry run first; all or nothing), and the coverage "registered and accessed" per
organization as of a date, with its base stated."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.imports.tests.files import write_csv, write_xlsx
from dangbo.meetings.handbook import HEADERS, coverage, coverage_label, handbook_import
from dangbo.meetings.models import HandbookUsage
from dangbo.members.models import EventType
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event
from dangbo.reports.models import HandbookAccount
from dangbo.reports.services import handbook_account_register

pytestmark = pytest.mark.django_db
TODAY = date(2023, 12, 20)
SEED_DAY = date(2023, 12, 10)


@pytest.fixture
def five(system_user, tree):
    """Five members of commune A with a party card and a citizen ID each; one of commune B."""
    out = []
    for i, (cell, name) in enumerate(
        [
            ("cell_a1", "Nguyễn Văn An"),
            ("cell_a1", "Trần Thị Bình"),
            ("cell_a2", "Lê Văn Cường"),
            ("cell_a2", "Phạm Thị Dung"),
            ("cell_a2", "Hoàng Văn Em"),
            ("cell_b1", "Vũ Thị Gấm"),
        ],
        start=1,
    ):
        out.append(
            member_admit(
                actor=system_user,
                cell=tree[cell],
                decided_on=date(2015, 3, 2),
                ceremony_on=date(2015, 3, 2),
                profile=ProfileInput(
                    full_name=name,
                    birth_year=1980,
                    sex="M",
                    citizen_id=f"00108000000{i}",
                    party_card_number=f"12.00000{i}",
                ),
            )
        )
    return out


def _row(card="", cid="", name="", registered="", first="", last=""):
    return dict(zip(HEADERS, [card, cid, name, registered, first, last], strict=True))


def test_rule_r043_the_export_is_matched_by_card_or_citizen_id_and_the_dry_run_writes_nothing(
    tmp_path, commune_officer, five
):
    rows = [
        _row(card="12.000001", registered="01/06/2023", first="02/06/2023", last="09/12/2023"),
        _row(cid="001080000002", registered="15/06/2023", first="15/06/2023"),  # no card: by citizen ID
        _row(card="12.000003", registered="01/11/2023"),
    ]  # registered, never accessed
    path = write_xlsx(tmp_path / "sotay.xlsx", rows, headers=HEADERS)
    dry = handbook_import(path, actor=commune_officer, today=TODAY)
    assert (dry.rows, dry.matched, dry.opened, dry.usage, dry.refused) == (3, 3, 3, 2, 0)
    assert not HandbookAccount.objects.exists() and not HandbookUsage.objects.exists()

    done = handbook_import(path, actor=commune_officer, today=TODAY, dry_run=False)
    assert done.written
    accounts = dict(HandbookAccount.objects.values_list("member_id", "registered_on"))
    assert accounts == {five[0].pk: date(2023, 6, 1), five[1].pk: date(2023, 6, 15), five[2].pk: date(2023, 11, 1)}
    usage = HandbookUsage.objects.get(member=five[0])
    assert (usage.first_access_on, usage.last_access_on) == (date(2023, 6, 2), date(2023, 12, 9))
    assert "Sổ tay đảng viên điện tử" in usage.source
    assert AuditEntry.objects.filter(action="meetings.handbook_import").count() == 1
    assert AuditEntry.objects.filter(action="reports.handbook_registered").count() == 3  # the model's own service

    again = handbook_import(path, actor=commune_officer, today=TODAY, dry_run=False)  # idempotent
    assert again.opened == 0 and HandbookAccount.objects.count() == 3 and HandbookUsage.objects.count() == 2


def test_rule_r043_refused_rows_name_row_and_column_and_the_apply_writes_nothing(tmp_path, commune_officer, five):
    rows = [
        _row(card="12.000001", registered="01/06/2023"),
        _row(card="12.999999", registered="01/06/2023"),  # nobody
        _row(card="12.000006", registered="01/06/2023"),  # commune B: outside the officer's scope
        _row(card="12.000002", registered="hôm qua"),
        _row(card="12.000003", registered="01/06/2023", first="01/05/2023"),
        _row(card="12.000001", registered="01/06/2023"),
    ]  # twice
    path = write_csv(tmp_path / "sotay.csv", rows, headers=HEADERS)
    dry = handbook_import(path, actor=commune_officer, today=TODAY)
    refusals = {(n, col): reason for n, col, reason in dry.refusals}
    assert dry.matched == 1 and dry.refused == 5
    assert refusals[(3, "Số thẻ đảng viên / Số CCCD")] == "Không tìm thấy đảng viên có số thẻ 12.999999."
    assert (4, "Số thẻ đảng viên / Số CCCD") in refusals
    assert "Không hiểu ngày «hôm qua»" in refusals[(5, "Ngày đăng ký")]
    assert refusals[(6, "Ngày truy cập lần đầu")] == "Ngày truy cập lần đầu trước ngày đăng ký."
    assert "đã có ở dòng 2" in refusals[(7, "Số thẻ đảng viên / Số CCCD")]
    with pytest.raises(DomainError) as err:
        handbook_import(path, actor=commune_officer, today=TODAY, dry_run=False)
    assert "5 dòng bị từ chối" in err.value.message
    assert not HandbookAccount.objects.exists() and not HandbookUsage.objects.exists()


def test_a_file_without_the_required_columns_is_refused_in_vietnamese(tmp_path, commune_officer, five):
    path = write_csv(tmp_path / "sai.csv", [{"Họ và tên": "Nguyễn Văn An"}], headers=["Họ và tên"])
    with pytest.raises(DomainError) as err:
        handbook_import(path, actor=commune_officer, today=TODAY)
    assert err.value.field == "file" and "Ngày đăng ký" in err.value.message


def test_rule_r043_coverage_counts_registered_and_accessed_as_of_a_date_with_its_base(
    tmp_path, system_user, commune_officer, tree, five
):
    path = write_csv(
        tmp_path / "sotay.csv",
        [
            _row(card="12.000001", registered="01/06/2023", first="02/06/2023"),
            _row(card="12.000002", registered="01/06/2023", first="11/12/2023"),  # accessed after the date
            _row(card="12.000003", registered="01/06/2023"),  # never accessed
            _row(card="12.000004", registered="01/06/2023", first="05/06/2023"),
        ],
        headers=HEADERS,
    )
    handbook_import(path, actor=commune_officer, today=TODAY, dry_run=False)
    member_record_event(
        actor=system_user,
        member=five[4],
        data=EventInput(type=EventType.ACTIVITY_EXEMPTION, on=date(2023, 1, 5), org=tree["cell_a2"]),
    )

    c = coverage(actor=commune_officer, org_id=tree["commune_a"].pk, on=SEED_DAY)
    assert (c.accessed, c.registered, c.base) == (2, 4, 5)
    assert c.label == "2/5 (40,0%)" and c.base_label == "tổng số đảng viên"
    exempt_out = coverage(actor=commune_officer, org_id=tree["commune_a"].pk, on=SEED_DAY, exclude_exempt=True)
    assert exempt_out.base == 4 and exempt_out.label == "2/4 (50,0%)"
    later = coverage(actor=commune_officer, org_id=tree["commune_a"].pk, on=TODAY)
    assert later.accessed == 3
    cell = coverage(actor=commune_officer, org_id=tree["cell_a1"].pk, on=SEED_DAY)
    assert cell.label == "1/2 (50,0%)"
    # the account opened by the member import's «Sổ tay điện tử» column (no usage yet) is registered, not accessed
    handbook_account_register(actor=system_user, member=five[4], on=date(2023, 6, 1))
    assert coverage(actor=commune_officer, org_id=tree["commune_a"].pk, on=SEED_DAY).registered == 5


def test_rule_r043_the_seed_figure_is_written_51_602_of_57_012_90_5_percent():
    assert coverage_label(51602, 57012) == "51.602/57.012 (90,5%)"
    assert coverage_label(0, 0) == "0/0"


def test_rule_r043_coverage_outside_the_scope_is_not_found(outsider, tree, five):
    from django.http import Http404

    with pytest.raises(Http404):
        coverage(actor=outsider, org_id=tree["commune_a"].pk, on=SEED_DAY)


def test_headers_typed_as_an_office_would_are_read_and_unknown_columns_listed(tmp_path, commune_officer, five):
    """The pipeline's reading (imports/pipeline.py) for the national export: a title line above
    the header, headers without diacritics, in capitals, in the TCVN3 font, aliases («CCCD», «Ngày
    kích hoạt», «Lần truy cập cuối»); the columns no field takes are listed as ignored, the others
    with the field they fill."""
    from openpyxl import Workbook

    from dangbo.imports.legacy import encode_tcvn3

    wb = Workbook()
    wb.active.append(["DANH SÁCH TÀI KHOẢN SỔ TAY ĐẢNG VIÊN ĐIỆN TỬ"])
    wb.active.append(
        ["STT", "SO THE DANG VIEN", "cccd", encode_tcvn3("Họ và tên"), "NGAY KICH HOAT", "lan truy cap cuoi", "Đơn vị"]
    )
    wb.active.append([1, "12.000001", "", "Nguyễn Văn An", "01/06/2023", "09/12/2023", "Chi bộ thôn 1"])
    wb.active.append([2, "", "001080000002", "Trần Thị Bình", "15/06/2023", "", "Chi bộ thôn 1"])
    path = tmp_path / "go-tay.xlsx"
    wb.save(path)
    dry = handbook_import(path, actor=commune_officer, today=TODAY)
    assert (dry.rows, dry.matched, dry.opened, dry.usage, dry.refused) == (2, 2, 2, 1, 0)
    assert dry.ignored == ["STT", "Đơn vị"] and dry.as_dict()["ignored"] == ["STT", "Đơn vị"]
    assert {m["header"]: m["field"] for m in dry.mapped if m["field"]} == {
        "SO THE DANG VIEN": "party_card_number",
        "cccd": "citizen_id",
        "Họ và tên": "full_name",
        "NGAY KICH HOAT": "registered_on",
        "lan truy cap cuoi": "last_access_on",
    }
    assert handbook_import(path, actor=commune_officer, today=TODAY, dry_run=False).written
    usage = HandbookUsage.objects.get(member=five[0])
    assert (usage.first_access_on, usage.last_access_on) == (date(2023, 12, 9), date(2023, 12, 9))


def test_every_bad_cell_of_a_row_is_refused_by_its_column(tmp_path, commune_officer, five):
    rows = [
        _row(card="12.000001", cid="123", registered="01/06/2023"),
        _row(card="12.000002", registered="31/02/2023", first="hôm qua"),
        _row(registered="01/06/2023"),
    ]
    path = write_csv(tmp_path / "sotay.csv", rows, headers=HEADERS)
    dry = handbook_import(path, actor=commune_officer, today=TODAY)
    assert [(n, col) for n, col, _ in dry.refusals] == [
        (2, "Số CCCD"),
        (3, "Ngày đăng ký"),
        (3, "Ngày truy cập lần đầu"),
        (4, "Số thẻ đảng viên / Số CCCD"),
    ]


def test_the_template_is_the_layout_with_a_guide_sheet(tmp_path, commune_officer, five):
    import io

    from openpyxl import load_workbook

    from dangbo.meetings.handbook import template_xlsx

    content = template_xlsx()
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Sổ tay điện tử", "Hướng dẫn"]
    assert [c.value for c in wb.active[1]] == HEADERS and wb.active["B2"].number_format == "@"
    guide = {r[0].value: r[1].value for r in wb["Hướng dẫn"].iter_rows(min_row=2)}
    assert guide["Ngày đăng ký"] == "Có" and guide["Số CCCD"] == "Một trong hai"
    path = tmp_path / "mau.xlsx"
    path.write_bytes(content)
    dry = handbook_import(path, actor=commune_officer, today=TODAY)  # the example row reads back
    assert dry.rows == 1 and dry.refusals == [
        (2, "Số thẻ đảng viên / Số CCCD", "Không tìm thấy đảng viên có số thẻ 12.345678.")
    ]
