"""Forgery protection for the endpoints a reader without cookies uses (upvote, share).

Django's CSRF token needs a cookie, and reading pages set none, so these endpoints are the one
deliberate exemption from the token check. In its place, a POST must come from a page of this site:
its `Origin` must be this site's origin or, when a browser sends no Origin, its `Referer` must be on
it. `Origin: null`, another site, or neither header is refused. This relies on the site's
`Referrer-Policy: same-origin`: with `no-referrer`, Chromium sends `Origin: null` on same-origin
form posts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from core.views import render_error_page


def request_origin(request: HttpRequest) -> str | None:
    """The origin the browser says the request came from: `Origin`, else the `Referer`'s origin."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.strip().lower()
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.scheme in ("http", "https") and referer.netloc:
        return f"{referer.scheme}://{referer.netloc}".lower()
    return None


def is_same_origin(request: HttpRequest) -> bool:
    origin = request_origin(request)
    if origin is None or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}".lower()
    return origin == own or origin in {trusted.lower().rstrip("/") for trusted in settings.CSRF_TRUSTED_ORIGINS}


def same_origin_required(view: Callable) -> Callable:
    """Exempts `view` from the CSRF token check and checks the request's origin instead."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and not is_same_origin(request):
            return render_error_page(403, request, {"cross_site": True})
        return view(request, *args, **kwargs)

    return wrapper
