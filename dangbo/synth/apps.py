from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "dangbo.synth"
    verbose_name = "Dữ liệu tổng hợp (thử tải)"
