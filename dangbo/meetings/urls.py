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
    path("so-tay/", views.handbook_coverage, name="handbook_coverage"),
    path("so-tay/nhap/", views.handbook_upload, name="handbook_upload"),
    path("so-tay/nhap/mau.xlsx", views.handbook_template, name="handbook_template"),
    path("so-tay/nhap/<int:pk>/", views.handbook_job, name="handbook_job"),
    path("so-tay/nhap/<int:pk>/xac-nhan/", views.handbook_job_confirm, name="handbook_job_confirm"),
    path("cap-uy-vien/", views.committee_seats, name="committee_seats"),
]
