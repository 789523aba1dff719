from django.urls import path

from dangbo.orgs_web import enterprises, views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="org_tree"),
    path("<int:pk>/", views.org_detail, name="org_detail"),
    path("doanh-nghiep/", enterprises.enterprise_list, name="enterprise_list"),
    path("doanh-nghiep/them/", enterprises.enterprise_create, name="enterprise_create"),
    path("doanh-nghiep/<int:pk>/to-chuc-dang/", enterprises.enterprise_party_org, name="enterprise_party_org"),
    path("doanh-nghiep/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("doanh-nghiep/<int:pk>/thay-doi/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("doanh-nghiep/<int:pk>/ngung-hoat-dong/", enterprises.enterprise_close, name="enterprise_close"),
    path("<int:pk>/truc-thuoc/", views.org_children, name="org_children"),
    path("<int:pk>/thanh-lap/", views.org_establish, name="org_establish"),
    path("<int:pk>/doi-ten/", views.org_rename, name="org_rename"),
    path("<int:pk>/khu-vuc/", views.org_sector, name="org_sector"),
    path("<int:pk>/chuyen-giao/", views.org_move, name="org_move"),
    path("<int:pk>/hop-nhat/", views.org_merge, name="org_merge"),
    path("<int:pk>/chia-tach/", views.org_split, name="org_split"),
    path("<int:pk>/giai-the/", views.org_dissolve, name="org_dissolve"),
    path("thao-tac/<int:event_id>/huy/", views.org_event_void, name="org_event_void"),
]
