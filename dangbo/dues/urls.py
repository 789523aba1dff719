from django.urls import path

from dangbo.dues import views

app_name = "dues"

urlpatterns = [
    path("", views.sheet, name="sheet"),
    path("thu/", views.collect, name="collect"),
    path("chua-nop/", views.arrears, name="arrears"),
    path("chot/", views.close, name="close"),
    path("so-quy/", views.ledger, name="ledger"),
]
