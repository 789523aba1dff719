"""A large export in a real browser: the purpose form -> the job page, which polls (htmx) while the
job waits in the database queue -> the worker writes the file -> the download link appears and
the file downloads (issue 14)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from dangbo.exports.models import ExportJob
from dangbo.members.services import ProfileInput, member_admit

pytestmark = pytest.mark.browser


def test_a_large_export_is_queued_polled_and_downloaded(
    live_server, login, officer, system_user, tree, page, settings, tmp_path, monkeypatch
):
    for i, cell in enumerate((tree["cell_a1"], tree["cell_b1"])):
        member_admit(
            actor=system_user,
            cell=cell,
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 16),
            profile=ProfileInput(
                full_name=f"Nguyễn Thị Thử {i}", birth_year=1990, sex="F", citizen_id=f"00119000011{i}"
            ),
        )
    settings.DANGBO_EXPORT_DIR = tmp_path / "exports"
    settings.DANGBO_EXPORT_SYNC_MAX_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    base = live_server.url
    login(page, "canbo_tinh")

    page.goto(f"{base}/xuat/dang-vien/")
    page.fill("#id_muc_dich", "Rà soát danh sách cả tỉnh")
    page.click("text=Tải tệp")
    page.wait_for_url(re.compile(r"/xuat/tep/\d+/$"))
    assert page.get_by_test_id("job-status").inner_text() == "Chờ xuất"
    assert page.get_by_test_id("job-download").count() == 0

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    link = page.get_by_test_id("job-download")
    link.wait_for()  # the status block polled and now shows the link, without a reload
    assert page.get_by_test_id("job-rows").inner_text() == "2"
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(
        "danh-sach-dang-vien-den-ngay-"
    ) and download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sorted(r[1] for r in ws.iter_rows(min_row=4, values_only=True)) == ["Nguyễn Thị Thử 0", "Nguyễn Thị Thử 1"]
    assert ExportJob.objects.get().status == ExportJob.State.DONE
    assert page.errors == []
