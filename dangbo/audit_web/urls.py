from django.urls import path

from dangbo.audit_web import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("dang-vien/<int:member_id>/", views.member_trail, name="member_trail"),
    path("to-chuc/<int:org_id>/", views.org_trail, name="org_trail"),
    path("ai-da-xem/", views.my_views, name="my_views"),
]
