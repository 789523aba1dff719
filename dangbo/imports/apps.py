from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dangbo.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.imports import selectors  # noqa: F401
