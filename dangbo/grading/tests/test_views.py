"""Grading pages: scope (outside = 404), the bulk entry of a cell, results, export, import."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.grading.models import GradingCampaign, GradingRecord, Step

from .conftest import open_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.grading.tests.urls")]


def bulk_post(campaign, cell, members, grades, totals, on="05/12/2025", **extra):
    data = {
        "on": on,
        "decision_number": "",
        "reason": "",
        "dv-TOTAL_FORMS": str(len(members)),
        "dv-INITIAL_FORMS": str(len(members)),
        "dv-MIN_NUM_FORMS": "0",
        "dv-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (m, g, t) in enumerate(zip(members, grades, totals, strict=True)):
        data |= {f"dv-{i}-member": str(m.pk), f"dv-{i}-grade": g, f"dv-{i}-total": str(t), f"dv-{i}-comment": ""}
    return data


def test_anonymous_is_sent_to_login(client, campaign):
    response = client.get(reverse("grading:campaign_detail", args=[campaign.pk]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_officer_opens_a_campaign_through_the_form(client, officer, tree):
    client.force_login(officer)
    response = client.post(
        reverse("grading:campaign_open"),
        {
            "year": "2025",
            "root_org": str(tree["province"].pk),
            "opens_on": "15/11/2025",
            "self_assessment_due": "30/11/2025",
            "cell_meeting_due": "10/12/2025",
            "decision_due": "20/12/2025",
            "deadline": "25/12/2025",
            "note": "",
        },
    )
    campaign = GradingCampaign.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{campaign.pk}/")
    page = client.get(response["Location"])
    assert "Tiến độ theo tổ chức trực thuộc" in page.content.decode()


def test_outsider_gets_404_on_every_campaign_page(client, outsider, commune_officer, members_a1, tree):
    campaign = open_campaign(commune_officer, tree["commune_a"])
    client.force_login(outsider)
    m = members_a1[0]
    for url in (
        reverse("grading:campaign_detail", args=[campaign.pk]),
        reverse("grading:results", args=[campaign.pk]),
        reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"]),
        reverse("grading:member_grading", args=[campaign.pk, m.pk]),
        reverse("grading:org_grading", args=[campaign.pk, tree["cell_a1"].pk]),
        reverse("grading:results_import", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("grading:results_export", args=[campaign.pk]), {"purpose": "x"}).status_code == 404


def test_a_cell_outside_the_campaign_subtree_is_404(client, commune_officer, tree, officer):
    campaign = open_campaign(commune_officer, tree["commune_a"])
    client.force_login(officer)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_b1"].pk, "de-xuat"])
    assert client.get(url).status_code == 404


def test_cell_bulk_page_records_a_whole_cell_in_one_post(client, officer, campaign, members_a1, tree):
    client.force_login(officer)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])
    page = client.get(url)
    assert page.status_code == 200 and members_a1[0].full_name in page.content.decode()
    response = client.post(url, bulk_post(campaign, tree["cell_a1"], members_a1, ["good"] * 6, [80] * 6))
    assert response.status_code == 302
    assert GradingRecord.objects.filter(step=Step.PROPOSAL).count() == 6


def test_cell_bulk_page_shows_the_refused_row_and_writes_nothing(client, officer, campaign, members_a1, tree):
    client.force_login(officer)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])
    response = client.post(url, bulk_post(campaign, tree["cell_a1"], members_a1[:2], ["good", "excellent"], [80, 75]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "75 điểm chỉ đạt mức Hoàn thành tốt nhiệm vụ" in body
    assert not GradingRecord.objects.exists()


def run_cell(client, campaign, cell, members, grades, totals):
    for slug, on in (("de-xuat", "05/12/2025"), ("quyet-dinh", "15/12/2025")):
        url = reverse("grading:cell_bulk", args=[campaign.pk, cell.pk, slug])
        assert client.post(url, bulk_post(campaign, cell, members, grades, totals, on=on)).status_code == 302


def test_results_page_drill_down_and_export_with_a_purpose(client, officer, campaign, members_a1, tree):
    client.force_login(officer)
    run_cell(client, campaign, tree["cell_a1"], members_a1, ["good"] * 5 + ["satisfactory"], [80] * 5 + [60])
    page = client.get(reverse("grading:results", args=[campaign.pk]))
    body = page.content.decode()
    assert "83,3%" in body and "Chưa đạt" in body
    drill = client.get(reverse("grading:results_members", args=[campaign.pk]), {"muc": "satisfactory"})
    assert members_a1[5].full_name in drill.content.decode()
    assert members_a1[0].full_name not in drill.content.decode()
    refused = client.post(reverse("grading:results_export", args=[campaign.pk]), {"purpose": ""})
    assert refused.status_code == 302 and not AuditEntry.objects.filter(action="export.grading_results").exists()
    response = client.post(reverse("grading:results_export", args=[campaign.pk]), {"purpose": "Báo cáo tỉnh ủy"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    ws = wb["Kết quả xếp loại"]
    assert ws["A4"].value == "Mức xếp loại" and ws["B5"].number_format == "#,##0"
    assert [r[1] for r in wb["Danh sách đảng viên"].iter_rows(min_row=2, values_only=True)][:1]
    entry = AuditEntry.objects.get(action="export.grading_results")
    assert entry.after["purpose"] == "Báo cáo tỉnh ủy"


def _xlsx(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Năm sinh", "Tổng điểm", "Xếp loại"])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "ket-qua.xlsx"
    return buf


def test_import_reports_refusals_by_row_and_column_then_writes_all_at_once(client, officer, campaign, members_a1):
    client.force_login(officer)
    url = reverse("grading:results_import", args=[campaign.pk])
    bad = _xlsx(
        [
            [1, members_a1[0].full_name, 1985, 80, "HTTNV"],
            [2, "Người Không Có", 1980, 70, "HTTNV"],
            [3, members_a1[1].full_name, 1985, 75, "xuất sắc?"],
        ]
    )
    body = client.post(url, {"file": bad, "on": "15/12/2025"}).content.decode()
    assert "Không tìm thấy đảng viên «Người Không Có»" in body and "Không hiểu mức xếp loại" in body
    assert not GradingRecord.objects.exists()
    good = _xlsx([[1, members_a1[0].full_name, 1985, 80, "HTTNV"], [2, members_a1[1].full_name, 1985, 60, "HTNV"]])
    page = client.post(url, {"file": good, "on": "15/12/2025", "decision_number": "30-QĐ/ĐU"})
    assert "Tệp hợp lệ: 2 đảng viên" in page.content.decode()
    assert not GradingRecord.objects.exists()  # the dry run rolled back
    token = page.context["token"]
    done = client.post(url, {"token": token, "on": "15/12/2025", "decision_number": "30-QĐ/ĐU"})
    assert done.status_code == 302
    assert GradingRecord.objects.current().filter(step=Step.DECISION).count() == 2


def test_import_refuses_a_batch_above_the_cap_and_writes_nothing(client, officer, campaign, members_a1):
    client.force_login(officer)
    url = reverse("grading:results_import", args=[campaign.pk])
    rows = [[1, members_a1[0].full_name, 1985, 95, "HTXSNV"], [2, members_a1[1].full_name, 1985, 80, "HTTNV"]]
    body = client.post(url, {"file": _xlsx(rows), "on": "15/12/2025"}).content.decode()
    assert "vượt quá 20%" in body
    assert not GradingRecord.objects.exists()


def test_member_page_records_a_decision_with_a_document(client, officer, campaign, members_a1, settings):
    client.force_login(officer)
    m = members_a1[0]
    url = reverse("grading:member_grading", args=[campaign.pk, m.pk])
    assert client.post(url, {"step": "de-xuat", "grade": "good", "total": "80", "on": "05/12/2025"}).status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url,
        {
            "step": "quyet-dinh",
            "grade": "good",
            "total": "80",
            "on": "15/12/2025",
            "decision_number": "15-QĐ/ĐU",
            "document": doc,
        },
    )
    assert response.status_code == 302
    record = GradingRecord.objects.get(step=Step.DECISION)
    assert record.document.name.startswith("grading/2025/")
    download = client.get(reverse("grading:record_document", args=[record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_remind_button_and_notifications_page(client, officer, tree, members_a1):
    campaign = open_campaign(officer, tree["province"], year=2024)
    client.force_login(officer)
    assert client.post(reverse("grading:campaign_remind", args=[campaign.pk])).status_code == 302
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "quá hạn hoàn thành đánh giá, xếp loại năm 2024" in page


def test_framework_page_issues_and_counts(client, admin_user):
    client.force_login(admin_user)
    url = reverse("grading:framework_list")
    response = client.post(
        url,
        {
            "year": "2025",
            "name": "Khung tiêu chí đảng viên",
            "subject": "member",
            "org_type": "",
            "position": "",
            "owner_org": "",
            "parent": "",
            "issued_on": "01/10/2025",
            "items": "Tư tưởng chính trị | 30\nThực hiện nhiệm vụ | 70",
        },
    )
    assert response.status_code == 302
    assert "năm 2025: 1" in client.get(url).content.decode()


def test_every_grading_page_renders_for_the_officer(client, officer, campaign, members_a1, tree):
    client.force_login(officer)
    for url in (
        reverse("grading:campaign_list"),
        reverse("grading:campaign_detail", args=[campaign.pk]),
        reverse("grading:cap_exception", args=[campaign.pk]),
        reverse("grading:framework_list"),
        reverse("grading:org_grading", args=[campaign.pk, tree["cell_a1"].pk]),
        reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "quyet-dinh"]),
        reverse("grading:results_import", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert date(2025, 12, 31) >= campaign.deadline


def test_commune_officer_works_in_the_province_campaign_within_the_commune_only(
    client, commune_officer, officer, campaign, members_a1, admit, tree
):
    stranger = admit(tree["cell_b1"], "Cao Văn Người Ngoài")
    client.force_login(commune_officer)
    assert client.get(reverse("grading:campaign_detail", args=[campaign.pk])).status_code == 200
    assert (
        client.get(reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])).status_code == 200
    )
    assert (
        client.get(reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_b1"].pk, "de-xuat"])).status_code == 404
    )
    page = client.get(reverse("grading:results", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["org"].org_id == tree["commune_a"].pk
    assert client.get(reverse("grading:results", args=[campaign.pk]), {"org": tree["province"].pk}).status_code == 404
    assert stranger.full_name not in client.get(reverse("grading:campaign_detail", args=[campaign.pk])).content.decode()


# --- issue 15: the rough edges of the cell's bulk entry ----------------------------------------


def test_cell_bulk_score_above_100_shows_a_field_error_and_writes_nothing(client, officer, campaign, members_a1, tree):
    client.force_login(officer)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])
    response = client.post(url, bulk_post(campaign, tree["cell_a1"], members_a1[:2], ["good", "good"], [150, 80]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Có dòng nhập chưa đúng" in body
    assert "Điểm phải từ 0 đến 100." in body
    assert 'class="table-danger"' in body
    assert not GradingRecord.objects.exists()


def test_cell_bulk_message_counts_only_the_rows_really_changed(client, officer, campaign, members_a1, tree):
    from dangbo.grading.services import StepInput, member_steps_record

    member_steps_record(
        actor=officer,
        campaign=campaign,
        step=Step.SELF,
        rows=[StepInput(member=m, grade="good", total=80) for m in members_a1[:3]],
        on=date(2025, 11, 20),
    )
    client.force_login(officer)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])
    # The proposal page shows the self-assessments; one row is edited, two are kept as shown.
    first = client.post(
        url,
        bulk_post(campaign, tree["cell_a1"], members_a1[:3], ["excellent", "good", "good"], [92, 80, 80]),
        follow=True,
    )
    assert "cho 3 đảng viên (1 dòng sửa, 2 dòng giữ theo kết quả bước trước)" in first.content.decode()
    # Posted again with one row edited: only that row is recorded and counted.
    again = client.post(
        url,
        bulk_post(campaign, tree["cell_a1"], members_a1[:3], ["excellent", "good", "good"], [92, 85, 80]),
        follow=True,
    )
    assert "cho 1 đảng viên." in again.content.decode()
    assert GradingRecord.objects.filter(step=Step.PROPOSAL).count() == 4  # 3, then 1 superseding


def test_cell_bulk_is_read_only_for_a_leader(client, leader, campaign, members_a1, tree):
    client.force_login(leader)
    url = reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and members_a1[0].full_name in body
    assert "Bạn chỉ có quyền xem bước này" in body
    assert "<form" not in body.split('id="bulk-read-only"')[1] and "<select" not in body.split("<table")[1]
    response = client.post(url, bulk_post(campaign, tree["cell_a1"], members_a1, ["good"] * 6, [80] * 6))
    assert response.status_code == 200 and "Bạn chỉ có quyền xem bước này" in response.content.decode()
    assert "không có quyền" not in response.content.decode()
    assert not GradingRecord.objects.exists()


def test_campaign_form_sent_twice_opens_one_campaign(client, officer, tree):
    """Issue 15: a one-time form token; the second post of the same form goes to the campaign."""
    client.force_login(officer)
    url = reverse("grading:campaign_open")
    token = client.get(url).context["form"].fields["form_token"].initial
    data = {
        "form_token": token,
        "year": "2025",
        "root_org": str(tree["province"].pk),
        "opens_on": "15/11/2025",
        "self_assessment_due": "30/11/2025",
        "cell_meeting_due": "10/12/2025",
        "decision_due": "20/12/2025",
        "deadline": "25/12/2025",
        "note": "",
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    campaign = GradingCampaign.objects.get()
    assert first.status_code == 302 and first["Location"].endswith(f"/{campaign.pk}/")
    assert second.redirect_chain[0][0].endswith(f"/{campaign.pk}/")
    assert "đã được gửi và đã ghi" in second.content.decode()
    assert "Đã có đợt đánh giá" not in second.content.decode()
