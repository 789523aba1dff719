"""URLconf for the export view tests: the project's routes plus /xuat/ if not wired yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has = any(getattr(p, "namespace", None) == "exports" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has:
    urlpatterns.append(path("xuat/", include("dangbo.exports.urls")))
