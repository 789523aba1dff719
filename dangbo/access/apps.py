from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dangbo.access"
    verbose_name = "Phân quyền"

    def ready(self) -> None:
        from dangbo.access import signals

        signals.connect()
