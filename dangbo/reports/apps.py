from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from django.db.models.signals import post_delete, post_save

        from dangbo.members.selectors import register_derived_check, register_list_counter, register_subtree_counter
        from dangbo.members.signals import projections_changed
        from dangbo.members.views import register_member_panel
        from dangbo.reports import selectors  # noqa: F401  (registers report objects with access.policy)
        from dangbo.reports.facts import facts_issues, on_handbook_changed, on_projections_changed
        from dangbo.reports.models import HandbookAccount
        from dangbo.reports.views import handbook_panel

        # Keep the report fact projections (reports.facts) in step with their sources.
        projections_changed.connect(on_projections_changed, dispatch_uid="reports.facts")
        post_save.connect(on_handbook_changed, sender=HandbookAccount, dispatch_uid="reports.facts.handbook_saved")
        post_delete.connect(on_handbook_changed, sender=HandbookAccount, dispatch_uid="reports.facts.handbook_deleted")
        # The organization tree's member counts read the fact tables, rolled up in SQL.
        register_subtree_counter(selectors.fact_subtree_member_counts)
        register_list_counter(selectors.fact_list_count)  # the member list's count, likewise
        register_derived_check("report_facts_stale", "Số liệu báo cáo không khớp với dữ liệu gốc", facts_issues)
        register_member_panel(handbook_panel)  # the e-handbook account on the member page
        from dangbo.members.extras import HANDBOOK_CLOSE, HANDBOOK_OPEN, register_writer
        from dangbo.reports.services import handbook_account_close, handbook_account_register

        register_writer(HANDBOOK_OPEN, handbook_account_register)  # the import's «Sổ tay điện tử» column
        register_writer(HANDBOOK_CLOSE, handbook_account_close)  # the e-handbook update import
        from dangbo.access import worklist as access_worklist
        from dangbo.reports import worklist

        access_worklist.register(worklist.provider, order=40)
