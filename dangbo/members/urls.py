from django.urls import path

from dangbo.members import transfer_views, views, worklist_views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("ho-so-cua-toi/", views.my_record, name="my_record"),
    path("ket-nap/", views.member_admit, name="member_admit"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/sua/", views.member_edit, name="member_edit"),
    path("<int:pk>/su-kien/", views.event_create, name="event_create"),
    path("su-kien/<int:event_id>/huy/", views.event_correct, name="event_correct"),
    path("<int:pk>/chuyen-sinh-hoat/", transfer_views.transfer_issue, name="transfer_issue"),
    path("viec-can-lam/", worklist_views.worklist_members, name="worklist_members"),
    path("chuyen-sinh-hoat/", transfer_views.transfer_inbox, name="transfer_inbox"),
    path("chuyen-sinh-hoat/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),
    path("chuyen-sinh-hoat/<int:pk>/tiep-nhan/", transfer_views.transfer_receive, name="transfer_receive"),
    path("chuyen-sinh-hoat/<int:pk>/tra-lai/", transfer_views.transfer_return, name="transfer_return"),
]
