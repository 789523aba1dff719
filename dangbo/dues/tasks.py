"""The portal import runs in the task worker (django.tasks, as imports/tasks.py): the web request
stores the file and enqueues; the worker checks or applies and records the report on the job."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.dues import portal
from dangbo.dues.models import DuesImportJob
from dangbo.imports.parse import FileFormatError

log = logging.getLogger(__name__)
S = DuesImportJob.State


@transaction.atomic
def job_enqueue(job: DuesImportJob, *, apply: bool) -> None:
    job.status = S.APPLY_QUEUED if apply else S.CHECK_QUEUED
    job.error = ""
    job.save(update_fields=["status", "error"])
    dues_import_run.enqueue(job.pk)


@task
def dues_import_run(job_id: int) -> str:
    job = run_job(job_id)
    return job.status if job is not None else "not-queued"


def run_job(job_id: int) -> DuesImportJob | None:
    job = DuesImportJob.objects.filter(pk=job_id, status__in=(S.CHECK_QUEUED, S.APPLY_QUEUED)).first()
    if job is None:
        return None
    apply = job.status == S.APPLY_QUEUED
    # Claim: one winner even if the task ran twice.
    if not DuesImportJob.objects.filter(pk=job.pk, status=job.status).update(status=S.RUNNING):
        return None
    fn = portal.apply if apply else portal.check
    status, report, error = (S.DONE if apply else S.CHECKED), {}, ""
    try:
        report = fn(job.file_path, actor=job.uploaded_by, filename=job.original_name).as_dict()
    except portal.PortalImportRefused as exc:
        status, report, error = S.FAILED, exc.report.as_dict(), exc.message
    except (FileFormatError, DomainError) as exc:
        status, error = S.FAILED, str(exc)
    except Exception as exc:  # a job never stays running
        log.exception("dues import job %s failed", job.pk)
        status, error = S.FAILED, f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}"
    DuesImportJob.objects.filter(pk=job.pk).update(
        status=status, report=report, error=error, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
