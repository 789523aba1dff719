from django.urls import path

from dangbo.access import views

app_name = "access"

urlpatterns = [
    path("xac-thuc/", views.otp_verify, name="otp_verify"),
    path("xac-thuc/thiet-lap/", views.otp_setup, name="otp_setup"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/dang-xuat-moi-noi/", views.logout_everywhere, name="logout_everywhere"),
    path("tai-khoan/ma-truy-cap/", views.token_list, name="token_list"),
    path("tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
