from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from idare.caching import public_page
from support.models import Helpline


@require_safe
@public_page()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "support/index.html")


@require_safe
@public_page()
def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "support/help.html", {"helplines": Helpline.objects.active()})
