from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dangbo.jobs"
    label = "jobs"
    verbose_name = "Tác vụ nền"

    def ready(self) -> None:
        # In ready(), not at the top: an AppConfig module is imported before the models are loaded.
        from django.core.signals import setting_changed

        from dangbo.jobs.backends import reset_task_backends

        setting_changed.connect(reset_task_backends, dispatch_uid="dangbo.jobs.reset_task_backends")
