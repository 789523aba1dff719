from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "dangbo.exports"
    verbose_name = "Xuất dữ liệu"
