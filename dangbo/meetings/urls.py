from django.urls import path

from dangbo.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("moi/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("so-lieu/", views.figures, name="figures"),
    path("vang-khong-ly-do/", views.absences, name="absences"),
    path("cua-toi/", views.my_meetings, name="my_meetings"),
    path("cua-toi/<int:pk>/tra-loi/", views.my_reply, name="my_reply"),
]
