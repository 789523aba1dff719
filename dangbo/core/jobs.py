"""One shape for the jobs the task worker runs while a page polls their progress (imports,
exports, the e-handbook upload): the progress fields, the queue → claim → progress → finish steps,
and the polled partial `core/_job_progress.html`.

Each concrete job declares its `status` field (its own states) and `STARTS`, which maps each queued
state to the running state a worker claims it into. Every step writes with one UPDATE on the job's
row, so the page polling the row never waits for the worker's transaction.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone


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

    class Meta:
        abstract = True

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
        """Write the rows done so far (and the rows in all when known) for the polling page."""
        fields: dict[str, int] = {"processed_rows": done}
        if total is not None:
            fields["total_rows"] = total
        type(self).objects.filter(pk=self.pk).update(**fields)

    def finish(self, status: str, **fields: Any) -> None:
        """Record the final state (done, checked or failed) with `fields`, stamped now."""
        type(self).objects.filter(pk=self.pk).update(status=status, finished_at=timezone.now(), **fields)
