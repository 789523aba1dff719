"""The portal import runs in the task worker (django.tasks, as imports/tasks.py): the web request
stores the file and enqueues; the worker claims the job with one conditional UPDATE, checks or
applies and writes its progress on the job, which the page polls (the steps are
core.jobs.ProgressJob's). A failure is recorded on the job with its Vietnamese message; a job never
stays running."""

from __future__ import annotations

import logging

from django.tasks import task

from dangbo.core.errors import DomainError
from dangbo.dues import portal
from dangbo.dues.models import DuesImportJob
from dangbo.imports.parse import FileFormatError

log = logging.getLogger(__name__)
S = DuesImportJob.State


def job_enqueue(job: DuesImportJob, *, apply: bool) -> None:
    """Queue the check (dry run) or, with `apply`, the import of `job`'s file for the task worker."""
    job.queue(S.APPLY_QUEUED if apply else S.CHECK_QUEUED, dues_import_run)


@task
def dues_import_run(job_id: int) -> str:
    """The task: run the job `job_id` if it is still queued; its final status."""
    job = run_job(job_id)
    return job.status if job is not None else "not-queued"


def run_job(job_id: int) -> DuesImportJob | None:
    """Claim the queued job `job_id` (one winner even if the task ran twice), check or apply its
    file and record the report, error and final state; None when it was not queued."""
    job = DuesImportJob.claim(job_id)
    if job is None:
        return None
    apply = job.status == S.APPLYING
    fn = portal.apply if apply else portal.check
    status, report, error = (S.DONE if apply else S.CHECKED), {}, ""
    try:
        report = fn(
            job.file_path, actor=job.uploaded_by, filename=job.original_name, progress=job.record_progress
        ).as_dict()
    except portal.PortalImportRefused as exc:
        status, report, error = S.FAILED, exc.report.as_dict(), exc.message
    except (FileFormatError, DomainError) as exc:
        status, error = S.FAILED, str(exc)
    except Exception as exc:  # a job never stays running
        log.exception("dues import job %s failed", job.pk)
        status, error = S.FAILED, f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}"
    rows = (report or {}).get("total", 0)
    job.finish(status, report=report, error=error, total_rows=rows, processed_rows=rows)
    job.refresh_from_db()
    return job
