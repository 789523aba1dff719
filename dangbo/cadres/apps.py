from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "dangbo.cadres"
    verbose_name = "Công tác cán bộ"

    def ready(self) -> None:
        # Registers this app's object types with the access policy (access.policy.scoped).
        from dangbo.access import worklist as access_worklist

        # Its indicators join the reports catalog (dangbo/cadres/indicators.py).
        # Its list joins the export page (core.list_exports: /xuat/danh-sach/can-bo/).
        from dangbo.cadres import exports, indicators, kinship, political, selectors, training, votes, worklist  # noqa: F401

        access_worklist.register(worklist.provider, order=60)
