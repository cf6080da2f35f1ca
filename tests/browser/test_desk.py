"""The review in Chromium: a writer submits a draft from its page with JavaScript switched off, an
editor finds it on the desk from the admin's home page and asks for changes; the writer's desk then
shows them. axe-core checks the home page, the desk and the article page with its review box."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import signed_in_page as signed_in
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.browser

def test_a_draft_goes_from_writer_to_editor_and_back_through_the_desk(browsing):
    make_staff("Writer", username="desk-writer")
    make_staff("Editor", username="desk-editor")
    post = make_post(title="Sleep and Worry (a test article)", status=Post.Status.DRAFT, published_at=None)

    writer = signed_in(browsing, "desk-writer", java_script_enabled=False)
    writer.goto(f"/admin/blog/post/{post.pk}/change/")
    writer.fill("#editorial-note", "Ready: the sources are checked.")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("The article is now “Ready for review”.")

    editor = signed_in(browsing, "desk-editor")
    assert_no_axe_violations(editor, "the admin's home page with its desk link")
    editor.get_by_role("link", name="Your desk: what needs you now").click()
    ready = editor.locator("#desk-ready")
    expect(ready).to_contain_text("Sleep and Worry (a test article)")
    expect(ready).to_contain_text("by desk-writer")
    assert editor.locator("#desk-scheduled h3").count() == 7
    assert_no_axe_violations(editor, "the editor's desk")
    ready.get_by_role("link", name="Sleep and Worry (a test article)").click()
    expect(editor.locator("#editorial-review-title")).to_have_text("Review: Ready for review")
    assert_no_axe_violations(editor, "the article page with its review box")
    editor.fill("#editorial-note", "Please soften the headline.")
    editor.get_by_role("button", name="Request changes").click()
    expect(editor.locator(".editorial-review table")).to_contain_text("Please soften the headline.")

    writer.goto("/admin/blog/post/desk/")
    expect(writer.locator("#desk-changes")).to_contain_text("Sleep and Worry (a test article)")
    editor.recorder.assert_clean()
    writer.recorder.assert_clean()
