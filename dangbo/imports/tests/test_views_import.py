"""Pages: upload -> dry-run report -> confirm -> done; scope (404 for no right / other's job)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.imports.models import ImportJob
from dangbo.imports.tests.files import members, row, write_xlsx
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate(settings, tmp_path):
    settings.ROOT_URLCONF = "dangbo.imports.tests.urls"
    settings.DANGBO_IMPORT_DIR = tmp_path / "uploads"


def _upload(client, path):
    return client.post(reverse("imports:import_upload"), {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def test_upload_check_confirm_and_done(client, commune_officer, tmp_path):
    client.force_login(commune_officer)
    path = write_xlsx(tmp_path / "ds.xlsx", members(3, code="T01-X01-C02"))
    response = _upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job_detail", args=[job.pk])
    assert job.status == ImportJob.State.CHECKED and job.created_count == 3
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Xác nhận nhập 3 đảng viên" in page
    assert Member.objects.count() == 0
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE
    assert Member.objects.count() == 3
    assert "Đã nhập xong" in client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()


def test_refused_rows_are_listed_and_cannot_be_confirmed(client, commune_officer, tmp_path):
    client.force_login(commune_officer)
    path = write_xlsx(tmp_path / "ds.xlsx", [row(), row(cid="001080000002", code="T01-X02-C01")])
    _upload(client, path)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Không tìm thấy chi bộ «T01-X02-C01»." in page
    assert "Xác nhận nhập" not in page
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Member.objects.count() == 0


def test_progress_partial_polls_while_running(client, commune_officer):
    client.force_login(commune_officer)
    job = ImportJob.objects.create(
        file_path="/x.xlsx",
        original_name="x.xlsx",
        uploaded_by=commune_officer,
        status=ImportJob.State.APPLYING,
        total_rows=100,
        processed_rows=40,
    )
    html = client.get(reverse("imports:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and "Đã đọc 40 dòng" in html


def test_template_downloads_as_xlsx_with_vietnamese_headers(client, commune_officer):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(commune_officer)
    response = client.get(reverse("imports:template_download"))
    headers = [c.value for c in load_workbook(BytesIO(response.content)).active[1]]
    assert headers[:3] == ["Họ và tên", "Ngày sinh", "Giới tính"] and "Ngày vào Đảng" in headers


def test_another_users_job_is_not_found(client, commune_officer, outsider):
    job = ImportJob.objects.create(file_path="/x.xlsx", original_name="x.xlsx", uploaded_by=commune_officer)
    client.force_login(outsider)
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404


def test_a_user_without_the_record_right_does_not_find_the_page(client, leader):
    client.force_login(leader)
    assert client.get(reverse("imports:import_upload")).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    assert client.get(reverse("imports:import_upload")).status_code == 302


def test_organizations_upload_check_confirm_and_done(client, commune_officer, tmp_path):
    from dangbo.imports.orgs import ORGS
    from dangbo.orgs.models import OrgVersion

    client.force_login(commune_officer)
    page = client.get(reverse("imports:import_upload")).content.decode()
    assert "Tổ chức đảng" in page and reverse("imports:org_template_download") in page
    template = client.get(reverse("imports:org_template_download"))
    assert template.status_code == 200 and template["Content-Disposition"].endswith('mau-nhap-to-chuc-dang.xlsx"')
    headers = ORGS.template_headers
    rows = [
        dict(
            zip(
                headers,
                [
                    "T01-X01-C50",
                    "Chi bộ khu dân cư số 5",
                    "",
                    "Chi bộ trực thuộc",
                    "",
                    "T01-X01",
                    "",
                    "01/07/2025",
                    "",
                    "",
                    "",
                    "",
                ],
                strict=True,
            )
        )
    ]
    path = write_xlsx(tmp_path / "to-chuc.xlsx", rows, headers=headers)
    client.post(
        reverse("imports:import_upload"), {"kind": "orgs", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    job = ImportJob.objects.get()
    assert job.kind == "orgs" and job.status == ImportJob.State.CHECKED and job.created_count == 1
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Xác nhận nhập 1 tổ chức đảng" in page
    assert not OrgVersion.objects.filter(org__code="T01-X01-C50").exists()
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE
    assert OrgVersion.objects.get(org__code="T01-X01-C50").parent.code == "T01-X01"


def test_the_organization_template_needs_the_restructure_right(client, leader):
    client.force_login(leader)
    assert client.get(reverse("imports:org_template_download")).status_code == 404


LONG_NAME = (
    "Danh sách đảng viên chi bộ thôn Đông Hưng, xã An Bình, huyện Sông Xanh, tỉnh Thử Nghiệm — "
    "bản rà soát, cập nhật đầy đủ thông tin nhân thân và quá trình sinh hoạt Đảng theo hướng dẫn "
    "của Ban Tổ chức Tỉnh ủy, năm: hai nghìn không trăm hai mươi sáu.xlsx"
)


def test_a_long_vietnamese_file_name_does_not_crash_the_import(client, commune_officer, tmp_path):
    """Issue 13: the audit entry's object was the file name cut to 60 characters, in a varchar(40)
    (PostgreSQL refused the write, the job failed). The object is now the import job; the whole
    name goes in the payload."""
    from dangbo.audit.models import AuditEntry

    assert len(LONG_NAME) == 250
    client.force_login(commune_officer)
    path = write_xlsx(tmp_path / "ds.xlsx", members(2, code="T01-X01-C02"))
    client.post(reverse("imports:import_upload"), {"file": SimpleUploadedFile(LONG_NAME, path.read_bytes())})
    job = ImportJob.objects.get()
    assert job.original_name == LONG_NAME
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJob.State.DONE, "")
    entry = AuditEntry.objects.get(action="member.imported")
    assert (entry.object_type, entry.object_id) == ("imports.importjob", str(job.pk))
    assert entry.after["file"]["name"] == LONG_NAME and len(entry.after["file"]["sha256"]) == 64
    assert LONG_NAME in entry.summary


def test_a_refused_import_does_not_claim_creations(client, commune_officer, tmp_path):
    client.force_login(commune_officer)
    path = write_xlsx(tmp_path / "ds.xlsx", members(4, code="T01-X01-C02"))
    _upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.CHECKED
    path.write_bytes(
        write_xlsx(
            tmp_path / "bad.xlsx", [*members(4, code="T01-X01-C02"), row(cid="001080000099", sex="?")]
        ).read_bytes()
    )
    ImportJob.objects.filter(pk=job.pk).update(file_path=str(path))  # the file changed between check and apply
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.State.FAILED and job.created_count == 0
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Đã tạo mới" not in page and "Sẽ tạo mới" not in page
    assert "Dòng hợp lệ (chưa ghi vì tệp có dòng bị từ chối)" in page and "chưa ghi dòng nào" in page
    assert Member.objects.count() == 0


def test_an_unknown_column_is_mapped_on_the_page_saved_audited_and_checked_again(client, commune_officer, tmp_path):
    from dangbo.audit.models import AuditEntry
    from dangbo.imports.models import ColumnMapping

    client.force_login(commune_officer)
    headers = ["Họ tên", "Năm sinh", "Giới tính", "Số CCCD", "Nơi sinh hoạt đảng", "Ngày kết nạp", "Ghi chú riêng"]
    rows = [
        dict(
            zip(
                headers,
                ["Mai Văn Tư", "01/01/1970", "Nam", "001070000801", "Chi bộ thôn 1", "01/01/2000", "x"],
                strict=True,
            )
        )
    ]
    _upload(client, write_xlsx(tmp_path / "ds.xlsx", rows, headers=headers))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.FAILED and "Thiếu cột" in job.error
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert (
        'aria-label="Trường cho cột Nơi sinh hoạt đảng"' in page and 'aria-label="Trường cho cột Ghi chú riêng"' in page
    )
    client.post(
        reverse("imports:job_map", args=[job.pk]), {"map-noi sinh hoat dang": "org_name", "map-ghi chu rieng": ""}
    )
    job.refresh_from_db()
    assert job.status == ImportJob.State.CHECKED and job.created_count == 1
    assert job.column_map == {"noi sinh hoat dang": "org_name", "ghi chu rieng": ""}
    assert ColumnMapping.objects.get().org_id == commune_officer_org(commune_officer)
    assert AuditEntry.objects.filter(action="import.mapping_saved").count() == 1
    columns = {m["header"]: (m["field"], m["how"]) for m in job.report["mapped"]}
    assert columns["Nơi sinh hoạt đảng"] == ("org_name", "officer") and columns["Ghi chú riêng"] == ("", "officer")
    # A field already taken by another column is refused with a message; nothing changes.
    client.post(reverse("imports:job_map", args=[job.pk]), {"map-noi sinh hoat dang": "full_name"})
    assert ColumnMapping.objects.get().mapping["noi sinh hoat dang"] == "org_name"


def commune_officer_org(user):
    from dangbo.access.models import RoleAssignment

    return RoleAssignment.objects.get(user=user).org_id


def test_likely_duplicates_are_imported_only_with_the_confirmation_box(client, commune_officer, tmp_path):
    client.force_login(commune_officer)
    path = write_xlsx(
        tmp_path / "ds.xlsx", [row(code="T01-X01-C02"), row(cid="", code="T01-X01-C02", hometown="Xã Khác")]
    )
    _upload(client, path)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert 'name="confirm_duplicates"' in page and "Có thể trùng người với dòng 2" in page
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.State.CHECKED and Member.objects.count() == 0
    client.post(reverse("imports:job_confirm", args=[job.pk]), {"confirm_duplicates": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE and Member.objects.count() == 2


def test_the_page_takes_the_superior_organization_from_the_scoped_picker_in_scope_only(
    client, commune_officer, tree, tmp_path
):
    client.force_login(commune_officer)
    page = client.get(reverse("imports:import_upload")).content.decode()
    assert 'class="org-picker' in page and 'id="id_under_picker"' in page  # the picker, not a code box
    path = write_xlsx(tmp_path / "ds.xlsx", members(1, code="T01-X01-C02"))
    response = client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "under": tree["commune_b"].pk},
    )
    assert "«Tổ chức cấp trên mà tệp nói về»: không có tổ chức này trong phạm vi của bạn." in response.content.decode()
    assert not ImportJob.objects.exists()
    client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "under": tree["commune_a"].pk},
    )
    job = ImportJob.objects.get()
    assert job.under.code == "T01-X01" and job.report["under"] == "T01-X01 — Đảng bộ xã An Bình"


def test_a_double_submit_of_the_upload_form_creates_one_import(client, commune_officer, tmp_path):
    """#15: the upload form carries a one-time token (core.once); the second post of the same form
    (double click, resent request) checks nothing again and leads to the first import."""
    client.force_login(commune_officer)
    page = client.get(reverse("imports:import_upload")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    path = write_xlsx(tmp_path / "ds.xlsx", members(2))
    first = client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "form_token": token},
    )
    second = client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "form_token": token},
    )
    job = ImportJob.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("imports:job_detail", args=[job.pk])
    assert len(list((tmp_path / "uploads").iterdir())) == 1  # the file is stored once
    # A new blank form has a new token: a second import of the same file is a new import.
    token2 = re.search(
        r'name="form_token" value="([^"]+)"', client.get(reverse("imports:import_upload")).content.decode()
    )[1]
    assert token2 != token
    client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "form_token": token2},
    )
    assert ImportJob.objects.count() == 2
