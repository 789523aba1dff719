from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangbo.dues"
    verbose_name = "Đảng phí"

    def ready(self) -> None:
        # Registers this app's object types with the access policy and its worklist items.
        from dangbo.access import worklist as access_worklist
        from dangbo.dues import indicators, selectors, worklist  # noqa: F401

        access_worklist.register(worklist.provider, order=47)

        from dangbo.dues.transfers import member_panel, on_transfer_issued
        from dangbo.members.signals import transfer_issued
        from dangbo.members.views import register_member_panel

        transfer_issued.connect(on_transfer_issued, dispatch_uid="dues.transfer_issued")

        # The stored dues facts follow the members' spans and transfer letters (dues/facts.py).
        from dangbo.dues import facts
        from dangbo.members.signals import projections_changed

        projections_changed.connect(facts.on_projections_changed, dispatch_uid="dues.facts")
        transfer_issued.connect(facts.on_transfer_issued, dispatch_uid="dues.facts.transfer_issued")
        register_member_panel(member_panel)  # month paid up to, and what the transfer letter states
