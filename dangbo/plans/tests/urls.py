"""URLconf for the plans view tests: the project's routes plus the plans pages, in case the
project's urls.py does not include them yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has_plans = any(getattr(p, "namespace", None) == "plans" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has_plans:
    urlpatterns.append(path("van-ban/", include("dangbo.plans.urls")))
