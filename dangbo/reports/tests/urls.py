"""URLconf for the report view tests: the project's routes plus the report pages, in case the
project's urls.py does not include them yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has_reports = any(getattr(p, "namespace", None) == "reports" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has_reports:
    urlpatterns.append(path("bao-cao/", include("dangbo.reports.urls")))
