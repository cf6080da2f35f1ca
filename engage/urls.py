from django.urls import path

from engage import views

app_name = "engage"
urlpatterns = [
    path("", views.index, name="index"),
    # The registration flow's own addresses come first: "registration" is reserved for programmes.
    path("registration/", views.registration, name="registration"),
    path("registration/confirm/<str:token>/", views.confirm, name="confirm"),
    path("registration/calendar.ics", views.calendar, name="calendar"),
    path("registration/cancel/", views.cancel, name="cancel"),
    path("registration/cancelled/", views.cancelled, name="cancelled"),
    path("<slug:slug>/", views.programme_detail, name="programme"),
    path("<slug:slug>/<int:session_id>/register/", views.register, name="register"),
]
