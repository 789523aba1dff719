from django.urls import path

from dangbo.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("ket-nap/", views.member_admit, name="member_admit"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/sua/", views.member_edit, name="member_edit"),
    path("<int:pk>/su-kien/", views.event_create, name="event_create"),
    path("su-kien/<int:event_id>/huy/", views.event_correct, name="event_correct"),
]
