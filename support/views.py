from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from support.models import Helpline


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "support/index.html")


@require_safe
def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "support/help.html", {"helplines": Helpline.objects.active()})
