"""Pages of the e-handbook (R-043 coverage by organization as of a date, the national export's
upload checked and applied in the background with progress) and of the upper-level committee
members' seats and visits (twice a year): scope (out of scope = 404), bad input (a Vietnamese
message naming the field, nothing changed), audit."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.jobs import progress_file
from dangbo.imports.tests.files import write_csv
from dangbo.meetings import handbook
from dangbo.meetings.guests import seat_add
from dangbo.meetings.handbook import HEADERS
from dangbo.meetings.models import CommitteeSeat, HandbookImportJob, HandbookUsage, MeetingGuest
from dangbo.meetings.services import MeetingInput, meeting_create
from dangbo.meetings.tasks import run_handbook_job
from dangbo.members.services import ProfileInput, member_admit
from dangbo.reports.models import HandbookAccount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DANGBO_IMPORT_DIR = tmp_path / "uploads"


@pytest.fixture
def carded(system_user, tree):
    """Members with a party card: two in cell A1, one in cell A2, one in cell B1."""
    out = []
    for i, (cell, name) in enumerate(
        [
            ("cell_a1", "Nguyễn Văn An"),
            ("cell_a1", "Trần Thị Bình"),
            ("cell_a2", "Lê Văn Cường"),
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
                profile=ProfileInput(full_name=name, birth_year=1980, sex="M", party_card_number=f"12.00000{i}"),
            )
        )
    return out


def _csv(tmp_path, rows, name="sotay.csv"):
    path = write_csv(tmp_path / name, [dict(zip(HEADERS, r, strict=True)) for r in rows], headers=HEADERS)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def _upload(client, tmp_path, rows):
    return client.post(reverse("meetings:handbook_upload"), {"file": _csv(tmp_path, rows)})


# --- the upload, in the background, with progress ---------------------------------------------


def test_the_upload_is_checked_then_applied_by_the_task_and_counted_in_the_coverage(
    client, commune_officer, tree, carded, tmp_path
):
    client.force_login(commune_officer)
    response = _upload(
        client,
        tmp_path,
        [["12.000001", "", "", "01/06/2023", "02/06/2023", "09/12/2023"], ["12.000003", "", "", "01/11/2023", "", ""]],
    )
    job = HandbookImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:handbook_job", args=[job.pk])
    assert job.status == "checked" and job.report["matched"] == 2 and job.report["refused"] == 0
    assert not HandbookAccount.objects.exists()  # the check writes nothing
    page = client.get(response.url).content.decode()
    assert "Ghi 2 tài khoản" in page
    client.post(reverse("meetings:handbook_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 2
    assert HandbookAccount.objects.count() == 2 and HandbookUsage.objects.count() == 1
    assert AuditEntry.objects.filter(action="meetings.handbook_import").count() == 1
    html = client.get(reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk, "ngay": "10/12/2023"})
    text = html.content.decode()
    assert "1/3 (33,3%)" in text  # An registered and accessed, Cường registered never accessed, Bình neither
    rows = {r.name: (r.coverage.accessed, r.coverage.registered, r.coverage.base) for r in html.context["rows"]}
    assert rows == {"Chi bộ thôn 1": (1, 1, 2), "Chi bộ thôn 2": (0, 1, 1)}


def test_the_page_shows_progress_while_the_job_runs(client, commune_officer, tree):
    client.force_login(commune_officer)
    job = HandbookImportJob.objects.create(
        file_path="/nowhere.csv",
        original_name="lon.csv",
        uploaded_by=commune_officer,
        status="checking",
        processed_rows=1500,
        total_rows=6000,
    )
    page = client.get(reverse("meetings:handbook_job", args=[job.pk])).content.decode()
    assert "Đã đọc 1.500/6.000 dòng" in page and 'hx-trigger="every 1s"' in page and 'value="25"' in page


def _seen_from_another_connection(job_pk: int) -> tuple:
    """What the polling page sees while the worker's transaction is open: the job loaded on this
    thread's own database connection, its progress partial, and the accounts committed so far."""
    out: list = []

    def look():
        try:
            job = HandbookImportJob.objects.get(pk=job_pk)
            html = render_to_string("meetings/_handbook_job_status.html", {"job": job, "report": {}})
            out.append((job.uncommitted, job.processed_rows, job.total_rows, HandbookUsage.objects.count(), html))
        finally:
            connections.close_all()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(30)
    return out[0]


