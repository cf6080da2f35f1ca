from django.urls import path

from support import offline

app_name = "offline"
urlpatterns = [
    path("exit/", offline.quick_exit, name="exit"),
    path("offline/", offline.offline_page, name="page"),
    path("sw.js", offline.service_worker, name="worker"),
]
