"""URLconf for the token-write and API error tests: the project's routes plus a small API that has
PUT and DELETE operations (the product's API has none yet), authenticated exactly like /api/v1/,
and a plain view under /api/ that raises."""

from django.urls import path
from ninja import NinjaAPI

from dangbo.api_urls import AUTH
from dangbo.core.api import register_error_handlers
from dangbo.urls import urlpatterns as project_urlpatterns

methods_api = NinjaAPI(auth=AUTH, urls_namespace="api_methods_test", docs_url=None, openapi_url=None)
register_error_handlers(methods_api)


@methods_api.put("/thing", url_name="thing_put")
def thing_put(request):
    return {"method": "PUT", "username": request.user.get_username()}


@methods_api.delete("/thing", url_name="thing_delete")
def thing_delete(request):
    return {"method": "DELETE", "username": request.user.get_username()}


def boom(request):
    """A plain Django view under /api/ that fails: the middleware's JSON 500."""
    raise RuntimeError("chi tiết nội bộ không được lộ ra")


urlpatterns = [
    *project_urlpatterns,
    path("api/test-methods/", methods_api.urls),
    path("api/test-boom/", boom, name="api_test_boom"),
]
