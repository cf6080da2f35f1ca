"""Help without a connection, and the way out.

The service worker (/sw.js, scope /) keeps two pages and nothing else: /help/ and /offline/. A shared
phone must not show what someone read or searched, so articles, searches and forms are never stored;
without a network, /help/ comes from its kept copy and every other page from /offline/. The worker's
bytes carry a version made from the helplines snapshot, so a browser replaces it (and its kept pages)
whenever a number changes.

Quick exit goes through /exit/, which asks the browser to delete what the site stored on the device
(the worker and its pages included) on its way to the neutral site."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from serving.cache_headers import public_page
from support.helpline_snapshot import active_helplines

NOINDEX = "noindex, nofollow"


class SeeOther(HttpResponseRedirect):
    status_code = 303


@require_safe
def quick_exit(request: HttpRequest) -> HttpResponse:
    """No cookie, no referrer, nothing kept; the browser clears the site's cache and storage
    (Chromium and Firefox honour Clear-Site-Data; others simply follow the redirect)."""
    response = SeeOther(settings.QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "storage"'
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_safe
@public_page()
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the worker shows for any page but /help/ when there is no network. From the snapshot,
    like /help/: it must render during a database outage, since the worker keeps whatever it gets."""
    response = render(request, "support/offline.html", {"helplines": active_helplines()})
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that its scope is the whole site. `no-cache`: a browser revalidates
    it on every check, and the ETag spares the bytes while nothing changed."""
    script = render_to_string("support/sw.js", {
        "version": helplines_version(),
        "help_url": reverse("help:index"),
        "offline_url": reverse("offline:page"),
        "exit_url": reverse("offline:exit"),
    })
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Robots-Tag"] = NOINDEX
    return response


def helplines_version() -> str:
    """Changes whenever an active helpline does, and with a deploy that renames the stylesheet the
    kept pages link to: a new worker, which keeps fresh copies of both pages."""
    data = json.dumps([active_helplines(), static("css/site.css")], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]
