from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dangbo.ops"
    verbose_name = "Vận hành"
