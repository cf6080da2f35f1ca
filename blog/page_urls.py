"""Standing pages live at the top of the site (/about/, /privacy/…), so these patterns are
included last: every other app's addresses win."""

from django.urls import path

from blog import views

app_name = "pages"
urlpatterns = [
    path("<slug:slug>/", views.page_detail, name="detail"),
]
