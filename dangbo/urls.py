from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dangbo.access import views as access_views
from dangbo.imports import register_views

urlpatterns = [
    path("", access_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("dangbo.access.urls")),  # /xac-thuc/ (TOTP), /tai-khoan/ (sessions, API tokens)
    # imports beside the pipelines (imports.register_views), on the pages of what they fill
    path("to-chuc/doanh-nghiep/nhap/", register_views.enterprise_import, name="enterprise_import"),
    path("dang-vien/so-tay-dien-tu/nhap/", register_views.handbook_import, name="handbook_import"),
    path("to-chuc/", include("dangbo.orgs_web.urls")),
    path("dang-vien/", include("dangbo.members.urls")),
    path("bao-cao/", include("dangbo.reports.urls")),
    path("nhap-du-lieu/", include("dangbo.imports.urls")),
    path("nhat-ky/", include("dangbo.audit_web.urls")),
    path("van-ban/", include("dangbo.plans.urls")),
    path("can-bo/", include("dangbo.cadres.urls")),
    path("bien-che/", include("dangbo.staffing.urls")),
    path("sinh-hoat/", include("dangbo.meetings.urls")),
    path("dang-phi/", include("dangbo.dues.urls")),
    path("danh-gia/", include("dangbo.grading.urls")),
    path("thong-bao/", include("dangbo.notifications.urls")),
    path("tim-kiem/", include("dangbo.search.urls")),
    path("xuat/", include("dangbo.exports.urls")),
    path("api/v1/", include("dangbo.api_urls")),
    path("quan-tri/", admin.site.urls),
]
