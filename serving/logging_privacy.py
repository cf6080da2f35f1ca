"""Logs without personal data: no client addresses, no request lines or query strings, no Host
values, no tracebacks for requests refused on purpose.

- `OneLineSecurityFilter` (LOGGING, on `django.security`): "DisallowedHost: refused GET /path" and
  nothing more. Django's message quotes the Host header, which a visitor chooses, and adds a whole
  traceback for what is an ordinary refusal.
- `NoQueryStringFilter` (LOGGING, on `django.server`, the development server's request log): the
  request line without its query string, so a search (what someone in crisis typed) never reaches
  the log of `make run` either.
- `PrivateGunicornLogger` (gunicorn.conf.py's logger_class): gunicorn's error log otherwise writes
  "Invalid request from ip=<address>: <part of the request line>" and request URIs with their
  query strings; its access log gets the path and nothing a visitor sends besides it.
- `NoCapabilityFilter` (LOGGING, on every handler, and both gunicorn logs): a path that carries a
  capability (a withdraw, confirmation or preview link, whose holder may delete an enquiry or read
  a draft) is written with `<token>` in its place, wherever in a line it appears ("Not Found: …",
  "csrf: refused POST …", the request log), and so is anything shaped like a signed value.
"""

from __future__ import annotations

import itertools
import logging
import re
from functools import lru_cache
from urllib.parse import unquote

from gunicorn.glogging import Logger

IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
IPV6 = r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"
ADDRESS = re.compile(f"{IPV4}|{IPV6}")
INVALID_REQUEST = re.compile(r"^Invalid request from ip=\S*: ")
HANDLING_REQUEST = re.compile(r"^Error handling request (?P<method>[A-Z]+) (?P<path>[^?#\s]*)")


class OneLineSecurityFilter(logging.Filter):
    """For the `django.security.*` loggers: the kind of refusal, the method and the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        kind = record.name.rpartition(".")[2]
        request = getattr(record, "request", None)
        where = f" {request.method} {request.path}" if request is not None and hasattr(request, "path") else ""
        why = ""
        if kind == "csrf" and record.args:  # Django's reason, without the Origin or Referer it quotes
            why = f" ({str(record.args[0]).split(' - ')[0].strip()})"
        record.msg, record.args = f"{kind}: refused{where}{why}", ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


QUERY_STRING = re.compile(r"\?[^\s\"]*")
REQUEST_PATH = re.compile(r"(?<=\")(?P<method>[A-Z]+) (?P<path>\S+)")


class NoQueryStringFilter(logging.Filter):
    """The development server's request line: its path as Django reads it (percent-decoded, so an
    encoded token is recognised too), without its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = QUERY_STRING.sub("", record.getMessage())
        record.msg = REQUEST_PATH.sub(lambda m: f"{m['method']} {unquote(m['path'])}", message, count=1)
        record.args = ()
        return True


# --- capabilities ---------------------------------------------------------------------------------

# Path parameters that are capabilities: whoever holds the path may act on it. Every other parameter
# of every route is public (tests/operations/test_log_capabilities.py makes each new one a decision).
SECRET_PARAMETERS = frozenset({"token"})
TOKEN = "<token>"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
# What Django's signing writes (value, then a timestamp, then a 43-character SHA-256 signature,
# colon-separated): a backstop for a signed value that reaches a line by a way no route names.
SIGNED_VALUE = re.compile(r"(?:[\w.-]+:)+[\w-]{43}(?![\w-])")


def capability_routes() -> list[str]:
    """The full route of every URL pattern with a secret parameter, e.g. "/blog/preview/<str:token>/"."""
    from django.urls import URLResolver, get_resolver

    routes = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif SECRET_PARAMETERS & set(pattern.pattern.regex.groupindex):
                routes.append(route)

    walk(get_resolver().url_patterns, "/")
    return routes


def _route_regex(route: str, number: itertools.count) -> str:
    """A route as a regex found anywhere in a line: repeated slashes, a missing trailing slash or
    a cut-off token (none of which Django would resolve) still match, so the token never shows."""
    parts, end = [], 0
    for match in PARAMETER.finditer(route):
        parts.append(re.escape(route[end:match.start()]).replace("/", "/+"))
        segment = r"[^\s\"'?#]+" if match["converter"] == "path" else r"[^/\s\"'?#]+"
        parts.append(f"(?P<secret{next(number)}>{segment})" if match["parameter"] in SECRET_PARAMETERS
                     else segment)
        end = match.end()
    return "".join(parts)


@lru_cache(maxsize=1)
def _compiled_capability_routes() -> re.Pattern:
    number = itertools.count()
    return re.compile("|".join(f"(?:{_route_regex(route, number)})" for route in capability_routes()))


def _capability_pattern() -> re.Pattern | None:
    """None until Django is set up (gunicorn's master logs before it loads the site): no request
    has been answered then, so only the signed-value backstop is needed."""
    from django.apps import apps

    return _compiled_capability_routes() if apps.ready else None


def _without_secrets(match: re.Match) -> str:
    text, start = match[0], match.start()
    for name, value in match.groupdict().items():
        if value is not None and name.startswith("secret"):
            begin, end = match.span(name)
            text = text[:begin - start] + TOKEN + text[end - start:]
    return text


def redact(text: str) -> str:
    """The text with every capability in a path, and every signed value, replaced by `<token>`."""
    if pattern := _capability_pattern():
        text = pattern.sub(_without_secrets, text)
    return SIGNED_VALUE.sub(TOKEN, text)


class NoCapabilityFilter(logging.Filter):
    """For every handler: the message, and any traceback, with capabilities redacted."""

    formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def scrub(message: str) -> str:
    """gunicorn's error log lines, with what identifies a visitor or what they asked for removed."""
    if invalid := INVALID_REQUEST.match(message):
        # The rest quotes the request line or a header: keep only what kind of error it was.
        kind = re.split(r"[:'\"]", message[invalid.end():], maxsplit=1)[0].strip()
        return f"Invalid request ({ADDRESS.sub('<address>', kind) or 'unreadable'})"
    if message.startswith("Error handling request"):
        # The method and the path stay (the access log has them too); the query string goes.
        if handling := HANDLING_REQUEST.match(message):
            return f"Error handling request {handling['method']} {handling['path']}"
        return "Error handling request"
    if message.startswith("Listening at: "):  # the server's own address, not a visitor's
        return message
    return ADDRESS.sub("<address>", message)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(scrub(record.getMessage())), ()
        return True


# The access log's atoms that say nothing about who asked or what else they sent: no address, user,
# query string, referrer, user agent, header or environment variable, whatever the format names.
ACCESS_ATOMS = ("t", "m", "s", "H", "b", "B", "T", "D", "M", "L", "p")


class PrivateGunicornLogger(Logger):
    """gunicorn's logger with every error-log line scrubbed, and an access log of the redacted path
    and the atoms above only (an atom the format names beyond them is written "-")."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, ScrubFilter) for f in self.error_log.filters):
            self.error_log.addFilter(ScrubFilter())

    def atoms(self, resp, req, environ, request_time):
        everything = super().atoms(resp, req, environ, request_time)
        atoms = {name: everything[name] for name in ACCESS_ATOMS}
        atoms["U"] = redact(environ.get("PATH_INFO", ""))
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms
