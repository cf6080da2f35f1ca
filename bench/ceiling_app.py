"""The ceiling of the Python stack: a minimal WSGI app that answers every request with the article's
exact bytes and headers, read once at start-up from BENCH_CEILING_DIR (body.html, headers.json).
Served by the same gunicorn with the same settings as the site, so the gap between the two is the
cost of the application alone."""

import json
import os
from pathlib import Path

_folder = Path(os.environ["BENCH_CEILING_DIR"])
_body = (_folder / "body.html").read_bytes()
_headers = [(name, value) for name, value in json.loads((_folder / "headers.json").read_text())]
_headers.append(("Content-Length", str(len(_body))))


def application(environ, start_response):
    start_response("200 OK", _headers)
    return [_body]