@pytest.mark.django_db(transaction=True)
def test_the_apply_shows_its_progress_while_its_transaction_is_open_and_stays_all_or_nothing(
    commune_officer, tree, carded, tmp_path, monkeypatch
):
    """The apply writes every row in one transaction; its progress, recorded inside it, reaches the
    page at once (core.jobs side file), while no row is committed before the end."""
    monkeypatch.setattr(handbook, "PROGRESS_EVERY", 1)
    rows = [
        ["12.000001", "", "", "01/06/2023", "02/06/2023", "09/12/2023"],
        ["12.000002", "", "", "01/06/2023", "03/06/2023", ""],
        ["12.000003", "", "", "01/11/2023", "02/11/2023", ""],
    ]
    path = write_csv(tmp_path / "sotay.csv", [dict(zip(HEADERS, r, strict=True)) for r in rows], headers=HEADERS)
    job = HandbookImportJob.objects.create(
        file_path=str(path), original_name="sotay.csv", uploaded_by=commune_officer, status="apply_queued"
    )
    seen: list[tuple] = []
    real = HandbookImportJob.record_progress

    def spy(self, done, total=None):
        real(self, done, total)
        if connection.in_atomic_block:  # the write step, inside the apply's transaction
            seen.append(_seen_from_another_connection(self.pk))

    monkeypatch.setattr(HandbookImportJob, "record_progress", spy)
    done = run_handbook_job(job.pk)

    assert [s[:4] for s in seen] == [
        (True, 1, 3, 0),
        (True, 2, 3, 0),
        (True, 3, 3, 0),
    ]  # seen at once, nothing kept yet
    assert "Đang ghi 2/3 dòng" in seen[1][4] and "không dòng nào được lưu" in seen[1][4]
    assert done.status == "done" and done.processed_rows == 3 and not done.uncommitted
    assert HandbookUsage.objects.count() == 3 and HandbookAccount.objects.count() == 3
    assert not progress_file(HandbookImportJob, job.pk).exists()  # removed when the job finished
    assert "Đang ghi" not in render_to_string("meetings/_handbook_job_status.html", {"job": done, "report": {}})


@pytest.mark.django_db(transaction=True)
def test_a_failed_apply_keeps_nothing_and_its_page_stops_showing_the_uncommitted_progress(
    commune_officer, tree, carded, tmp_path, monkeypatch
):
    monkeypatch.setattr(handbook, "PROGRESS_EVERY", 1)
    rows = [["12.000001", "", "", "01/06/2023", "02/06/2023", ""], ["12.000002", "", "", "01/06/2023", "", ""]]
    path = write_csv(tmp_path / "sotay.csv", [dict(zip(HEADERS, r, strict=True)) for r in rows], headers=HEADERS)
    job = HandbookImportJob.objects.create(
        file_path=str(path), original_name="sotay.csv", uploaded_by=commune_officer, status="apply_queued"
    )
    real = handbook.handbook_account_register
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(handbook, "handbook_account_register", failing)
    failed = run_handbook_job(job.pk)
    assert failed.status == "failed" and "Lỗi hệ thống" in failed.error
    assert not HandbookAccount.objects.exists() and not HandbookUsage.objects.exists()  # all or nothing
    assert not progress_file(HandbookImportJob, job.pk).exists()
    assert not HandbookImportJob.objects.get(pk=job.pk).uncommitted


def test_a_file_with_a_refused_row_cannot_be_confirmed_and_writes_nothing(client, commune_officer, carded, tmp_path):
    client.force_login(commune_officer)
    _upload(
        client, tmp_path, [["12.000001", "", "", "01/06/2023", "", ""], ["12.000004", "", "", "01/06/2023", "", ""]]
    )  # B1: out of the officer's scope
    job = HandbookImportJob.objects.get()
    assert job.status == "checked" and job.report["refused"] == 1
    page = client.get(reverse("meetings:handbook_job", args=[job.pk])).content.decode()
    assert "Số thẻ đảng viên / Số CCCD" in page and "12.000004" in page and "xac-nhan-nhap" not in page
    client.post(reverse("meetings:handbook_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked" and not HandbookAccount.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Tệp: chưa chọn tệp."),
        (
            SimpleUploadedFile("sotay.pdf", b"%PDF", content_type="application/pdf"),
            "Tệp: chỉ nhận tệp .xlsx hoặc .csv.",
        ),
    ],
)
def test_a_bad_upload_is_refused_naming_the_file_and_nothing_is_queued(client, commune_officer, upload, message):
    client.force_login(commune_officer)
    response = client.post(reverse("meetings:handbook_upload"), {"file": upload} if upload else {})
    assert response.status_code == 422 and message in response.content.decode()
    assert not HandbookImportJob.objects.exists()


