from django.urls import path

from dangbo.staffing import views

app_name = "staffing"

urlpatterns = [
    path("", views.agency_tree, name="agency_tree"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/so-nguoi/", views.headcount_create, name="headcount_create"),
    path("giao/", views.allocation_create, name="allocation_create"),
    path("xuat/", views.figures_export, name="figures_export"),
    path("nhap-so-nguoi/", views.headcount_import, name="headcount_import"),
]
