from django.apps import AppConfig
from django.db.models.signals import post_migrate

from dangbo.audit.db_roles import grants_after_migrate


class AuditConfig(AppConfig):
    name = "dangbo.audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        # Once per migrate (the audit app's signal), as the owner: the application role's grants.
        post_migrate.connect(grants_after_migrate, sender=self, dispatch_uid="audit_app_role_grants")
