from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        # Registers this app's object types with the access policy and its worklist items.
        from dangbo.access import worklist as access_worklist
        from dangbo.meetings import corrections, guests, indicators, selectors, worklist  # noqa: F401

        access_worklist.register(worklist.provider, order=45)
        access_worklist.register(guests.worklist_provider, order=46)  # committee members at grassroots meetings

        # check-data: meetings whose stored roster counts differ from their attendance rows
        from dangbo.meetings.services import count_issues
        from dangbo.members.selectors import register_derived_check

        register_derived_check("meeting_counts_stale", "Số liệu điểm danh của buổi sinh hoạt không khớp", count_issues)
