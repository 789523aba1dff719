"""URLconf for the search view tests: the project's routes plus /tim-kiem/ if not wired yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has = any(getattr(p, "namespace", None) == "search" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has:
    urlpatterns.append(path("tim-kiem/", include("dangbo.search.urls")))
