"""Fixtures for the browser tests: one Debian Chromium per session, a fresh context per test.

Every context blocks (and records) any request that leaves the live server, and every page records
console errors, Content-Security-Policy violations and uncaught exceptions, so each test can assert
that the site stayed on its own origin and ran cleanly.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# As the contexts' own default (below): with the suite on both cores, two browsers and two app
# servers share the machine's two cores, and an upload re-encoded by Pillow may take longer than 5 s.
expect.set_options(timeout=10_000)

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse
# database access from fixtures and the live server ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = (
    "!!! CHROMIUM IS MISSING: the browser tests need Debian's Chromium at /usr/bin/chromium. "
    "Install it with `apt-get install chromium` (as root) and run the tests again. !!!"
)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), port


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session. Missing Chromium: fail on CI, skip (loudly) elsewhere."""
    problem = None
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problem = CHROMIUM_MISSING
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:  # pragma: no cover - the test extra installs it
            problem = "Playwright is not installed: pip install -e '.[test]'"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def site_content(transactional_db, settings):
    """The real content/ imported into the database the live server reads (committed, not rolled
    back), shown as `make run` shows it: a demo, so the labelled example listings are there."""
    settings.IDARE_DEMO = True
    call_command("import_content", stdout=io.StringIO())


@pytest.fixture
def editor(django_user_model, site_content):
    """A superuser with a password the browser tests type (tests/browser/test_admin_editor.py: sign_in)."""
    return django_user_model.objects.create_user(
        "editor", "editor@example.com", "a long editor password", is_staff=True, is_superuser=True
    )


@dataclass
class Recorder:
    """What one browser context did that it should not have: left the origin, logged errors."""

    origin: tuple
    third_party: list = field(default_factory=list)
    console: list = field(default_factory=list)

    def is_own(self, url: str) -> bool:
        return _origin(url) == self.origin

    def on_console(self, page_url: str, message) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            source = (message.location or {}).get("url") or "?"
            self.console.append(f"[{message.type}] on {page_url}: {text} (source: {source})")

    def problems(self) -> list[str]:
        lines = [f"request to another origin (blocked): {url}" for url in self.third_party]
        lines += [f"console/CSP/script error: {line}" for line in self.console]
        return lines

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "The page was not clean:\n  " + "\n  ".join(problems)


class Browsing:
    """Makes browser contexts against the live server, each one guarded by a Recorder."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.contexts = []

    def new_page(self, **context_options):
        # Requests a service worker answers bypass context.route, so the third-party guard would not
        # see them: the site's worker runs only where a test asks for it (tests/browser/test_offline.py).
        context_options.setdefault("service_workers", "block")
        context = self.browser.new_context(base_url=self.base_url, **context_options)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        self.contexts.append(context)
        recorder = Recorder(origin=_origin(self.base_url))

        def guard(route):
            url = route.request.url
            if recorder.is_own(url) or not url.startswith(("http:", "https:", "ws:", "wss:")):
                route.continue_()
                return
            recorder.third_party.append(url)
            route.abort("blockedbyclient")

        context.route("**/*", guard)

        def watch(page):
            page.on("console", lambda message: recorder.on_console(page.url, message))
            page.on("pageerror", lambda error: recorder.console.append(f"[uncaught] on {page.url}: {error}"))

        page = context.new_page()
        watch(page)
        page.recorder = recorder
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, live_server, site_content):
    browsing = Browsing(browser, live_server.url)
    yield browsing
    browsing.close()
