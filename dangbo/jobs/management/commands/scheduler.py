"""`dangbo scheduler [--once]`: enqueue the periodic jobs when due (no cron needed); `dangbo serve`
starts it beside the web server and the task worker. Several schedulers may run: each due run is
claimed by exactly one of them."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from dangbo.jobs.schedule import intervals, run_forever, tick


class Command(BaseCommand):
    help = "Đưa các công việc định kỳ (nhắc việc, quá hạn, điểm neo nhật ký) vào hàng đợi khi đến hạn."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit.")
        parser.add_argument("--poll", type=float, default=15.0, help="Seconds between two checks.")

    def handle(self, *args, once: bool = False, poll: float = 15.0, **options):
        if once:
            names = tick()
            self.stdout.write(f"Đã đưa vào hàng đợi: {', '.join(names) or 'không có'}.")
            return
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        jobs = ", ".join(f"{name} mỗi {int(every.total_seconds())} giây" for name, every in intervals().items())
        self.stdout.write(f"Lịch công việc định kỳ: {jobs}.", ending="\n")
        self.stdout.flush()
        run_forever(poll=poll, stop=lambda: bool(stopping))
