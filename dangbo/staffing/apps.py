from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "dangbo.staffing"
    verbose_name = "Tổ chức bộ máy, biên chế"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        # Its indicators join the reports catalog (dangbo/staffing/indicators.py).
        from dangbo.staffing import indicators, selectors  # noqa: F401
