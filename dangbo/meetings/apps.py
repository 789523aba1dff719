from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        # Registers this app's object types with the access policy and its worklist items.
        from dangbo.access import worklist as access_worklist
        from dangbo.meetings import indicators, selectors, worklist  # noqa: F401

        access_worklist.register(worklist.provider, order=45)
