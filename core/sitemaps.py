"""The sitemap's shared pieces: every address in it comes from SITE_URL, never from the request's
Host, and each app lists its own pages (blog/sitemaps.py, support/sitemaps.py, engage/sitemaps.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteSitemap(Sitemap):
    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class NamedPages(SiteSitemap):
    """Pages with fixed addresses, given by URL name."""

    url_names: list[str] = []

    def items(self) -> list[str]:
        return self.url_names

    def location(self, name: str) -> str:
        return reverse(name)
