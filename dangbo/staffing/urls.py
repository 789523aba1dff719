from django.urls import path

from dangbo.staffing import project_views, views

app_name = "staffing"

urlpatterns = [
    path("", views.agency_tree, name="agency_tree"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/so-nguoi/", views.headcount_create, name="headcount_create"),
    path("giao/", views.allocation_create, name="allocation_create"),
    path("xuat/", views.figures_export, name="figures_export"),
    path("nhap-so-nguoi/", views.headcount_import, name="headcount_import"),
    path("de-an/", project_views.project_list, name="project_list"),
    path("de-an/moi/", project_views.project_create, name="project_create"),
    path("de-an/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("de-an/<int:pk>/phuong-an/", project_views.project_plan, name="project_plan"),
    path("vi-tri-viec-lam/", project_views.catalogue_list, name="catalogue_list"),
    path("vi-tri-viec-lam/moi/", project_views.catalogue_create, name="catalogue_create"),
    path("vi-tri-viec-lam/<int:pk>/", project_views.catalogue_detail, name="catalogue_detail"),
    path("danh-muc/", project_views.reference_lists, name="reference_lists"),
]
