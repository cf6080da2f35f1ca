"""Offline help and Quick exit in Chromium: the service worker keeps /help/ and /offline/ and
nothing else, and /exit/ clears it (support/offline.py)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from support.models import Helpline
from tests.browser.helpers import ARTICLE, assert_no_axe_violations, intercept_neutral_site

pytestmark = pytest.mark.browser

KEPT = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    kept[name] = (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
  }
  return kept;
}"""
REGISTRATIONS = "navigator.serviceWorker.getRegistrations().then((all) => all.map((r) => new URL(r.scope).pathname))"


def active_numbers() -> set[str]:
    return {uri for line in Helpline.objects.active() for _, uri in line.dial_links}


def tel_links(page) -> set[str]:
    return set(page.locator("main a[href^='tel:']").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))"))


def worker_in_control(page):
    """Open a page, wait until the worker has kept its two pages and controls the next one."""
    page.goto("/", wait_until="load")
    scope = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == f"{page.url.rstrip('/')}/"
    page.goto("/help/", wait_until="load")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    return page


def test_help_works_offline_and_every_other_page_shows_the_offline_page(browsing):
    expected = active_numbers()
    assert len(expected) >= 4
    page = worker_in_control(browsing.new_page(service_workers="allow"))
    page.goto(ARTICLE, wait_until="load")
    page.goto("/help/", wait_until="load")
    page.recorder.assert_clean()

    page.context.set_offline(True)
    page.reload(wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    assert expected <= tel_links(page)

    page.goto(ARTICLE, wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_have_text("The connection seems to be gone")
    assert expected | {"tel:112"} <= tel_links(page)
    page.goto("/search/?q=something+private", wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_have_text("The connection seems to be gone")

    kept = page.evaluate(KEPT)
    assert len(kept) == 1 and re.fullmatch(r"idare-help-[0-9a-f]{16}", next(iter(kept)))
    assert list(kept.values()) == [["/help/", "/offline/"]], f"the worker kept more than help: {kept}"


def test_the_offline_page_passes_axe(browsing):
    page = browsing.new_page(service_workers="allow")
    page.goto("/offline/", wait_until="load")
    assert_no_axe_violations(page, "the offline page")
    page.recorder.assert_clean()


def test_quick_exit_removes_the_worker_and_everything_it_kept(browsing):
    page = worker_in_control(browsing.new_page(service_workers="allow"))
    assert page.evaluate(KEPT)
    intercept_neutral_site(page, settings.QUICK_EXIT_URL)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.goto("/robots.txt", wait_until="load")  # a page of the site that runs no script (none re-registers)
    assert page.evaluate(KEPT) == {}
    assert page.evaluate(REGISTRATIONS) == []
    page.recorder.assert_clean()
