from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangbo.members"
    verbose_name = "Đảng viên"

    def ready(self):
        # Imported here, not at the top: an AppConfig module loads before the models are ready.
        from dangbo.access import worklist as access_worklist
        from dangbo.members import selectors, services, worklist
        from dangbo.orgs import membership

        # orgs sits below members: its restructurings reach the members through these hooks.
        membership.register(
            member_ids_on=selectors.member_ids_in_org_on,
            names=selectors.member_names,
            choices=selectors.member_choices,
            reassign=services.member_reassign,
            counts_on=selectors.member_counts_by_org_on,
        )
        access_worklist.register(worklist.provider, order=10)
