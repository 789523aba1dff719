"""The HTTP API, /api/v1/ (django-ninja): schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(title="Đảng bộ số API", version="1", urls_namespace="api")

urlpatterns = [path("", api.urls)]
