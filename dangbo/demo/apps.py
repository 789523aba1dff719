from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dangbo.demo"
    verbose_name = "Dữ liệu trình diễn"
