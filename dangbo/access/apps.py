from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dangbo.access"
    verbose_name = "Phân quyền"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from dangbo.access import policy, signals
        from dangbo.orgs import visibility

        signals.connect()
        visibility.register(scope_orgs=policy.scope_orgs, everywhere=policy.everywhere, scope_roots=policy.scope_roots)
