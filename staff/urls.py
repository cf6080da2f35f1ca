"""Under the admin's address (IDARE_ADMIN_PATH): the second step of a staff sign-in."""

from django.urls import path

from staff.signin import two_factor

app_name = "staff_auth"
urlpatterns = [path("two-factor/", two_factor, name="two_factor")]
