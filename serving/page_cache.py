"""Finished reading pages, answered before Django runs.

Reading pages are the same for every anonymous reader, so a finished response (status, headers,
body) can be kept and answered again without middleware, views, templates or queries. A view opts
in with `serving.cache_headers.shared_cache(...)`; this handler keeps what it marked, in two tiers:

- in this process (a dict): a hit costs a lookup and a header check, nothing else;
- in Django's cache (local memory by default, Redis when REDIS_URL is set), so that with several
  servers a page one of them rendered serves the others too.

Content changes bump one version number in the database: a change to any model of the project's apps
does, unless the model says `shown_to_readers = False` (`connect`). A thread in each process reads
that number every IDARE_PAGE_CACHE_CHECK seconds, so a request never waits for it (a hit makes no
round trip at all, and a database that hangs holds up only that thread), and a change reaches every
worker and server within that interval. Entries also carry their own lifetime, which views shorten
for pages that show live counts or that a scheduled publication would change.

Never kept: anything but a 200 to a GET, a response that sets a cookie or varies on one, a request
from a signed-in member of staff, and anything a view did not mark. A page marked with `kept_here`
(search results: what people search for stays on the server that answered) is kept in this process
only, never in the shared cache, and its own Cache-Control keeps it out of browsers and CDNs.

Nothing a client sends turns the cache off: a session cookie counts only when it is a live staff
session (staff.sessions; a forged one costs one lookup and gets the kept page), and the key holds
only the query parameters the view declared (`reads_query`), so `?utm_source=...` or a made-up
parameter is the same kept page, not a new render and a new entry."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError, close_old_connections, connection, connections
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict, parse_cookie
from django.http.request import TooManyFieldsSent

from staff.sessions import is_staff_session

logger = logging.getLogger("idare.pagecache")  # the name operators know it by, from before it moved
MARK = "shared_cache_seconds"  # set on a response by serving.cache_headers.shared_cache
READS = "shared_cache_reads_query"  # likewise: the query parameters the page depends on
LOCAL_ONLY = "page_cache_local_only"  # set by serving.cache_headers.kept_here: this process only
NOT_FORWARDED = {"set-cookie", "date", "server", "connection"}


@dataclass(frozen=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    version: int
    expires: float  # time.time()
    kept_at: float | None = None  # time.time(); None in entries kept before it was recorded

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


class PageCacheHandler(WSGIHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries: dict[tuple, Entry] = {}
        self.kept_bytes = 0  # what self.entries holds, by footprint()
        self.lock = threading.Lock()
        self.watcher = VersionWatcher()
        self.reads: dict[str, tuple[str, ...]] = {}  # path → the query parameters its page reads

    # --- answering --------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        address = page_address(environ, self.reads)
        version = self.watcher.current() if address is not None else None
        if version is not None:  # None until the first reading of the version: keep nothing yet
            key = self.cache_key(address, self.reads_of(address[2], version))
            entry = self.fresh_entry(key, version) if key is not None else None
            if entry is not None:
                return answer(entry, environ, start_response)
            environ["idare.page_cache_address"] = address
            environ["idare.page_cache_version"] = version
        return super().__call__(environ, start_response)

    def reads_of(self, path: str, version: int) -> tuple[str, ...] | None:
        """The query parameters the page at `path` reads, as its view declared them the last time
        it rendered here or on another server; None for a page not known to be a reading page."""
        reads = self.reads.get(path)
        if reads is None:
            try:
                reads = caches[settings.IDARE_PAGE_CACHE_ALIAS].get(shared_key(("reads", path), version))
            except Exception:  # noqa: BLE001 - as below: render instead
                return None
            if not isinstance(reads, tuple):
                return None
            with self.lock:
                learn(self.reads, path, reads)
        return reads

    @staticmethod
    def cache_key(address: tuple, reads: tuple[str, ...] | None) -> tuple | None:
        """The address with only the query parameters its page reads: every other query string is
        the same page. None when that is not known yet, or for a query string Django would refuse."""
        if reads is None:
            return None
        scheme, host, path, query = address
        kept = query_reads(query, reads)
        return None if kept is None else (scheme, host, path, kept)

    def fresh_entry(self, key: tuple, version: int) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None or entry.version != version or entry.expires <= time.time():
            entry = self.shared_entry(key, version)
            if entry is None:
                return None
            with self.lock:
                self.keep_locally(key, entry)
        return entry

    # --- keeping ----------------------------------------------------------------------------

    def get_response(self, request):
        response = super().get_response(request)
        seconds = getattr(response, MARK, 0)
        if seconds <= 0 or request.method != "GET" or response.status_code != 200:
            return response
        reads = getattr(response, READS, ())
        with self.lock:
            learn(self.reads, request.path_info, reads)
        address = request.META.get("idare.page_cache_address")
        version = request.META.get("idare.page_cache_version")
        key = self.cache_key(address, reads) if address is not None else None
        if key is None or version is None or not storable(request, response):
            return response
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_FORWARDED]
        now = time.time()
        entry = Entry(f"{response.status_code} {response.reason_phrase}", headers, response.content, version,
                      now + seconds, now)
        with self.lock:
            self.keep_locally(key, entry)
        if getattr(response, LOCAL_ONLY, False):
            return response
        try:
            caches[settings.IDARE_PAGE_CACHE_ALIAS].set_many(
                {shared_key(key, version): entry, shared_key(("reads", key[2]), version): tuple(reads)},
                timeout=seconds)
        except Exception:  # noqa: BLE001 - a shared cache that is down must not break a page
            logger.warning("page cache: the shared cache did not take a page", exc_info=False)
        return response

    def keep_locally(self, key: tuple, entry: Entry) -> None:
        """Within IDARE_PAGE_CACHE_ENTRIES and IDARE_PAGE_CACHE_BYTES, the oldest kept going first."""
        previous = self.entries.pop(key, None)
        if previous is not None:
            self.kept_bytes -= footprint(previous)
        size = footprint(entry)
        if size > settings.IDARE_PAGE_CACHE_BYTES:
            return
        while self.entries and (len(self.entries) >= settings.IDARE_PAGE_CACHE_ENTRIES
                                or self.kept_bytes + size > settings.IDARE_PAGE_CACHE_BYTES):
            self.kept_bytes -= footprint(self.entries.pop(next(iter(self.entries))))
        self.entries[key] = entry
        self.kept_bytes += size

    def shared_entry(self, key: tuple, version: int) -> Entry | None:
        try:
            entry = caches[settings.IDARE_PAGE_CACHE_ALIAS].get(shared_key(key, version))
        except Exception:  # noqa: BLE001 - as above: render instead
            return None
        if isinstance(entry, Entry) and entry.version == version and entry.expires > time.time():
            return entry
        return None

def page_address(environ, reads: dict[str, tuple[str, ...]]) -> tuple | None:
    """Where a reading page may be asked for: scheme, host, path and query. None when the request
    must go to Django untouched: another method, credentials, or a valid staff session.

    A session cookie alone changes nothing on a page known to be a reading page: unless the session
    is a live staff one (staff.sessions, one lookup), the request is an anonymous reader's, and Django
    sees it without the cookie, so its page is kept and no answer deletes or sets a cookie. Anywhere
    else (the admin, a sign-in halfway through) the cookie goes to Django as it came."""
    if not settings.IDARE_PAGE_CACHE or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if "HTTP_AUTHORIZATION" in environ:
        return None
    path = environ.get("PATH_INFO", "")
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.SESSION_COOKIE_NAME in cookies:
        session_key = parse_cookie(cookies).get(settings.SESSION_COOKIE_NAME)
        if session_key is not None:
            if path not in reads or is_staff_session(session_key):
                return None
            environ["HTTP_COOKIE"] = without_cookie(cookies, settings.SESSION_COOKIE_NAME)
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", environ.get("wsgi.url_scheme", "http"))
    host = environ.get("HTTP_HOST", environ.get("SERVER_NAME", "")).lower()
    return (scheme, host, path, environ.get("QUERY_STRING", ""))


def without_cookie(header: str, name: str) -> str:
    return "; ".join(part.strip() for part in header.split(";")
                     if part.strip() and part.split("=", 1)[0].strip() != name)


def query_reads(query: str, reads: tuple[str, ...]) -> tuple | None:
    """The values of the parameters `reads` as Django would read them from `query`, in one order."""
    if not reads or not query:
        return ()
    try:
        parsed = QueryDict(query.encode("iso-8859-1"), encoding=settings.DEFAULT_CHARSET)
    except (TooManyFieldsSent, UnicodeError):
        return None
    return tuple((name, value) for name in sorted(reads) for value in parsed.getlist(name))


def learn(reads: dict[str, tuple[str, ...]], path: str, declared: tuple[str, ...]) -> None:
    """Remembers what a reading page's view reads: only paths that answered a kept page get here,
    as many as the site has reading pages (bounded all the same)."""
    if path not in reads and len(reads) >= settings.IDARE_PAGE_CACHE_ENTRIES:
        reads.pop(next(iter(reads)))
    reads[path] = tuple(declared)


def footprint(entry: Entry) -> int:
    """About what an entry costs this process: its body, its headers and a little for the objects."""
    return len(entry.body) + sum(len(name) + len(value) + 100 for name, value in entry.headers) + 500


def shared_key(key: tuple, version: int) -> str:
    return f"page:{version}:{hashlib.sha256(repr(key).encode()).hexdigest()}"


def storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and ("public" in response.get("Cache-Control", "") or getattr(response, LOCAL_ONLY, False))
    )


def answer(entry: Entry, environ, start_response):
    """The kept response, or 304 when the reader's copy is still the same. Either says its Age, so
    that the reader's browser (or a CDN) keeps it only for what is left of its max-age: a page kept
    until the next opening of a helpline must not be kept past it downstream."""
    headers = [*entry.headers, *age(entry)]
    if not_modified(entry, environ):
        keep = {"cache-control", "etag", "last-modified", "expires", "vary", "age"}
        start_response("304 Not Modified", [(k, v) for k, v in headers if k.lower() in keep])
        return [b""]
    start_response(entry.status, headers)
    return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]


def age(entry: Entry) -> list[tuple[str, str]]:
    if entry.kept_at is None:
        return []
    # Rounded up: a copy downstream may expire a little early, never late.
    return [("Age", str(max(0, math.ceil(time.time() - entry.kept_at))))]


def not_modified(entry: Entry, environ) -> bool:
    etag = entry.header("ETag")
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag is not None and ("*" in wanted or etag.removeprefix("W/") in wanted)
    last_modified, since = entry.header("Last-Modified"), environ.get("HTTP_IF_MODIFIED_SINCE")
    if last_modified and since:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


# --- the version, and what changes it ---------------------------------------------------------

class VersionWatcher:
    """The content version as this process last read it, kept fresh by a background thread."""

    def __init__(self):
        self.version: int | None = None
        self.thread: threading.Thread | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def current(self) -> int | None:
        if settings.IDARE_PAGE_CACHE_CHECK <= 0:  # read on every request (tests use this)
            self.read()
            return self.version
        if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
            with self.lock:  # a forked worker inherits no threads: each process starts its own
                if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                    self.pid = os.getpid()
                    self.thread = threading.Thread(target=self.watch, name="page-cache-version", daemon=True)
                    self.thread.start()
        return self.version

    def watch(self) -> None:
        try:
            while settings.IDARE_PAGE_CACHE_CHECK > 0 and not self.stopping.is_set():
                close_old_connections()  # this thread's own connection: obsolete or broken ones go
                self.read()
                self.stopping.wait(settings.IDARE_PAGE_CACHE_CHECK)
        finally:
            connections.close_all()

    def stop(self) -> None:
        """Ends the thread and closes its connection (tests, which drop their database after)."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def read(self) -> None:
        try:
            self.version = read_version()
        except DatabaseError:
            # The database is away: pages already kept are served until they expire; everything
            # else reaches Django, which answers with the calm 503 (or /help/ from its snapshot).
            connection.close()
            logger.warning("page cache: could not read the content version")


