"""The editors' side in a real browser: the admin's Markdown editor previews live, sanitized,
under the same strict Content-Security-Policy as the public site."""

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_markdown_preview_updates_live_and_is_sanitized(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    page.fill("textarea[name=body]", "## A calm heading\n\n<img src=x onerror=alert(1)>Some *gentle* words.")
    preview = page.locator(".markdownx-preview")
    preview.locator("h2#a-calm-heading").wait_for()
    html = preview.inner_html()
    assert "<em>gentle</em>" in html
    assert "onerror" not in html and "<img" not in html
    page.recorder.assert_clean()


def test_editing_a_post_in_the_admin_shows_on_the_site(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    page.goto("/admin/blog/post/")
    page.get_by_role("link", name="Building Trust Through Trust Issues").click()
    page.fill("input[name=subtitle]", "A subtitle changed by an editor")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/post/")
    page.goto("/blog/building-trust-through-trust-issues/")
    assert page.locator(".post__subtitle").inner_text() == "A subtitle changed by an editor"
    page.recorder.assert_clean()
