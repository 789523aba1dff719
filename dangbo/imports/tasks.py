"""Background execution of import jobs through Django's tasks framework (`django.tasks`).

`job_enqueue` marks the `ImportJob` queued and enqueues `import_job_run` on the configured task
backend (setting TASKS): in production the database backend of django-tasks-db, whose worker
(`dangbo db_worker`, started by `dangbo serve`) runs it in its own process, never in the web
server; in the tests the immediate backend runs it inside the request. The task row is written in
the same transaction as the job's status, so a queued job always has its task. `run_job` claims
the job with a conditional UPDATE (one winner even if a task ran twice), then runs the dry run or
the apply and records progress on the job as it goes (the page polls it); the steps are
core.jobs.ProgressJob's.
"""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.imports.models import ImportJob
from dangbo.imports.orgs import OrgImportRefused, org_import_apply, org_import_dry_run
from dangbo.imports.parse import FileFormatError
from dangbo.imports.services import ImportRefused, import_apply, import_dry_run

log = logging.getLogger(__name__)
S = ImportJob.State


def job_enqueue(job: ImportJob, *, apply: bool) -> None:
    job.queue(S.APPLY_QUEUED if apply else S.CHECK_QUEUED, import_job_run)


@task
def import_job_run(job_id: int) -> str:
    """The task: run the queued dry run or apply of job `job_id`; returns the job's final status."""
    job = run_job(job_id)
    return job.status if job is not None else "not-queued"


def run_job(job_id: int) -> ImportJob | None:
    job = ImportJob.claim(job_id, started_at=timezone.now())
    if job is None:
        return None
    apply = job.status == S.APPLYING
    actor = job.uploaded_by
    progress = job.record_progress

    try:
        extra: dict = {"column_map": job.column_map or None}
        if job.kind == ImportJob.Kind.ORGS:
            fn = org_import_apply if apply else org_import_dry_run
        else:
            fn = import_apply if apply else import_dry_run
            extra.update(under=job.under, create_cells=job.create_cells)
            if apply:
                extra["confirm_duplicates"] = job.confirm_duplicates
        if apply:
            extra["job_id"] = job.pk
        report = fn(job.file_path, actor=actor, filename=job.original_name, progress=progress, **extra)
    except (ImportRefused, OrgImportRefused) as exc:
        _finish(job, S.FAILED, exc.report.as_dict(), exc.message)
    except FileFormatError as exc:  # the header row found is kept: the officer may map its columns
        headers = [{**h, "label": ""} for h in exc.headers]
        _finish(job, S.FAILED, {"mapped": headers, "layout_key": exc.layout_key} if headers else {}, str(exc))
    except DomainError as exc:
        _finish(job, S.FAILED, {}, str(exc))
    except Exception as exc:  # a job must never stay "running": record and log the failure
        log.exception("import job %s failed", job.pk)
        _finish(job, S.FAILED, {}, f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}")
    else:
        _finish(job, S.DONE if apply else S.CHECKED, report.as_dict(), "")
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, status: str, report: dict, error: str) -> None:
    job.finish(
        status,
        report=report,
        error=error,
        total_rows=report.get("total", 0),
        processed_rows=report.get("total", 0),
        created_count=report.get("created", 0) if status != S.FAILED else 0,  # a refused file created nothing
        unchanged_count=report.get("unchanged", 0),
        refused_count=report.get("refused_rows", 0),
    )
