from django.urls import path

from dangbo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.indicator_overview, name="indicator_overview"),
    path("danh-sach/", views.indicator_members, name="indicator_members"),
]
