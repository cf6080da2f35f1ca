"""Upvoting and sharing in Debian Chromium: with and without JavaScript, on the site's own origin."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from blog.models import Post, ShareCount, Vote
from tests.browser.helpers import ARTICLE, ARTICLE_SLUG, assert_no_axe_violations, visit

pytestmark = pytest.mark.browser


def upvote_button(page):
    return page.get_by_role("button", name="Upvote")


def test_upvote_with_javascript_updates_the_count_and_pressed_state_and_speaks_without_a_reload(browsing):
    page = browsing.new_page()
    visit(page, ARTICLE)
    page.evaluate("window.stillTheSamePage = true")
    button, count = upvote_button(page), page.locator("[data-upvote-count]")
    status = page.get_by_role("status").filter(has_text="pvote")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text("0")

    expect(button).to_have_text("Upvote")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Upvoted")  # the button says what is so once pressed
    expect(count).to_have_text("1")
    expect(page.locator("[data-upvote-status]")).to_have_text("Upvoted. Thank you! 1 upvote.")
    expect(page.locator("[data-upvote-status]")).to_have_attribute("role", "status")
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded"
    assert Vote.objects.filter(post__slug=ARTICLE_SLUG).count() == 1
    assert_no_axe_violations(page, "the article after an upvote")

    page.reload()  # the same page for everyone; the script fetches this visitor's own state
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "true")
    upvote_button(page).click()
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-upvote-count]")).to_have_text("0")
    expect(upvote_button(page)).to_have_text("Upvote")
    expect(status).to_have_text("Upvote taken back. 0 upvotes.")
    assert Post.objects.get(slug=ARTICLE_SLUG).upvote_count == 0
    page.recorder.assert_clean()


def test_upvote_without_javascript_posts_the_form_and_comes_back_to_the_article(browsing, live_server):
    page = browsing.new_page(java_script_enabled=False)
    visit(page, ARTICLE)
    upvote_button(page).click()
    expect(page).to_have_url(f"{live_server.url}{ARTICLE}?voted=1#upvote")
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(upvote_button(page)).to_have_text("Upvoted")
    expect(page.locator("[data-upvote-count]")).to_have_text("1")
    expect(page.locator("[data-upvote-status]")).to_contain_text("Thank you: your upvote is counted")
    upvote_button(page).click()
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-upvote-status]")).to_contain_text("Your upvote was taken back")
    assert Post.objects.get(slug=ARTICLE_SLUG).upvote_count == 0
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()  # needs the script
    page.recorder.assert_clean()


def test_only_voting_sets_a_cookie_and_it_is_httponly(browsing):
    page = browsing.new_page()
    visit(page, ARTICLE)
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "false")
    page.wait_for_load_state("networkidle")  # the state request has come back
    assert page.context.cookies() == []
    upvote_button(page).click()
    expect(upvote_button(page)).to_have_attribute("aria-pressed", "true")
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == ["idare_voter"]
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""


def test_copy_link_copies_the_articles_address_and_is_counted(browsing):
    page = browsing.new_page(permissions=["clipboard-write"])
    # The site's Permissions-Policy turns clipboard reading off, for the test too: note what is written.
    page.add_init_script("window.copied = []; const clipboard = navigator.clipboard;"
                         " const write = clipboard.writeText.bind(clipboard);"
                         " clipboard.writeText = (text) => { window.copied.push(text); return write(text); };")
    visit(page, ARTICLE)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-share-status]")).to_have_text("Link copied.")
    assert page.evaluate("window.copied") == [f"{settings.SITE_URL}{ARTICLE}"]
    page.wait_for_load_state("networkidle")
    assert ShareCount.objects.get(post__slug=ARTICLE_SLUG, network="copy").clicks == 1
    page.recorder.assert_clean()


def test_a_share_link_click_is_sent_on_to_the_network_and_counted_once(browsing):
    """The click leaves for WhatsApp (there is no internet here, so that page cannot load): what
    matters is our redirect and our count, made from the browser's own Fetch Metadata."""
    page = browsing.new_page()
    visit(page, ARTICLE)
    with page.expect_response(lambda response: response.url.endswith("/share/whatsapp/")) as answer:
        page.get_by_role("link", name="WhatsApp").click()
    assert answer.value.status == 302
    location = answer.value.headers["location"]
    assert location.startswith("https://wa.me/?text=") and ARTICLE_SLUG in location
    assert ShareCount.objects.get(post__slug=ARTICLE_SLUG, network="whatsapp").clicks == 1
