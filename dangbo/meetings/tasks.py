"""The e-handbook export upload in the background (django.tasks, as imports.tasks does it): the
page stores the file and a `HandbookImportJob`, enqueues `handbook_job_run`; the task worker
claims the job with one conditional UPDATE, checks (dry run) or applies the file through
meetings.handbook and writes its progress on the job, which the page polls (the steps are
core.jobs.ProgressJob's). A failure is recorded on the job with its Vietnamese message; a job never
stays "running"."""

from __future__ import annotations

import logging

from django.tasks import task

from dangbo.core.errors import DomainError
from dangbo.meetings.handbook import handbook_import
from dangbo.meetings.models import HandbookImportJob

log = logging.getLogger(__name__)
S = HandbookImportJob.State


def handbook_job_enqueue(job: HandbookImportJob, *, apply: bool) -> None:
    job.queue(S.APPLY_QUEUED if apply else S.CHECK_QUEUED, handbook_job_run)


@task
def handbook_job_run(job_id: int) -> str:
    job = run_handbook_job(job_id)
    return job.status if job is not None else "not-queued"


def run_handbook_job(job_id: int) -> HandbookImportJob | None:
    job = HandbookImportJob.claim(job_id)
    if job is None:
        return None
    apply = job.status == S.APPLYING
    try:
        report = handbook_import(
            job.file_path,
            actor=job.uploaded_by,
            filename=job.original_name,
            dry_run=not apply,
            progress=job.record_progress,
        )
    except DomainError as exc:
        _finish(job, S.FAILED, job.report if apply else {}, exc.message)
    except Exception as exc:  # recorded and logged: the job must not stay running
        log.exception("handbook import job %s failed", job.pk)
        _finish(job, S.FAILED, {}, f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}")
    else:
        _finish(job, S.DONE if apply else S.CHECKED, report.as_dict(), "")
    job.refresh_from_db()
    return job


def _finish(job: HandbookImportJob, status: str, report: dict, error: str) -> None:
    rows = (report or {}).get("rows", 0)
    job.finish(status, report=report or {}, error=error, total_rows=rows, processed_rows=rows)
