from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "dangbo.core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from dangbo.core import rules
        from dangbo.core.models import RuleParameter

        post_save.connect(rules.clear_cache, sender=RuleParameter)
        post_delete.connect(rules.clear_cache, sender=RuleParameter)
        connection_created.connect(_sqlite_collation)
        post_migrate.connect(_stamp_rows, sender=self)


def _stamp_rows(sender, using="default", **kwargs) -> None:
    """After migrate and after flush (which empties core_datastamp): every stamp has its row."""
    from dangbo.core import stamps

    stamps.ensure_rows(using)


def _sqlite_collation(sender, connection, **kwargs) -> None:
    """SQLite: the Vietnamese collation (core.db.ViOrder) on every connection Django opens. The
    name index of members uses it, so a tool writing members_member outside Django must register
    it too (sqlite3: create_collation("vi", core.text.vi_compare))."""
    if connection.vendor == "sqlite":
        from dangbo.core.db import SQLITE_COLLATION
        from dangbo.core.text import vi_compare

        connection.connection.create_collation(SQLITE_COLLATION, vi_compare)
