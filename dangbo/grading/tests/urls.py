"""URLconf for the grading view tests: the project's routes plus the grading pages, in case the
project's urls.py does not include them yet."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urlpatterns

_has_grading = any(getattr(p, "namespace", None) == "grading" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns]
if not _has_grading:
    urlpatterns.append(path("danh-gia/", include("dangbo.grading.urls")))
