"""Autosave in Chromium: the text typed into an article's form is kept while typing, survives the tab
being closed, and comes back with one button; the page passes axe with its notice showing."""

import pytest
from playwright.sync_api import expect

from blog.models import Autosave, Post
from tests.browser.test_admin_editor import sign_in
from tests.browser.test_editor_workflow import assert_no_axe_violations

pytestmark = pytest.mark.browser


def reopen(page):
    """Closes the tab (no "Leave site?" question: a crash asks nothing) and opens a new one in the same
    browser, signed in, watched by the same recorder (the context's third-party guard stays)."""
    context, recorder = page.context, page.recorder
    page.close()
    page = context.new_page()
    page.on("console", lambda message: recorder.on_console(page.url, message))
    page.on("pageerror", lambda error: recorder.console.append(f"[uncaught] on {page.url}: {error}"))
    page.recorder = recorder
    return page


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
