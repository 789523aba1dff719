from django.urls import path

from dangbo.search import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("to-chuc/", views.org_picker, name="org_picker"),
]
