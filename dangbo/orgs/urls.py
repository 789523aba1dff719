from django.urls import path

from dangbo.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="org_tree"),
]
