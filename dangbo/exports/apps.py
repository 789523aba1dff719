from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "dangbo.exports"
    label = "exports"
    verbose_name = "Xuất dữ liệu"

    def ready(self) -> None:
        # Registers ExportJob with the access policy (access.policy.scoped).
        from dangbo.exports import selectors  # noqa: F401
