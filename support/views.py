from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from idare.caching import public_page
from support.snapshot import active_helplines, summarize


@require_safe
@public_page()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "support/index.html")


@require_safe
@public_page()
def help_now(request: HttpRequest) -> HttpResponse:
    """Never depends on the database: the helplines come from the snapshot every helpline edit and
    every server start rebuilds, so this page answers with every active number during an outage."""
    helplines = active_helplines()
    return render(request, "support/help.html", {"helplines": helplines, "summary": summarize(helplines)})
