from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from idare.caching import public_page


@require_safe
@public_page()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "engage/index.html")
