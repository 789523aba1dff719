"""The project's routes plus the import pages, until dangbo/urls.py includes them."""

from django.urls import include, path

from dangbo.urls import urlpatterns as project_urls

urlpatterns = [
    *[p for p in project_urls if getattr(p, "app_name", None) != "imports"],
    path("nhap-du-lieu/", include("dangbo.imports.urls")),
]
