"""What many test modules share: reading a page as a reader does, walking the URL conf, signing in,
ports and broken connections. Test modules import from here (or from tests/factories.py for data),
never from one another."""

from __future__ import annotations

import contextlib
import io
import re
import time
import wsgiref.util
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.signals import template_rendered
from django.urls import URLPattern, URLResolver, get_resolver

# --- reading HTML ------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.text = []
        self._hidden = 0  # inside <script> or <style>: text no reader sees

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag.lower(), {name.lower(): value or "" for name, value in attrs}))
        if tag.lower() in ("script", "style"):
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag.lower(), {name.lower(): value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag.lower() in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _markup(source) -> str:
    """The HTML of a response, of bytes or of a string."""
    source = getattr(source, "content", source)
    return source.decode() if isinstance(source, bytes) else source


def parse(source) -> _Collector:
    collector = _Collector()
    collector.feed(_markup(source))
    collector.close()
    return collector


def elements(source, tag=None):
    return [(t, attrs) for t, attrs in parse(source).elements if tag is None or t == tag]


TYPOGRAPHIC_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_INLINE = {"a", "abbr", "b", "code", "em", "i", "mark", "small", "span", "strong", "sub", "sup", "time"}


def text_of(source, *, straight_quotes: bool = False) -> str:
    """What a reader sees of a response or of HTML: no tags, scripts or styles, entities decoded,
    whitespace folded to single spaces. straight_quotes: typographic quotes read as plain ones, for
    tests that quote a sentence and do not care how it is typeset."""
    markup = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", _markup(source), flags=re.S | re.I)
    # A block's edge separates words; an inline element's does not ("Help<b>line</b>").
    markup = re.sub(r"</?(\w+)\b[^>]*>", lambda m: m[0] if m[1].lower() in _INLINE else f" {m[0]} ", markup)
    text = " ".join("".join(parse(markup).text).split())
    return text.translate(TYPOGRAPHIC_QUOTES) if straight_quotes else text


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=... content=...> pairs."""
    return {m[0]: m[1] for m in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)}


@contextlib.contextmanager
def renders_nothing():
    """The names of the templates rendered inside the block (empty when a kept page answered)."""
    rendered = []

    def record(sender, **kwargs):
        rendered.append(kwargs["template"].name)

    template_rendered.connect(record)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record)


# --- the URL conf ------------------------------------------------------------------------------------

def url_routes(resolver=None, prefix=(), namespace=""):
    """(pattern pieces from the root, namespaced name or None, the URLPattern) for every route of the
    URL conf, includes followed."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pieces = (*prefix, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_routes(entry, pieces, inner)
        elif isinstance(entry, URLPattern):
            yield pieces, f"{namespace}{entry.name}" if entry.name else None, entry


# --- people ------------------------------------------------------------------------------------------

def signed_in(user_or_role=None, *, second_step: bool = False) -> Client:
    """A client signed in as this user, or as a new staff member of this role (None: a superuser;
    tests/factories.py make_staff). second_step: with the one-time code step done too, as staff who
    can open enquiries must (staff/signin.py)."""
    from django.contrib.auth.models import AbstractBaseUser
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import make_staff

    user = user_or_role if isinstance(user_or_role, AbstractBaseUser) else make_staff(user_or_role)
    client = Client()
    client.force_login(user)
    if second_step:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# The Origin the test client's own pages send (requests from another site are refused, core/origin.py).
SAME_ORIGIN = "http://testserver"


def vote(client: Client, post, *, json_answer: bool = True, **headers):
    """An upvote on the article as the page's script sends it; a header given as None is left out."""
    headers = {"Origin": SAME_ORIGIN, **headers}
    if json_answer:
        headers.setdefault("Accept", "application/json")
    return client.post(f"{post.get_absolute_url()}upvote/", headers={k: v for k, v in headers.items() if v is not None})


# --- the content folder ------------------------------------------------------------------------------

def run_import(content_dir: Path, *args) -> str:
    """`import_content` from this folder; what it printed."""
    out = io.StringIO()
    call_command("import_content", "--content-dir", str(content_dir), *args, stdout=out)
    return out.getvalue()


def records_in(content_dir: Path) -> dict[str, int]:
    """How many records of each kind this content folder holds, read from its files: what a first
    import creates. Tests compare the importer's report with it rather than with today's numbers."""
    import yaml

    def listed(relative: str) -> list:
        path = content_dir / relative
        return (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.exists() else []

    programmes = listed("engage/programmes.yaml")
    return {
        "post": len(list((content_dir / "blog").glob("*.md"))),
        "page": len(list((content_dir / "pages").glob("*.md"))),
        "helpline": len(listed("helplines.yaml")),
        "provider": len(listed("support/providers.yaml")),
        "service": len(listed("support/services.yaml")),
        "support text": len(list((content_dir / "support/texts").glob("*.md"))),
        "programme": len(programmes),
        "session": sum(len(programme.get("sessions") or []) for programme in programmes),
    }


def edit_file(content_dir: Path, relative: str, old: str, new: str) -> None:
    path = content_dir / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- connections, WSGI, threads ----------------------------------------------------------------------

@contextlib.contextmanager
def unreachable_database():
    """The default connection points at a database that is not there (a missing file, a closed
    port), as when the database server goes away under a running site."""
    working = connections["default"]
    settings_dict = {**working.settings_dict}
    if working.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-dir/idare.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    broken = working.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = working


def call(app, path: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    """A request to a WSGI application itself, as gunicorn makes it: (status, headers, body)."""
    environ: dict = {}
    wsgiref.util.setup_testing_defaults(environ)
    path, _, query = path.partition("?")
    environ.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=query, HTTP_HOST="testserver")
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(response_headers)

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        if hasattr(iterable, "close"):
            iterable.close()
    return answer["status"], answer["headers"], body


# Page-cache sites whose watcher thread settle() started; the fresh_caches fixture stops them.
WATCHED: list = []


def settle(*sites, interval: float = 0.05) -> None:
    """Let each site's watcher thread read the committed content version (transactional tests)."""
    from serving.page_cache import read_version

    settings.IDARE_PAGE_CACHE_CHECK = interval
    WATCHED.extend(sites)
    wanted = read_version()
    deadline = time.monotonic() + 10
    for site in sites:
        site.watcher.current()
        while site.watcher.version != wanted:
            assert time.monotonic() < deadline, "the watcher never read the version"
            time.sleep(0.01)  # a real thread reads the version: a frozen clock cannot hurry it
