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
  query strings.
"""

from __future__ import annotations

import logging
import re

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


class NoQueryStringFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = QUERY_STRING.sub("", record.getMessage()), ()
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
        record.msg, record.args = scrub(record.getMessage()), ()
        return True


class PrivateGunicornLogger(Logger):
    """gunicorn's logger with every error-log line scrubbed (the access log's format already leaves
    addresses out: gunicorn.conf.py)."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, ScrubFilter) for f in self.error_log.filters):
            self.error_log.addFilter(ScrubFilter())
