from django.urls import path

from dangbo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.indicator_overview, name="indicator_overview"),
    path("danh-sach/", views.indicator_members, name="indicator_members"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("dinh-ky/", views.periodic_report, name="periodic_report"),
    path("xuat/", views.report_export, name="report_export"),
    path("mau-docx/", views.template_download, name="template_download"),
    path("mau-docx/tai-len/", views.template_upload, name="template_upload"),
    path("chi-tieu-ket-nap/", views.quota_list, name="quota_list"),
    path("so-tay/<int:pk>/", views.handbook_account, name="handbook_account"),
]