def read_version() -> int:
    from core.models import ContentVersion

    return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_version(**kwargs) -> None:
    """Every page kept anywhere is out of date from the moment this commits."""
    from django.db.models import F

    from core.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(version=F("version") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})


@functools.cache
def shown_to_readers(model) -> bool:
    """Whether a change to this model's rows can change a page readers get. Every model of the
    project's own apps is, unless its class says `shown_to_readers = False` (votes, enquiries, rate
    counters...): an app cannot forget to invalidate, only choose not to, in writing, next to the
    model. Django's own and third-party models (sessions, the lockout) are not."""
    if model._meta.auto_created:  # a many-to-many table: it belongs to the model that declares the field
        return shown_to_readers(model._meta.auto_created)
    config = apps.get_containing_app_config(model.__module__)  # None: Django's migration records
    if config is None or not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
        return False
    return getattr(model, "shown_to_readers", True)


def _changed(sender, action: str = "post_", **kwargs) -> None:
    if action.startswith("post_") and shown_to_readers(sender):  # m2m_changed: after the change, not before
        bump_version()


def connect() -> None:
    """Every change to a model readers see, in any app, makes every kept page out of date."""
    post_save.connect(_changed, dispatch_uid="serving.page_cache:save", weak=False)
    post_delete.connect(_changed, dispatch_uid="serving.page_cache:delete", weak=False)
    m2m_changed.connect(_changed, dispatch_uid="serving.page_cache:m2m", weak=False)
