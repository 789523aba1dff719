"""Item 2: import of portal payment exports (CSV/XLSX) matched by party card / citizen ID, with a
dry run listing unmatched and duplicate rows by number, then apply (through the task worker)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.dues import portal
from dangbo.dues import selectors as sel
from dangbo.dues.models import DuesImportJob, DuesPayment
from dangbo.members.models import Member

HEAD = "STT,Mã giao dịch,Họ và tên người nộp,Số thẻ đảng viên,Số CCCD,Từ tháng,Đến tháng,Số tiền (đồng),Ngày nộp,Trạng thái"


@pytest.fixture
def carded(declared):
    for i, m in enumerate(declared):
        Member.objects.filter(pk=m.pk).update(party_card_number=f"01.00000{i}", citizen_id=f"00108500000{i}")
    return declared


def csv_file(tmp_path, *lines, name="dvc.csv"):
    p = tmp_path / name
    p.write_text("\n".join([HEAD, *lines]) + "\n", encoding="utf-8")
    return p


def test_rule_r122_multi_month_portal_import_is_matched_by_card_or_citizen_id_and_counted_per_month(
    system_user, carded, tmp_path
):
    an, binh = carded[:2]
    path = csv_file(
        tmp_path,
        '1,DVC001,Nguyễn Văn An,01.000000,,01/2025,03/2025,"300.000",05/01/2025,Thành công',
        "2,DVC002,Trần Thị Bình,,001085000001,02/2025,,100000,06/02/2025,Thành công",
    )
    report = portal.check(path, actor=system_user, today=date(2025, 6, 1))
    assert [(r["row"], r["member_id"]) for r in report.matched] == [(2, an.pk), (3, binh.pk)]
    assert DuesPayment.objects.count() == 0  # the dry run writes nothing
    report = portal.apply(path, actor=system_user, today=date(2025, 6, 1))
    assert report.created == 2
    p = DuesPayment.objects.get(receipt_no="DVC001")
    assert (p.channel, p.amount, p.from_month, p.to_month) == ("portal", 300_000, date(2025, 1, 1), date(2025, 3, 1))
    assert [r.status for r in sel.ledger(an.pk, date(2025, 1, 1), date(2025, 3, 1))] == ["paid"] * 3
    # Re-importing the same file: every row a duplicate, nothing written twice.
    again = portal.apply(path, actor=system_user, today=date(2025, 6, 1))
    assert again.created == 0 and [d["row"] for d in again.duplicates] == [2, 3]
    assert DuesPayment.objects.count() == 2


def test_dry_run_lists_unmatched_duplicate_and_invalid_rows_by_number_and_apply_writes_nothing(
    system_user, carded, tmp_path, admit, tree
):
    outsider_member = admit(tree["cell_b1"], "Đỗ Văn Ngoài")
    Member.objects.filter(pk=outsider_member.pk).update(party_card_number="99.999999")
    path = csv_file(
        tmp_path,
        "1,DVC010,Nguyễn Văn An,01.000000,,01/2025,,100000,05/01/2025,Thành công",
        "2,DVC010,Nguyễn Văn An,01.000000,,02/2025,,100000,05/02/2025,Thành công",
        "3,DVC011,Không Có,77.777777,,01/2025,,100000,05/01/2025,Thành công",
        "4,DVC012,Lê Văn Cường,01.000002,,13/2025,,100000,05/01/2025,Thành công",
        "5,DVC013,Phạm Thị Dung,01.000003,,01/2025,,100000,05/01/2025,Thất bại",
    )
    sec = get_user_model().objects.create_user("bt_a1", password="x")
    RoleAssignment.objects.create(user=sec, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2020, 1, 1))
    report = portal.check(path, actor=sec, today=date(2025, 6, 1))
    assert [d["message"] for d in report.duplicates] == ["Dòng 3: trùng mã giao dịch DVC010 với dòng 2"]
    assert [d["message"] for d in report.unmatched] == [
        "Dòng 4: không tìm thấy đảng viên có số thẻ 77.777777 (Không Có)"
    ]
    assert report.invalid[0]["message"].startswith("Dòng 5: «Từ tháng» phải ghi tháng/năm")
    assert report.skipped[0]["row"] == 6
    with pytest.raises(portal.PortalImportRefused, match="chưa ghi dòng nào"):
        portal.apply(path, actor=sec, today=date(2025, 6, 1))
    assert DuesPayment.objects.count() == 0
    # A member outside the secretary's scope is unmatched, never revealed.
    out = csv_file(tmp_path, "1,DVC020,Đỗ Văn Ngoài,99.999999,,01/2025,,5000,05/01/2025,Thành công", name="o.csv")
    msg = portal.check(out, actor=sec, today=date(2025, 6, 1)).unmatched[0]["message"]
    assert "Đỗ Văn Ngoài" in msg  # the payer's name as written in the file, not from the registry
    assert portal.check(out, actor=system_user, today=date(2025, 6, 1)).unmatched == []


def test_xlsx_export_through_the_pages_and_the_task_worker(client, carded, secretary_a1):
    client.force_login(secretary_a1)
    assert "Số thẻ đảng viên" in client.get(reverse("dues:portal_upload")).content.decode()
    template = client.get(reverse("dues:portal_template"))
    assert template.status_code == 200
    Member.objects.filter(pk=carded[0].pk).update(citizen_id="001085001234")
    Member.objects.filter(pk=carded[1].pk).update(citizen_id="001185004321")
    f = SimpleUploadedFile("dvc.xlsx", template.content)
    r = client.post(reverse("dues:portal_upload"), {"file": f})
    job = DuesImportJob.objects.get()
    assert r.status_code == 302 and job.status == "checked", job.error
    page = client.get(reverse("dues:portal_job", args=[job.pk])).content.decode()
    assert "2 dòng khớp" in page and "Nhập 2 khoản nộp" in page
    client.post(reverse("dues:portal_job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and DuesPayment.objects.filter(channel="portal").count() == 2


def test_a_running_import_shows_the_shared_progress_and_polls_until_done(
    client, carded, secretary_a1, tmp_path, monkeypatch
):
    client.force_login(secretary_a1)
    job = DuesImportJob.objects.create(
        file_path="/nowhere.csv",
        original_name="dvc.csv",
        uploaded_by=secretary_a1,
        status=DuesImportJob.State.CHECKING,
        total_rows=1200,
        processed_rows=500,
    )
    url = reverse("dues:portal_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="job-progress"' in page and "Đã đọc 500 / 1.200 dòng" in page
    assert f'hx-get="{url}"' in page and "<progress" in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="job-status"') and "Đã đọc 500 / 1.200 dòng" in partial
    # The worker writes its progress while reading; the finished page polls no more.
    monkeypatch.setattr(portal, "PROGRESS_EVERY", 1)
    seen = []
    path = csv_file(
        tmp_path,
        "1,DVC001,Phạm Văn A,01.000000,,01/2025,,10000,05/01/2025,Thành công",
        "2,DVC002,Phạm Văn B,01.000001,,01/2025,,10000,05/01/2025,Thành công",
    )
    portal.check(path, actor=secretary_a1, today=date(2025, 6, 1), progress=lambda done: seen.append(done))
    assert seen == [1, 2]
    job.status = DuesImportJob.State.CHECKED
    job.report = portal.check(path, actor=secretary_a1, today=date(2025, 6, 1)).as_dict()
    job.save()
    done = client.get(url).content.decode()
    assert "hx-get" not in done and "job-progress" not in done and "2 dòng khớp" in done


def test_headers_typed_as_an_office_would_are_read_and_unknown_columns_listed(system_user, carded, tmp_path):
    """The pipeline's reading (imports/pipeline.py) for portal exports: a title line above the
    header, headers without diacritics, in capitals, in the TCVN3 font, aliases («Họ tên», «Số
    tiền», «Ngày thanh toán»); the columns no field takes are listed as ignored, the others with
    the field they fill."""
    from openpyxl import Workbook

    from dangbo.imports.legacy import encode_tcvn3

    an = carded[0]
    wb = Workbook()
    wb.active.append(["DANH SÁCH GIAO DỊCH NỘP ĐẢNG PHÍ"])
    wb.active.append(
        [
            "STT",
            "MA GIAO DICH",
            "ho ten",
            "SO THE DANG VIEN",
            encode_tcvn3("Từ tháng"),
            "DEN THANG",
            "So tien",
            "NGAY THANH TOAN",
            "trang thai",
            "Ghi chú",
        ]
    )
    wb.active.append(
        [1, "DVC100", "Nguyễn Văn An", "01.000000", "01/2025", "02/2025", 200000, "05/01/2025", "Thành công", ""]
    )
    path = tmp_path / "go-tay.xlsx"
    wb.save(path)
    report = portal.check(path, actor=system_user, today=date(2025, 6, 1))
    assert report.ignored == ["STT", "Ghi chú"] and not report.errors
    assert {m["header"]: m["label"] for m in report.mapped if m["field"]}["So tien"] == "Số tiền (đồng)"
    assert [(r["row"], r["member_id"], r["amount"]) for r in report.matched] == [(3, an.pk, 200_000)]
    page_report = report.as_dict()
    assert page_report["ignored"] == ["STT", "Ghi chú"] and page_report["mapped"][1]["field"] == "transaction_id"
    assert portal.apply(path, actor=system_user, today=date(2025, 6, 1)).created == 1
    entry = AuditEntry.objects.get(action="dues.portal_import")
    assert entry.after["file"]["name"] == "go-tay.xlsx" and entry.after["duplicates"] == 0


def test_every_bad_cell_is_refused_by_row_and_column_in_vietnamese(system_user, carded, tmp_path):
    path = csv_file(
        tmp_path,
        "1,,Nguyễn Văn An,01.000000,,13/2025,,0,,Thành công",
        "2,DVC201,Trần Thị Bình,,,01/2025,,100000,05/01/2025,Thành công",
        "3,DVC202,Lê Văn Cường,01.000002,,03/2025,01/2025,100000,05/01/2030,Thành công",
    )
    report = portal.check(path, actor=system_user, today=date(2025, 6, 1))
    cells = [(row, col) for row, col, _ in report.errors]
    assert cells == [
        (2, "Mã giao dịch"),
        (2, "Từ tháng"),
        (2, "Số tiền (đồng)"),
        (2, "Ngày nộp"),
        (3, "Số thẻ đảng viên / Số CCCD"),
        (4, "Đến tháng"),
        (4, "Ngày nộp"),
    ]
    assert report.blocking == 3 and report.as_dict()["invalid_rows"] == 3


def test_a_row_the_services_refuse_writes_nothing_and_names_its_row_and_column(system_user, carded, tmp_path):
    """A month before the member's declaration: payment_record refuses it inside the one
    transaction of the apply; no payment is kept and the refusal names its row and column."""
    path = csv_file(
        tmp_path,
        "1,DVC301,Nguyễn Văn An,01.000000,,01/2025,,100000,05/01/2025,Thành công",
        "2,DVC302,Trần Thị Bình,01.000001,,01/2001,,100000,05/01/2025,Thành công",
    )
    with pytest.raises(portal.PortalImportRefused) as refused:
        portal.apply(path, actor=system_user, today=date(2025, 6, 1))
    assert [(r, c) for r, c, _ in refused.value.report.errors] == [(3, "Từ tháng")]
    assert DuesPayment.objects.count() == 0


def test_the_template_is_the_layout_with_a_guide_sheet():
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(portal.build_template()))
    assert wb.sheetnames == ["Giao dịch", "Hướng dẫn"]
    assert [c.value for c in wb["Giao dịch"][1]] == portal.LAYOUT.template_headers
    assert wb["Giao dịch"]["E2"].value == "03/2026" and wb["Giao dịch"]["E2"].number_format == "@"
    guide = {r[0].value: r[1].value for r in wb["Hướng dẫn"].iter_rows(min_row=2)}
    assert guide["Mã giao dịch"] == "Có" and guide["Số CCCD"] == "Một trong hai"


def test_the_job_page_shows_refusals_by_row_and_column_and_the_columns_used_or_ignored(
    client, carded, secretary_a1, tmp_path
):
    client.force_login(secretary_a1)
    path = tmp_path / "dvc.csv"
    path.write_text(
        "Mã giao dịch,Số thẻ,Từ tháng,Số tiền,Ngày nộp,Ghi chú\nDVC401,01.000000,13/2025,100000,05/01/2025,x\n",
        encoding="utf-8",
    )
    job = DuesImportJob.objects.create(
        file_path=str(path),
        original_name="dvc.csv",
        uploaded_by=secretary_a1,
        status=DuesImportJob.State.CHECKED,
        report=portal.check(path, actor=secretary_a1, today=date(2025, 6, 1)).as_dict(),
    )
    page = client.get(reverse("dues:portal_job", args=[job.pk])).content.decode()
    assert 'id="loi-nhap"' in page and "<td>2</td><td>Từ tháng</td>" in page
    assert 'id="cot-bo-qua"' in page and "Ghi chú" in page and "«Số thẻ» → Số thẻ đảng viên" in page
    assert 'id="apply"' not in page
