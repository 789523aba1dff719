from django.urls import path

from dangbo.dues import views

app_name = "dues"

urlpatterns = [
    path("", views.sheet, name="sheet"),
    path("thu/", views.collect, name="collect"),
    path("chua-nop/", views.arrears, name="arrears"),
    path("chot/", views.close, name="close"),
    path("mo-lai/", views.reopen, name="reopen"),
    path("so-quy/", views.ledger, name="ledger"),
    path("dang-vien/<int:pk>/", views.member_dues, name="member"),
    path("cua-toi/", views.my_dues, name="mine"),
    path("nhap/", views.portal_upload, name="portal_upload"),
    path("nhap/mau/", views.portal_template, name="portal_template"),
    path("nhap/<int:pk>/", views.portal_job, name="portal_job"),
]
