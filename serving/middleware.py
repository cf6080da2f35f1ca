import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.views import render_error_page

RETRY_AFTER_SECONDS = 30
logger = logging.getLogger("idare.database")


class FriendlyErrorPagesMiddleware:
    """Gives bare error answers the site's design and its help link: Django's 405 has an empty
    body, and an unreachable database should read as "back soon" (503), not as a crash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (405, 429, 503) and not response.content and not response.streaming:
            page = render_error_page(response.status_code, request)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    page[header] = response[header]
            return page
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            # The kind of failure and the page's path, never the query, its parameters or the visitor.
            logger.error("database unavailable during %s %s: %s", request.method, request.path,
                         describe_database_error(exception))
            # A form sent while the database is away was not kept: the page must say so plainly.
            page = render_error_page(503, context={"not_sent": request.method == "POST"})
            page["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page
        return None


def describe_database_error(exception: Exception) -> str:
    """The driver's error class and SQLSTATE, e.g. "QueryCanceled (57014)". The message is left
    out: PostgreSQL's can quote the values of a row."""
    cause = exception.__cause__ or exception
    sqlstate = getattr(cause, "sqlstate", None)
    return f"{cause.__class__.__name__}" + (f" ({sqlstate})" if sqlstate else "")


class SecurityHeadersMiddleware:
    """The headers Django has no setting for, on every answer: Permissions-Policy and
    Cross-Origin-Resource-Policy. Sits before WhiteNoise, so static files carry them too; a view
    that set its own (the media view) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answering; says nothing about its dependencies."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class ProbesMiddleware:
    """/healthz and /readyz, answered first: a load balancer asks with its own Host header (or an
    address) over plain HTTP, so neither may depend on ALLOWED_HOSTS or the HTTPS redirect. No URL
    route leads to them: this answers their paths before any URL is resolved."""

    PROBES = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)


def body_limit(*, has_session: bool) -> int:
    """The largest body the site takes; the app server reads no more than this ahead (serving/gunicorn_worker.py)."""
    return settings.IDARE_STAFF_UPLOAD_MAX_BYTES if has_session else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    """Refuses a body larger than the site takes (413) from its Content-Length, before a byte of it
    is read: forms need DATA_UPLOAD_MAX_MEMORY_SIZE at most. Requests with a session (only staff
    have one) may send an image upload (IDARE_STAFF_UPLOAD_MAX_BYTES); Django's and the upload
    view's own checks still apply within either limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit(has_session=settings.SESSION_COOKIE_NAME in request.COOKIES):
            return render_error_page(413)
        return self.get_response(request)
