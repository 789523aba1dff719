from django.urls import path

from dangbo.cadres import views

app_name = "cadres"

urlpatterns = [
    path("", views.cadre_list, name="cadre_list"),
    path("<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("quyet-dinh/moi/", views.decision_create, name="decision_create"),
    path("quy-hoach/<int:pk>/", views.planning_board, name="planning_board"),
    path("so-lieu/", views.figures, name="figures"),
]
