"""Background execution of import jobs: a tiny job runner that works on SQLite and PostgreSQL.

Django 6.1's `django.tasks` ships only the Immediate and Dummy backends (no persistent queue), so
jobs are rows of `ImportJob`: `job_enqueue` marks a job queued; `run_job` claims it with a
conditional UPDATE (one winner, portable), then runs the dry run or the apply and records progress as it goes.

Who runs queued jobs (setting DANGBO_IMPORTS_RUNNER):
- "thread" (default, the embedded set-up): the view starts a daemon thread for the job;
- "worker": `dangbo import_worker` polls for queued jobs (one process per machine is enough);
- "immediate": run inside the request (tests).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.imports.models import ImportJob
from dangbo.imports.orgs import OrgImportRefused, org_import_apply, org_import_dry_run
from dangbo.imports.parse import FileFormatError
from dangbo.imports.services import ImportRefused, import_apply, import_dry_run

log = logging.getLogger(__name__)
S = ImportJob.State


def runner_mode() -> str:
    return getattr(settings, "DANGBO_IMPORTS_RUNNER", "thread")


def job_enqueue(job: ImportJob, *, apply: bool) -> None:
    job.status = S.APPLY_QUEUED if apply else S.CHECK_QUEUED
    job.processed_rows = 0
    job.error = ""
    job.save(update_fields=["status", "processed_rows", "error"])
    mode = runner_mode()
    if mode == "immediate":
        run_job(job.pk)
    elif mode == "thread":
        transaction.on_commit(lambda: threading.Thread(target=_thread_main, args=(job.pk,), daemon=True).start())


def _thread_main(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        connection.close()


def _claim(job_id: int) -> ImportJob | None:
    """Claim a queued job with one conditional UPDATE (one winner, portable; no transaction
    holding a read snapshot before the write)."""
    job = ImportJob.objects.filter(pk=job_id, status__in=ImportJob.QUEUED).first()
    if job is None:
        return None
    running = S.APPLYING if job.status == S.APPLY_QUEUED else S.CHECKING
    if not ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=running, started_at=timezone.now()):
        return None
    job.status = running
    return job


def run_job(job_id: int) -> ImportJob | None:
    job = _claim(job_id)
    if job is None:
        return None
    apply = job.status == S.APPLYING
    actor = job.uploaded_by

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    try:
        if job.kind == ImportJob.Kind.ORGS:
            fn = org_import_apply if apply else org_import_dry_run
        else:
            fn = import_apply if apply else import_dry_run
        extra = {"job_id": job.pk} if apply else {}
        report = fn(job.file_path, actor=actor, filename=job.original_name, progress=progress, **extra)
    except (ImportRefused, OrgImportRefused) as exc:
        _finish(job, S.FAILED, exc.report.as_dict(), exc.message)
    except (FileFormatError, DomainError) as exc:
        _finish(job, S.FAILED, {}, str(exc))
    except Exception as exc:  # a job must never stay "running": record and log the failure
        log.exception("import job %s failed", job.pk)
        _finish(job, S.FAILED, {}, f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}")
    else:
        _finish(job, S.DONE if apply else S.CHECKED, report.as_dict(), "")
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, status: str, report: dict, error: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, report=report, error=error, finished_at=timezone.now(),
        total_rows=report.get("total", 0), processed_rows=report.get("total", 0),
        created_count=report.get("created", 0) if status != S.FAILED else 0,  # a refused file created nothing
        unchanged_count=report.get("unchanged", 0),
        refused_count=report.get("refused_rows", 0))


def run_pending(*, once: bool = False, poll: float = 2.0) -> int:
    """The worker loop: run queued jobs, oldest first. Returns how many ran (with once=True)."""
    ran = 0
    while True:
        close_old_connections()
        ids = list(ImportJob.objects.filter(status__in=ImportJob.QUEUED).order_by("created_at").values_list("pk", flat=True)[:10])
        for job_id in ids:
            if run_job(job_id) is not None:
                ran += 1
        if once:
            return ran
        if not ids:
            time.sleep(poll)
