import logging

from django.db import InterfaceError, OperationalError

from idare.views import render_error_page

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
            page = render_error_page(503)
            page["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page
        return None


def describe_database_error(exception: Exception) -> str:
    """The driver's error class and SQLSTATE, e.g. "QueryCanceled (57014)". The message is left
    out: PostgreSQL's can quote the values of a row."""
    cause = exception.__cause__ or exception
    sqlstate = getattr(cause, "sqlstate", None)
    return f"{cause.__class__.__name__}" + (f" ({sqlstate})" if sqlstate else "")
