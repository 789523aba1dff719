from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangbo.plans"
    verbose_name = "Văn bản, kế hoạch và theo dõi thực hiện"
