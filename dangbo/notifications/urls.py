from django.urls import path

from dangbo.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("da-doc-het/", views.notification_read_all, name="notification_read_all"),
    path("gui-dang-vien/", views.notice_list, name="notice_list"),
    path("gui-dang-vien/moi/", views.notice_create, name="notice_create"),
    path("gui-dang-vien/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("cua-toi/", views.my_notices, name="my_notices"),
    path("cua-toi/<int:pk>/", views.my_notice, name="my_notice"),
    path("cua-toi/<int:pk>/da-hoc-tap/", views.my_notice_studied, name="my_notice_studied"),
    path("kenh/", views.channel_list, name="channel_list"),
    path("kenh/<int:pk>/", views.channel_detail, name="channel_detail"),
    path("kenh/<int:pk>/gui-thu/", views.channel_test, name="channel_test"),
    path("kenh/<int:pk>/xoa/", views.channel_delete, name="channel_delete"),
    path("cai-dat/", views.preferences, name="preferences"),
]
