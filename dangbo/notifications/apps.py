from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dangbo.notifications"
    verbose_name = "Thông báo"
