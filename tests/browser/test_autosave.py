"""Autosave in Chromium: the text typed into an article's form is kept while typing, survives the tab
being closed, and comes back with one button; the page passes axe with its notice showing."""

import pytest
from playwright.sync_api import expect

from blog.models import Autosave, Post
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import reopen, sign_in

pytestmark = pytest.mark.browser


def test_typed_text_is_autosaved_and_restored_after_the_tab_is_closed(browsing, editor):
    post = Post.objects.filter(status=Post.Status.PUBLISHED).first()
    saved_body = post.body
    page = browsing.new_page()
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    status = page.locator("#autosave-status")
    assert status.get_attribute("aria-live") == "polite"
    body = page.locator("#id_body")
    body.click()
    body.press("Control+End")
    body.press_sequentially(" Words typed before the crash.")
    expect(status).to_contain_text("Autosaved at", timeout=15_000)
    typed = body.input_value()
    assert Autosave.objects.get(post=post, user=editor).text["body"] == typed.replace("\r\n", "\n")
    post.refresh_from_db()
    assert post.body == saved_body  # the article itself is untouched
    page.recorder.assert_clean()
    page = reopen(page)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    notice = page.locator("#autosave-notice")
    expect(notice).to_contain_text("differs from the article as last saved")
    expect(page.locator("#id_body")).to_have_value(saved_body)
    assert_no_axe_violations(page, "the article form with its autosave notice")
    page.get_by_role("link", name="Restore the autosaved text").click()
    expect(page.locator("#id_body")).to_have_value(typed)
    expect(notice).to_contain_text("now shows your autosaved text")
    expect(page.get_by_role("link", name="Restore the autosaved text")).to_have_count(0)
    assert page.url.endswith(f"/admin/blog/post/{post.pk}/change/")  # filled in place, not reloaded

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    post.refresh_from_db()
    assert post.body.endswith(" Words typed before the crash.")  # saved as the form cleans it
    assert not Autosave.objects.filter(post=post, user=editor).exists()
    expect(page.locator("#autosave-notice")).to_have_count(0)
    page.recorder.assert_clean()


def test_a_new_article_is_autosaved_as_a_draft_and_the_page_becomes_its_form(browsing, editor):
    before = set(Post.objects.values_list("pk", flat=True))
    page = browsing.new_page()
    sign_in(page)  # lands on the add form
    page.fill("#id_title", "Written before any save")
    page.select_option("#id_author", index=1)
    page.locator("#id_body").fill("## A start\n\nWords that must not be lost with the tab.")
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved as a draft at", timeout=15_000)
    [made] = Post.objects.exclude(pk__in=before)
    assert made.status == Post.Status.DRAFT and made.body == "## A start\n\nWords that must not be lost with the tab."
    change_url = f"/admin/blog/post/{made.pk}/change/"
    assert page.url.endswith(change_url)  # history.replaceState: a reload opens the article
    assert page.locator("#post_form").evaluate("form => form.action").endswith(change_url)
    page.reload()
    expect(page.locator("#id_title")).to_have_value("Written before any save")
    expect(page.locator("#id_body")).to_have_value("## A start\n\nWords that must not be lost with the tab.")
    page.fill("#id_excerpt", "What this article is about, in a sentence or two for search results.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Post.objects.exclude(pk__in=before).count() == 1  # Save went to the draft: no second article
    page.recorder.assert_clean()
