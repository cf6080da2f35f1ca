"""How a view says its page is the same for every reader, and for how long.

`shared_cache` marks the response `public` for shared caches (a CDN) and for serving.page_cache, with a
lifetime no longer than `seconds` and never past `expires_at` (say, the next scheduled publication
the page would show), and adds Last-Modified from the newest thing the page shows. `reads_query`
names the query parameters the page depends on: the page cache keeps one page for every other query
string (`?utm_source=...`, `?fbclid=...`, anything made up), so a view that reads a parameter must
name it here, or every reader gets the page for the first value asked. Django's
ConditionalGetMiddleware adds the ETag and answers conditional requests on a miss; the page cache
answers them on a hit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import wraps

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from serving.page_cache import LOCAL_ONLY, MARK, READS

LIVE_COUNTS = 5  # seconds: pages that show upvote counts
STANDING = 60  # seconds: everything else a reader sees


def shared_cache(response: HttpResponse, *, seconds: int = STANDING, expires_at: datetime.datetime | None = None,
                 last_modified: datetime.datetime | None = None, reads_query: Iterable[str] = ()) -> HttpResponse:
    if expires_at is not None:
        seconds = min(seconds, int((expires_at - timezone.now()).total_seconds()))
    if seconds <= 0:
        patch_cache_control(response, no_cache=True)
        return response
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    setattr(response, MARK, seconds)
    setattr(response, READS, tuple(reads_query))
    return response


def kept_here(response: HttpResponse, *, seconds: int, reads_query: Iterable[str] = ()) -> HttpResponse:
    """For a page the same for every anonymous reader that must not leave this server (a search):
    serving.page_cache keeps it in this process for `seconds`, never in the shared cache; the response's
    own Cache-Control (private, no-store) keeps it out of the browser and of a CDN. As with
    shared_cache, `reads_query` names every query parameter the page depends on."""
    if seconds > 0:
        setattr(response, MARK, seconds)
        setattr(response, READS, tuple(reads_query))
        setattr(response, LOCAL_ONLY, True)
    return response


def public_page(seconds: int = STANDING, *, reads_query: Iterable[str] = ()):
    """For views whose page changes only when content does (and then the version changes), and on
    no query parameter but those in `reads_query`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                shared_cache(response, seconds=seconds, reads_query=reads_query)
            return response

        return wrapper

    return decorator
