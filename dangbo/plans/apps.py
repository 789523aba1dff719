from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangbo.plans"
    verbose_name = "Văn bản, kế hoạch và theo dõi thực hiện"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.plans import selectors  # noqa: F401
