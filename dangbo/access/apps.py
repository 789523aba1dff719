from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dangbo.access"
    verbose_name = "Phân quyền"
