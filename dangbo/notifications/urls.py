from django.urls import path

from dangbo.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("da-doc-het/", views.notification_read_all, name="notification_read_all"),
]
