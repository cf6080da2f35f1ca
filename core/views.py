"""Site-wide views that belong to no app: uploaded media, robots.txt, the favicon, and the error
pages Django does not render for us. The health probes are answered by serving.middleware."""

import posixpath
import re
from functools import lru_cache
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.static import serve

from core.context_processors import site
from serving.cache_headers import public_page

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
               ".gif": "image/gif", ".avif": "image/avif"}
# Uploads and their renditions (…-960w.webp) are named after their content: a new image, a new name.
CONTENT_HASHED_NAME = re.compile(r"^[0-9a-f]{16}(-\d+w)?\.[a-z]{3,4}$")
ONE_YEAR = 365 * 24 * 3600
# An image opened on its own runs nothing, embeds nothing and cannot be framed.
MEDIA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded images only; anything else under MEDIA_ROOT is not ours to hand out."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in MEDIA_TYPES or "\x00" in path:
        raise Http404("No such image.")
    if isinstance(storages["default"], FileSystemStorage):
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    else:  # object storage (MEDIA_STORAGE=s3) in `make serve`: production's proxy serves it instead
        response = _from_storage(path)
    response["Content-Type"] = MEDIA_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    if CONTENT_HASHED_NAME.match(PurePosixPath(path).name):
        response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"  # its name changes with it
    else:
        response["Cache-Control"] = "public, max-age=3600"
    return response


def _from_storage(path: str) -> FileResponse:
    name = posixpath.normpath(path)
    if name.startswith(("/", "..")) or name != path:
        raise Http404("No such image.")
    try:
        return FileResponse(storages["default"].open(name))
    except FileNotFoundError as exc:
        raise Http404("No such image.") from exc


@require_safe
@public_page(seconds=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read everything but the upvote and share endpoints, which only count clicks,
    private previews (which also say noindex themselves) and Quick exit, which only leaves."""
    lines = ["User-agent: *", "Disallow: /blog/*/upvote/", "Disallow: /blog/*/share/", "Disallow: /blog/preview/",
             f"Disallow: {reverse('offline:exit')}", "",
             f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@public_page(seconds=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site, the admin's pages included."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


def render_error_page(status: int, request: HttpRequest | None = None, context: dict | None = None) -> HttpResponse:
    """An error page in the site's design. Without a request no context processor runs (the site
    context is added by hand), so the 500 and 503 pages never touch the database."""
    html = render_to_string(f"{status}.html", {**site(None), **(context or {})}, request=request)
    return HttpResponse(html, status=status)


def server_error(request: HttpRequest | None) -> HttpResponse:
    return render_error_page(500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render_error_page(403, request, {"csrf_failure": True})
