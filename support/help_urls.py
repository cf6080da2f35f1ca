from django.urls import path

from support import views

app_name = "help"
urlpatterns = [
    path("", views.help_now, name="index"),
]