def test_a_job_is_seen_by_its_uploader_only_and_the_upload_needs_the_record_right(
    client, commune_officer, officer, leader, carded, tmp_path
):
    client.force_login(commune_officer)
    _upload(client, tmp_path, [["12.000001", "", "", "01/06/2023", "", ""]])
    job = HandbookImportJob.objects.get()
    client.force_login(officer)
    assert client.get(reverse("meetings:handbook_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("meetings:handbook_job_confirm", args=[job.pk])).status_code == 404
    client.force_login(leader)  # sees the province, may not record
    assert client.get(reverse("meetings:handbook_upload")).status_code == 404
    assert client.get(reverse("meetings:handbook_coverage")).status_code == 200


# --- the coverage page -----------------------------------------------------------------------


def test_coverage_of_an_organization_out_of_scope_is_not_found(client, outsider, tree, carded):
    client.force_login(outsider)
    assert client.get(reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk}).status_code == 404
    assert client.get(reverse("meetings:handbook_coverage"), {"org": "abc"}).status_code == 404
    page = client.get(reverse("meetings:handbook_coverage"))  # the top of the scope
    assert page.status_code == 200 and page.context["org_id"] == tree["commune_b"].pk


def test_coverage_refuses_an_impossible_date_naming_the_field(client, commune_officer, tree, carded):
    client.force_login(commune_officer)
    page = client.get(reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk, "ngay": "31/02/2023"})
    assert page.status_code == 200 and "Ngày tính:" in page.content.decode()


def test_rule_r043_coverage_by_organization_excludes_the_exempt_when_asked(
    client, commune_officer, system_user, tree, carded
):
    for m in carded[:3]:
        from dangbo.reports.services import handbook_account_register

        handbook_account_register(actor=system_user, member=m, on=date(2023, 1, 2))
        HandbookUsage.objects.create(member=m, first_access_on=date(2023, 1, 3))
    client.force_login(commune_officer)
    page = client.get(reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk, "ngay": "01/01/2023"})
    assert "0/3 (0,0%)" in page.content.decode()  # before registration
    page = client.get(
        reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk, "ngay": "10/12/2023", "mien": "1"}
    )
    assert "3/3 (100,0%)" in page.content.decode() and "trừ đảng viên được miễn sinh hoạt" in page.content.decode()
    # the rule is named in a tooltip, not as text (as on the other pages: core.templatetags.vn.ruletip)
    html = page.content.decode()
    assert 'title="Căn cứ: R-043"' in html
    assert "(R-043" not in re.sub(r'(title|aria-label)="[^"]*"', "", html)


def test_the_coverage_page_reads_a_fixed_number_of_queries_whatever_the_number_of_cells(
    client, commune_officer, system_user, tree, carded
):
    from tests.factories import OrganizationFactory

    client.force_login(commune_officer)
    url, params = reverse("meetings:handbook_coverage"), {"org": tree["commune_a"].pk}

    def measure(new_cells: int, start: int):
        for i in range(start, start + new_cells):
            OrganizationFactory(
                actor=system_user,
                code=f"T01-X01-C1{i}",
                name=f"Chi bộ mới {i}",
                org_type="subordinate_cell",
                parent=tree["commune_a"],
            )
        client.get(url, params)  # the per-process caches refill after the tree changed
        with CaptureQueriesContext(connection) as q:
            page = client.get(url, params)
        return len(page.context["rows"]), len(q.captured_queries)

    rows_few, few = measure(1, 0)
    rows_more, more = measure(5, 1)
    assert (rows_few, rows_more) == (3, 8)
    assert more <= few <= 16


# --- committee members' seats and visits -------------------------------------------------------


def test_seats_page_adds_a_seat_by_card_audited_and_counts_visits_against_twice_a_year(
    client, officer, system_user, tree, carded
):
    client.force_login(officer)
    url = reverse("meetings:committee_seats")
    response = client.post(
        f"{url}?org={tree['province'].pk}&nam=2024", {"action": "add", "card": "12.000004", "valid_from": "01/10/2020"}
    )
    assert response.status_code == 302
    seat = CommitteeSeat.objects.get()
    assert seat.member_id == carded[3].pk and seat.committee_id == tree["province"].pk
    assert AuditEntry.objects.filter(action="meeting.seat_add").count() == 1
    m = meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(2024, 3, 5), held_on=date(2024, 3, 5)
        ),
    )
    detail = client.get(reverse("meetings:meeting_detail", args=[m.pk]))
    assert [pk for pk, _ in detail.context["seat_choices"]] == [seat.pk]
    client.post(reverse("meetings:meeting_detail", args=[m.pk]), {"action": "guest", "seat": seat.pk, "attended": "1"})
    assert MeetingGuest.objects.filter(meeting=m, seat=seat, attended=True).exists()
    page = client.get(url, {"org": tree["province"].pk, "nam": "2024"}).content.decode()
    assert "Vũ Thị Gấm" in page and "1/2" in page and "chưa đủ" in page


