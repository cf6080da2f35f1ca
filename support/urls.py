from django.urls import path

from support import intake, views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("request/", intake.enquiry, name="enquiry"),
    path("request/under-18/", intake.under_18, name="under_18"),
    path("request/received/<str:token>/", intake.enquiry_received, name="enquiry_received"),
    path("request/withdraw/<str:token>/", intake.enquiry_withdraw, name="enquiry_withdraw"),
    path("request/withdrawn/", intake.enquiry_withdrawn, name="enquiry_withdrawn"),
]
