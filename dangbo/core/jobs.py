"""One shape for the jobs the task worker runs while a page polls their progress (imports,
exports, the e-handbook upload): the progress fields, the queue → claim → progress → finish steps,
and the polled partial `core/_job_progress.html`.

Each concrete job declares its `status` field (its own states) and `STARTS`, which maps each queued
state to the running state a worker claims it into. Every step writes with one UPDATE on the job's
row, so the page polling the row never waits for the worker's transaction.

Progress recorded inside a transaction (an apply writes all its rows or none, so its progress
UPDATE would stay invisible until the commit, and the page would show nothing moving) also goes to a
small side file, `<DANGBO_JOB_PROGRESS_DIR>/<database>/<app>.<model>-<pk>.json`, written at once and
outside any transaction; a running job loaded from the database takes its progress from that file
(`from_db`), and marks itself `uncommitted` (the page says the rows are being written). No second
database connection: on SQLite a second writer would wait for the apply's write lock, and on
PostgreSQL for the job row's lock once the apply itself touched it. The file is removed when the job
is queued again or finished. The task worker and the web server share one machine (`dangbo serve`);
the file lives in the application's `var/`.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def progress_file(model: type[models.Model], pk: int) -> Path:
    """The side file of job `pk` of `model`, per database (tests and benches share var/)."""
    db = Path(str(connection.settings_dict.get("NAME") or "default")).name
    base = Path(getattr(settings, "DANGBO_JOB_PROGRESS_DIR", settings.BASE_DIR / "var" / "job-progress"))
    return base / db / f"{model._meta.label_lower}-{pk}.json"


class CheckApplyState(models.TextChoices):
    """The states of an uploaded file checked (dry run), then applied, each by the worker."""

    CHECK_QUEUED = "check_queued", "Chờ kiểm tra"
    CHECKING = "checking", "Đang kiểm tra"
    CHECKED = "checked", "Đã kiểm tra (chưa ghi)"
    APPLY_QUEUED = "apply_queued", "Chờ nhập"
    APPLYING = "applying", "Đang nhập"
    DONE = "done", "Đã nhập xong"
    FAILED = "failed", "Không nhập được"


class ProgressJob(models.Model):
    """Abstract: a background job with its progress (rows done of rows in all), error and times."""

    STARTS: ClassVar[dict[str, str]] = {}  # queued state -> the running state a worker claims it into

    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    status: Any
    uncommitted = False  # the progress shown is of writes not committed yet (read from the side file)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """A running job takes the progress its worker recorded inside a transaction (side file)."""
        job = super().from_db(db, field_names, values, **kwargs)
        if job.pk is not None and "status" in job.__dict__ and job.is_running:
            job._read_side_progress()
        return job

    def _side_path(self) -> Path:
        return progress_file(type(self), self.pk)

    def _read_side_progress(self) -> None:
        try:
            data = json.loads(self._side_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.processed_rows = int(data.get("processed_rows", self.processed_rows))
        self.total_rows = int(data.get("total_rows", self.total_rows))
        self.uncommitted = True

    def _write_side_progress(self, fields: dict[str, int]) -> None:
        """Write the progress to the side file at once (a temporary file renamed over it: a reader
        never sees half a file). A failure is logged, never raised: progress must not stop a job."""
        path = self._side_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"processed_rows": self.processed_rows, "total_rows": self.total_rows, **fields}
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            log.warning("job progress file %s not written", path, exc_info=True)

    def _drop_side_progress(self) -> None:
        try:
            self._side_path().unlink(missing_ok=True)
        except OSError:
            log.warning("job progress file of %s %s not removed", type(self).__name__, self.pk, exc_info=True)

    @property
    def is_running(self) -> bool:
        """Queued or running: the page keeps polling."""
        return self.status in self.STARTS or self.status in self.STARTS.values()

    @property
    def progress_pct(self) -> float:
        if not self.total_rows:
            return 0.0
        return min(100.0, 100.0 * self.processed_rows / self.total_rows)

    def queue(self, status: str, task) -> None:
        """Mark the job queued in `status` (progress and error reset) and enqueue `task` with its id,
        in one transaction: a queued job always has its task row."""
        self._drop_side_progress()
        with transaction.atomic():
            self.status, self.processed_rows, self.error = status, 0, ""
            self.save(update_fields=["status", "processed_rows", "error"])
            task.enqueue(self.pk)

    @classmethod
    def claim(cls, pk: int, *, related: tuple[str, ...] = (), **extra: Any):
        """Claim the queued job `pk` into its running state with one conditional UPDATE (one winner
        even if the task ran twice; no transaction holding a snapshot before the write); `extra`
        fields are written with it. None when the job is not queued or another worker won."""
        rows = cls.objects.select_related(*related) if related else cls.objects
        job = rows.filter(pk=pk, status__in=tuple(cls.STARTS)).first()
        if job is None:
            return None
        running = cls.STARTS[job.status]
        if not cls.objects.filter(pk=pk, status=job.status).update(status=running, **extra):
            return None
        job.status = running
        for name, value in extra.items():
            setattr(job, name, value)
        return job

    def record_progress(self, done: int, total: int | None = None) -> None:
        """Write the rows done so far (and the rows in all when known) for the polling page. Inside
        a transaction (an all-or-nothing apply) the UPDATE would be seen only after the commit: the
        progress also goes to the side file, which the polling page reads (`from_db`)."""
        fields: dict[str, int] = {"processed_rows": done}
        if total is not None:
            fields["total_rows"] = total
        if connection.in_atomic_block:
            self._write_side_progress(fields)
        for name, value in fields.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**fields)

    def finish(self, status: str, **fields: Any) -> None:
        """Record the final state (done, checked or failed) with `fields`, stamped now."""
        type(self).objects.filter(pk=self.pk).update(status=status, finished_at=timezone.now(), **fields)
        self._drop_side_progress()
