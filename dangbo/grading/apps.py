from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "dangbo.grading"
    label = "grading"
    verbose_name = "Đánh giá, xếp loại chất lượng"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.access import worklist as access_worklist
        from dangbo.grading import (
            selectors,  # noqa: F401
            worklist,
        )

        access_worklist.register(worklist.provider, order=50)
