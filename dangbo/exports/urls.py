from django.urls import path

from dangbo.exports import views

app_name = "exports"
urlpatterns = [
    path("dang-vien/", views.member_list_export, name="member_list_export"),
    path("danh-sach/<slug:slug>/", views.list_export, name="list_export"),
    path("chi-so/", views.indicator_export, name="indicator_export"),
    path("tep/<int:pk>/", views.job_detail, name="job_detail"),
    path("tep/<int:pk>/tai/", views.job_download, name="job_download"),
]
