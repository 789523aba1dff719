from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangbo.plans"
    verbose_name = "Văn bản, kế hoạch và theo dõi thực hiện"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.access import worklist as access_worklist
        from dangbo.plans import (
            selectors,  # noqa: F401
            worklist,
        )

        access_worklist.register(worklist.provider, order=30)
