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
    path("cua-toi/ho-so/", views.my_record, name="my_record"),
    path("dinh-chinh/", views.correction_list, name="correction_list"),
    path("dinh-chinh/<int:pk>/", views.correction_decide, name="correction_decide"),
]
