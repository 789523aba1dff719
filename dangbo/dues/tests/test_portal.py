"""Item 2: import of portal payment exports (CSV/XLSX) matched by party card / citizen ID, with a
dry run listing unmatched and duplicate rows by number, then apply (through the task worker)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
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


def test_multi_month_portal_payment_is_matched_by_card_or_citizen_id_and_applied(system_user, carded, tmp_path):
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
