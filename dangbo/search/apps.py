from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dangbo.search"
    verbose_name = "Tìm kiếm"
