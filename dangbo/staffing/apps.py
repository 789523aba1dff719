from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "dangbo.staffing"
    verbose_name = "Tổ chức bộ máy, biên chế"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.staffing import selectors  # noqa: F401
