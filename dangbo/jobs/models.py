"""The persistent record of the periodic jobs: when each ran last and when it is due next.

`dangbo scheduler` claims a due job with one conditional UPDATE (`next_run_at <= now`), so of
several schedulers (two machines, or a restart while the old one still runs) exactly one enqueues
each run, and a restart does not run a job again before its interval has passed."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    name = models.CharField("công việc định kỳ", max_length=64, primary_key=True)
    next_run_at = models.DateTimeField("lần chạy kế tiếp")
    last_run_at = models.DateTimeField("lần chạy gần nhất", null=True, blank=True)
    last_task_id = models.CharField("mã tác vụ gần nhất", max_length=64, blank=True)
    runs = models.PositiveIntegerField("số lần đã chạy", default=0)

    class Meta:
        verbose_name = "công việc định kỳ"
        verbose_name_plural = "công việc định kỳ"

    def __str__(self) -> str:
        return self.name
