from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangbo.dues"
    verbose_name = "Đảng phí"

    def ready(self) -> None:
        # Registers this app's object types with the access policy and its worklist items.
        from dangbo.access import worklist as access_worklist
        from dangbo.dues import selectors, worklist  # noqa: F401

        access_worklist.register(worklist.provider, order=47)
