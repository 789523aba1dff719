"""Large exports in the task worker (django.tasks, as imports): the request records an `ExportJob`
and enqueues `export_job_run` in the same transaction; the task claims the job with a conditional
UPDATE, streams the rows (server-side cursor, exports.selectors.member_rows: the same rows,
masking and formula neutralization as the synchronous export) into a write-only XLSX or a CSV
under DANGBO_EXPORT_DIR, and records its progress every DANGBO_EXPORT_PROGRESS_EVERY rows.

`export_files_prune` (periodic job "exports.prune") deletes the files older than
DANGBO_EXPORT_TTL hours; the job rows stay (what was exported is in the audit log)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from dangbo.core.sheets import Sheet, write_csv_to, write_xlsx_to
from dangbo.exports.models import ExportJob
from dangbo.exports.selectors import member_count, member_sheet
from dangbo.members.selectors import MemberFilters

log = logging.getLogger(__name__)
S = ExportJob.State


def export_dir() -> Path:
    return Path(getattr(settings, "DANGBO_EXPORT_DIR", settings.BASE_DIR / "var" / "exports"))


def progress_every() -> int:
    return max(1, int(getattr(settings, "DANGBO_EXPORT_PROGRESS_EVERY", 1000)))


def ttl() -> timedelta:
    return timedelta(hours=float(getattr(settings, "DANGBO_EXPORT_TTL", 24)))


def job_filters(job: ExportJob) -> tuple[date, MemberFilters]:
    data = dict(job.filters or {})
    at = date.fromisoformat(data.pop("at"))
    fields = MemberFilters.__dataclass_fields__
    return at, MemberFilters(**{k: v for k, v in data.items() if k in fields})


def job_enqueue(job: ExportJob) -> None:
    """Mark the job queued and enqueue its task in the same transaction."""
    job.queue(S.QUEUED, export_job_run)


@task
def export_job_run(job_id: int) -> str:
    """The task: write the file of queued job `job_id`; returns the job's final status."""
    job = run_job(job_id)
    return job.status if job is not None else "not-queued"


def _counted(rows: Iterable[tuple], job: ExportJob, every: int) -> Iterator[tuple]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            job.record_progress(done)
    job.processed_rows = done


def build_sheet(job: ExportJob) -> Sheet:
    at, filters = job_filters(job)
    return member_sheet(actor=job.requester, at=at, filters=filters)


def write_file(job: ExportJob, sheet: Sheet, target) -> None:
    if job.fmt == ExportJob.Format.CSV:
        write_csv_to(target, sheet, watermark=job.watermark)
    else:
        write_xlsx_to(target, sheet, watermark=job.watermark, exporter=job.exporter)


def run_job(job_id: int) -> ExportJob | None:
    job = ExportJob.claim(job_id, related=("requester",), started_at=timezone.now())
    if job is None:
        return None
    folder = export_dir()
    path = folder / f"{uuid.uuid4().hex}.{job.fmt}"
    try:
        at, filters = job_filters(job)
        total = member_count(actor=job.requester, at=at, filters=filters)
        job.record_progress(0, total)
        sheet = build_sheet(job)
        sheet = Sheet(sheet.title, sheet.columns, _counted(sheet.rows, job, progress_every()))
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        with partial.open("wb") as out:
            write_file(job, sheet, out)
        partial.replace(path)
    except Exception as exc:  # a job must never stay "running": record and log the failure
        log.exception("export job %s failed", job.pk)
        job.finish(S.FAILED, error=f"Lỗi hệ thống khi xuất: {exc.__class__.__name__}")
        for leftover in (path, path.with_suffix(path.suffix + ".part")):
            leftover.unlink(missing_ok=True)
    else:
        job.finish(S.DONE, processed_rows=job.processed_rows, total_rows=job.processed_rows, file_path=str(path))
    job.refresh_from_db()
    return job


def export_files_prune(*, now=None) -> int:
    """Delete the export files older than DANGBO_EXPORT_TTL hours (and stray partial files);
    the jobs keep their row, without a file. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - ttl()
    deleted = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file_path="").only("pk", "file_path"):
        Path(job.file_path).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_path="")
        deleted += 1
    folder = export_dir()
    if folder.is_dir():  # files of no job (a crashed worker's partial file): by modification time
        known = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
        for f in folder.iterdir():
            if f.is_file() and str(f) not in known and f.stat().st_mtime < cutoff.timestamp():
                f.unlink(missing_ok=True)
                deleted += 1
    return deleted
