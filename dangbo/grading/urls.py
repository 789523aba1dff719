from django.urls import path

from dangbo.grading import views

app_name = "grading"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("trien-khai/", views.campaign_open, name="campaign_open"),
    path("khung-tieu-chi/", views.framework_list, name="framework_list"),
    path("tu-danh-gia/", views.self_assessment, name="self_assessment"),
    path("tai-lieu/<int:record_id>/", views.record_document, name="record_document"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/nhac-nho/", views.campaign_remind, name="campaign_remind"),
    path("<int:pk>/ngoai-le/", views.cap_exception, name="cap_exception"),
    path("<int:pk>/chi-bo/<int:org_id>/<slug:step_slug>/", views.cell_bulk, name="cell_bulk"),
    path("<int:pk>/dang-vien/<int:member_id>/", views.member_grading, name="member_grading"),
    path("<int:pk>/to-chuc/<int:org_id>/", views.org_grading, name="org_grading"),
    path("<int:pk>/ket-qua/", views.results, name="results"),
    path("<int:pk>/ket-qua/danh-sach/", views.results_members, name="results_members"),
    path("<int:pk>/ket-qua/xuat/", views.results_export, name="results_export"),
    path("<int:pk>/nhap/", views.results_import, name="results_import"),
]
