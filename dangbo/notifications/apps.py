from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dangbo.notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.notifications import (
            delivery,  # noqa: F401
            notices,  # noqa: F401
            reports,
            selectors,  # noqa: F401
            transfers,
        )

        transfers.connect()
        reports.connect()
