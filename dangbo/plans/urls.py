from django.urls import path

from dangbo.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("moi/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/tep/", views.document_file, name="document_file"),
    path("<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("<int:pk>/xoa/", views.document_delete_view, name="document_delete"),
    path("<int:pk>/nhiem-vu/moi/", views.task_create_view, name="task_create"),
    path("<int:pk>/chi-tieu/moi/", views.target_create_view, name="target_create"),
    path("<int:pk>/bao-cao/", views.plan_export, name="plan_export"),
    path("<int:pk>/nhap/", views.plan_import, name="plan_import"),
    path("nhiem-vu/", views.my_tasks, name="my_tasks"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/xoa/", views.task_delete_view, name="task_delete"),
    path("minh-chung/<int:pk>/", views.evidence_file, name="evidence_file"),
]
