"""`dangbo import-worker`: run queued import jobs (DANGBO_IMPORTS_RUNNER = "worker")."""

from django.core.management.base import BaseCommand

from dangbo.imports.tasks import run_pending


class Command(BaseCommand):
    help = "Chạy các lượt nhập dữ liệu đang chờ."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, once=False, **options):
        ran = run_pending(once=once)
        if once:
            self.stdout.write(f"Đã chạy {ran} lượt nhập.")
