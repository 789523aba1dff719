"""URLconf for the audit view tests: the project's routes plus the audit pages, in case the
project's urls.py does not include them yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has_audit = any(getattr(p, "namespace", None) == "audit" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has_audit:
    urlpatterns.append(path("nhat-ky/", include("dangbo.audit_web.urls")))
