"""Share links without third-party code: each network's own share address, built from an allowlist
and the article's canonical URL, so nothing in a request can choose where a reader is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponseRedirect

from core.origin import is_same_origin


class ShareRedirect(HttpResponseRedirect):
    """A 302 that may also open the reader's mail program (HttpResponseRedirect refuses mailto:)."""

    allowed_schemes = ["https", "mailto"]


@dataclass(frozen=True)
class Network:
    label: str
    build: Callable[[str, str, str], str]  # (url, title, excerpt) -> the network's share address

    def redirect(self, post) -> ShareRedirect:
        return ShareRedirect(self.build(post.canonical_url, post.title, post.excerpt))


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)  # %20 for spaces: mail programs read no "+"


LINK_NETWORKS = {
    "whatsapp": Network("WhatsApp", lambda url, title, _: "https://wa.me/?" + _query(text=f"{title} {url}")),
    "x": Network("X", lambda url, title, _: "https://x.com/intent/post?" + _query(text=title, url=url)),
    "facebook": Network("Facebook", lambda url, *_: "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
    "linkedin": Network("LinkedIn",
                        lambda url, *_: "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)),
    "telegram": Network("Telegram", lambda url, title, _: "https://t.me/share/url?" + _query(url=url, text=title)),
    "email": Network("E-mail", lambda url, title, excerpt: "mailto:?"
                     + _query(subject=title, body=f"{excerpt}\n\n{url}")),
}
# Counted by the page's script with a POST: copying the link, or the device's own share menu.
SCRIPT_NETWORKS = {"copy", "device"}


def opened_from_this_site(request: HttpRequest) -> bool:
    """A share link clicked on one of our pages. The links carry rel="noreferrer", so the browser's
    Fetch Metadata (which no page can forge) says so; a same-origin Referer or Origin also counts.
    Anything else (a crawler, a link posted elsewhere, an <img> on another site) is sent on its way
    but not counted."""
    return request.headers.get("Sec-Fetch-Site") == "same-origin" or is_same_origin(request)
