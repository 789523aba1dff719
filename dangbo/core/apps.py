from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangbo.core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from django.db.models.signals import post_delete, post_save

        from dangbo.core import rules
        from dangbo.core.models import RuleParameter

        post_save.connect(rules.clear_cache, sender=RuleParameter)
        post_delete.connect(rules.clear_cache, sender=RuleParameter)
