"""A sensitive article in Debian Chromium on a phone and a desktop: the content note and the
numbers to call are in the first screen, nothing asks for upvotes or shares, axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_axe_violations, visit
from tests.factories import make_sensitive_post

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_sensitive_article_leads_with_its_note_and_help_and_passes_axe(browsing, viewport):
    post = make_sensitive_post(title="Living with thoughts of suicide",
                               content_note="This article talks about suicide.",
                               body="## What helps\n\n" + "Careful words about getting through a hard night. " * 40)
    page = browsing.new_page(viewport=VIEWPORTS[viewport])
    visit(page, post.get_absolute_url())
    note = page.locator(".sensitive-note")
    expect(note).to_contain_text("This article talks about suicide.")
    for link in (note.locator('a[href="tel:112"]'), note.locator('a[href="tel:14416"]'),
                 note.get_by_role("link", name="More helplines, and other ways to get help")):
        expect(link).to_be_visible()
        assert in_first_screen(page, link), f"{link} is below the first screen on a {viewport}"
    assert page.locator(".help-box").count() == 2
    expect(page.locator(".engagement")).to_have_count(0)
    expect(page.get_by_role("button", name="Upvote")).to_have_count(0)
    page.screenshot(path=f"/tmp/sensitive-article-{viewport}.png")
    assert_no_axe_violations(page, f"a sensitive article on a {viewport}")
    page.recorder.assert_clean()  # article.js runs without the upvote and share blocks, with no error
