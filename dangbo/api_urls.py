"""The HTTP API, /api/v1/ (django-ninja): schema at /api/v1/openapi.json, docs at /api/v1/docs.

The docs page is ninja's Swagger UI served from ninja's own static copy ("ninja" is in
INSTALLED_APPS), never from a CDN; `validatorUrl: None` stops Swagger UI from asking
validator.swagger.io for a badge. Authentication and the error format live in dangbo.core.api.
"""

from django.urls import path
from ninja import NinjaAPI, Swagger

from dangbo.access.api_auth import TokenAuth
from dangbo.cadres.api import router as cadres_router
from dangbo.core.api import API_AUTH, register_error_handlers
from dangbo.dues.api import router as dues_router
from dangbo.meetings.api import corrections_router
from dangbo.meetings.api import router as meetings_router
from dangbo.members.api import events_router as member_events_router
from dangbo.members.api import router as members_router
from dangbo.members.transfer_api import router as transfers_router
from dangbo.notifications.api import channels_router
from dangbo.notifications.api import router as notices_router
from dangbo.orgs_web.api import router as orgs_router
from dangbo.orgs_web.enterprise_api import router as enterprises_router
from dangbo.plans.api import router as plans_router
from dangbo.reports.api import router as handbook_router
from dangbo.staffing.api import router as staffing_router

# Personal API tokens first (Authorization: Bearer dbs_..., no CSRF: a browser never sends that
# header by itself), then the browser's session cookie (CSRF checked on unsafe methods).
AUTH = [TokenAuth(), *API_AUTH]

api = NinjaAPI(
    title="Đảng bộ số API",
    version="1",
    description="Sổ tổ chức đảng và đảng viên theo thời gian. Mọi dữ liệu giới hạn theo phạm vi của người dùng.",
    urls_namespace="api",
    auth=AUTH,
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": True, "layout": "BaseLayout"}),
)
register_error_handlers(api)
api.add_router("/orgs", orgs_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/members", members_router)
api.add_router("/events", member_events_router)
api.add_router("/transfers", transfers_router)
api.add_router("/plans", plans_router)
api.add_router("/handbook", handbook_router)
api.add_router("/cadres", cadres_router)
api.add_router("/staffing", staffing_router)
api.add_router("/meetings", meetings_router)
api.add_router("/dues", dues_router)
api.add_router("/notices", notices_router)
api.add_router("/notification-channels", channels_router)
api.add_router("/corrections", corrections_router)

urlpatterns = [path("", api.urls)]
