from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from support.models import Helpline


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "support/index.html")


@require_GET
def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "support/help.html", {"helplines": Helpline.objects.active()})
