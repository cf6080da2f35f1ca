"""Queries per page, counted in-process by Django (CaptureQueriesContext) against an archive's database,
with the application's page cache off: what a cache miss costs in queries.

Run by bench/run.py as `python -m bench.pagestats '{"label": ["GET", "/path/"], ...}'` with the site's
environment; prints `BENCH_RESULT {"label": {"status": 200, "queries": 5}, ...}`."""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit


def count_queries(pages: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    site = urlsplit(settings.SITE_URL)
    headers = {"host": site.netloc, "origin": settings.SITE_URL, "accept": "application/json"}
    counts = {}
    for label, (method, path) in pages.items():
        # The first request of a process fills Django's own caches (URLs, templates, content types):
        # the count that matters is the second. Each POST is a new visitor (a fresh client, no cookie).
        for _ in range(2):
            client = Client()
            with CaptureQueriesContext(connection) as queries:
                response = client.generic(method, path, headers=headers)
        counts[label] = {"status": response.status_code, "queries": len(queries)}
    return counts


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    os.environ["IDARE_PAGE_CACHE"] = "0"
    import django

    django.setup()
    print("BENCH_RESULT " + json.dumps(count_queries(json.loads(argv[0]))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
