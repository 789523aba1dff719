from django.urls import path

from dangbo.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("mau.xlsx", views.template_download, name="template_download"),
    path("mau-to-chuc.xlsx", views.org_template_download, name="org_template_download"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/xac-nhan/", views.job_confirm, name="job_confirm"),
    path("<int:pk>/ghep-cot/", views.job_map, name="job_map"),
]
