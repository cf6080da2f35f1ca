"""/contact/: a way to write to iDare without an e-mail address being published. Included before
the standing pages' catch-all, so it owns the address."""

from django.urls import path

from support import intake

app_name = "contact"
urlpatterns = [
    path("", intake.contact, name="form"),
    path("received/<str:token>/", intake.contact_received, name="received"),
    path("withdraw/<str:token>/", intake.contact_withdraw, name="withdraw"),
    path("withdrawn/", intake.contact_withdrawn, name="withdrawn"),
]