def test_the_seat_picker_searches_members_by_name_within_scope_and_adds_the_one_chosen(
    client, commune_officer, tree, carded, django_assert_max_num_queries
):
    """Issue 20: the committee's officer picks the member by name (accents ignored), not by an id;
    only members in the officer's scope are offered or accepted."""
    client.force_login(commune_officer)
    url = reverse("meetings:committee_seats")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"org": tree["commune_a"].pk, "tim": "tran thi binh"})
    assert page.status_code == 200
    assert [c["pk"] for c in page.context["candidates"]] == [carded[1].pk]
    assert "Trần Thị Bình" in page.content.decode() and f'value="{carded[1].pk}"' in page.content.decode()
    other = client.get(url, {"org": tree["commune_a"].pk, "tim": "Vũ Thị Gấm"})  # commune B: not offered
    assert other.context["candidates"] == [] and "Không tìm thấy đảng viên nào" in other.content.decode()
    refused = client.post(
        f"{url}?org={tree['commune_a'].pk}", {"action": "add", "member_id": carded[3].pk, "valid_from": "01/10/2020"}
    )
    assert refused.status_code == 422 and not CommitteeSeat.objects.exists()
    added = client.post(
        f"{url}?org={tree['commune_a'].pk}", {"action": "add", "member_id": carded[1].pk, "valid_from": "01/10/2020"}
    )
    assert added.status_code == 302
    assert CommitteeSeat.objects.get().member_id == carded[1].pk


@pytest.mark.parametrize(
    ("post", "field_message"),
    [
        ({"card": "", "valid_from": "01/10/2020"}, "Chọn đảng viên (tìm theo tên) hoặc nhập số thẻ đảng viên."),
        ({"card": "99.999999", "valid_from": "01/10/2020"}, "Số thẻ đảng viên: không tìm thấy"),
        ({"card": "12.000001", "valid_from": "31/02/2020"}, "Từ ngày:"),
    ],
)
def test_a_bad_seat_is_refused_naming_the_field_and_nothing_changes(client, officer, tree, carded, post, field_message):
    client.force_login(officer)
    response = client.post(
        f"{reverse('meetings:committee_seats')}?org={tree['province'].pk}", {"action": "add", **post}
    )
    assert response.status_code == 422 and field_message in response.content.decode()
    assert not CommitteeSeat.objects.exists() and not AuditEntry.objects.filter(action="meeting.seat_add").exists()


def test_seats_of_a_committee_out_of_scope_are_not_found(client, outsider, officer, tree, carded):
    seat_add(actor=officer, committee_id=tree["commune_a"].pk, member_id=carded[0].pk, valid_from=date(2020, 1, 1))
    client.force_login(outsider)
    url = reverse("meetings:committee_seats")
    assert client.get(url, {"org": tree["commune_a"].pk}).status_code == 404
    assert (
        client.post(
            f"{url}?org={tree['commune_a'].pk}",
            {"action": "end", "seat": CommitteeSeat.objects.get().pk, "valid_to": "01/01/2024"},
        ).status_code
        == 404
    )
    assert CommitteeSeat.objects.get().valid_to is None


def test_a_seat_ends_with_a_date_after_its_start(client, officer, tree, carded):
    seat = seat_add(
        actor=officer, committee_id=tree["province"].pk, member_id=carded[0].pk, valid_from=date(2020, 1, 1)
    )
    client.force_login(officer)
    url = f"{reverse('meetings:committee_seats')}?org={tree['province'].pk}"
    bad = client.post(url, {"action": "end", "seat": seat.pk, "valid_to": "01/01/2019"})
    assert bad.status_code == 422 and "Ngày thôi trước ngày bắt đầu 01/01/2020" in bad.content.decode()
    assert client.post(url, {"action": "end", "seat": seat.pk, "valid_to": "01/01/2024"}).status_code == 302
    seat.refresh_from_db()
    assert seat.valid_to == date(2024, 1, 1)
    assert AuditEntry.objects.filter(action="meeting.seat_end").count() == 1


def test_the_template_is_offered_and_the_job_page_lists_the_columns_used_and_ignored(
    client, commune_officer, tree, carded, tmp_path
):
    client.force_login(commune_officer)
    assert 'id="tai-mau"' in client.get(reverse("meetings:handbook_upload")).content.decode()
    template = client.get(reverse("meetings:handbook_template"))
    assert template.status_code == 200 and template["Content-Disposition"].endswith('.xlsx"')
    path = write_csv(
        tmp_path / "them-cot.csv",
        [{"Số thẻ": "12.000001", "Ngày đăng ký": "01/06/2023", "Ghi chú": "x"}],
        headers=["Số thẻ", "Ngày đăng ký", "Ghi chú"],
    )
    client.post(reverse("meetings:handbook_upload"), {"file": SimpleUploadedFile("them-cot.csv", path.read_bytes())})
    job = HandbookImportJob.objects.get()
    page = client.get(reverse("meetings:handbook_job", args=[job.pk])).content.decode()
    assert 'id="cot-bo-qua"' in page and "Ghi chú" in page and "«Số thẻ» → Số thẻ đảng viên" in page
