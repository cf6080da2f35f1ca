"""The writing aids on the article form, in Chromium: a live word count and reading time counted as
the server counts, a warning before leaving unsaved changes, and preview links shown whole with a
copy button."""

import pytest
from playwright.sync_api import expect

from blog.models import Post, length_note
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def start_article(page, title="Counting Words"):
    page.fill("#id_title", title)
    page.select_option("#id_author", label="iDare Team")
    page.fill("#id_excerpt", "A short article for the writing aids.")


def test_the_word_count_follows_the_typing_and_matches_the_servers_after_saving(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    start_article(page)
    count = page.locator("#id_body_length")
    expect(count).to_have_text("0 words · about 1 min read")
    page.locator("#id_body").press_sequentially("One ")
    expect(count).to_have_text("1 word · about 1 min read")
    page.locator("#id_body").press_sequentially("Ünïcode, snake_case and 2026 — [a link](/blog/).")
    expect(count).to_have_text("8 words · about 1 min read")
    page.locator("#id_body").fill("## Long\n\n" + "word " * 401)
    expect(count).to_have_text("402 words · about 3 min read")
    assert count.get_attribute("aria-live") == "polite"

    page.locator("#id_body").fill("## Night\n\nÜnïcode words, snake_case and 2026 — " + "rest " * 250)
    expect(count).to_have_text("256 words · about 2 min read")
    live = count.text_content()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(title="Counting Words")
    assert live == length_note(post.body) and post.reading_minutes == 2
    expect(page.locator("#id_body_length")).to_have_text(live)
    expect(page.locator(".field-saved_length .readonly")).to_have_text(live)
    assert_no_axe_violations(page, "the article form with its word count")
    page.recorder.assert_clean()


def test_leaving_unsaved_changes_asks_first_and_saving_does_not(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        if len(asked) == 1:
            dialog.dismiss()  # "Stay on page"
        else:
            dialog.accept()

    page.on("dialog", answer)
    page.locator(".breadcrumbs").get_by_role("link", name="Posts").click()  # nothing typed yet: leaves without asking
    page.wait_for_url("**/admin/blog/post/")
    assert asked == []

    page.goto("/admin/blog/post/add/")
    start_article(page, "Leaving Early")
    page.locator("#id_body").click()
    page.locator("#id_body").press_sequentially("Half a thought")
    page.locator(".breadcrumbs").get_by_role("link", name="Posts").click()
    expect(page.locator("#id_body")).to_have_value("Half a thought")  # stayed, the text still there
    assert asked == ["beforeunload"] and page.url.endswith("/admin/blog/post/add/")

    page.click("input[name=_continue]")  # saving is not leaving
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert asked == ["beforeunload"]
    page.locator(".breadcrumbs").get_by_role("link", name="Posts").click()  # saved: nothing to lose
    page.wait_for_url("**/admin/blog/post/")
    assert asked == ["beforeunload"]

    post = Post.objects.get(title="Leaving Early")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.locator("#id_body").click()
    page.locator("#id_body").press_sequentially(", finished.")
    page.locator(".breadcrumbs").get_by_role("link", name="Posts").click()  # asked again; this time leave
    page.wait_for_url("**/admin/blog/post/")
    assert asked == ["beforeunload", "beforeunload"]
    post.refresh_from_db()
    assert post.body == "Half a thought"
    page.recorder.assert_clean()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_preview_link_is_shown_whole_and_copied_with_one_button(browsing, editor, width):
    post = Post.objects.filter(status=Post.Status.PUBLISHED).first()
    page = browsing.new_page(viewport={"width": width, "height": 900}, permissions=["clipboard-write"])
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/preview-links/")
    page.click("input[value='Make a preview link']")
    page.wait_for_load_state()  # the answer's stylesheets too: the box is measured as laid out
    link = page.locator(".preview-link-url").first
    url = link.inner_text()
    assert url.startswith("http") and "/blog/preview/" in url
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"the link runs off the screen: {box}"
    assert box["width"] >= min(width * 0.75, 400), f"the link is squeezed into a narrow column: {box}"
    assert link.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing of it hidden inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert_no_axe_violations(page, f"the preview links page at {width} px")

    # The site's Permissions-Policy refuses clipboard-read, so the test notes what reaches the real
    # clipboard.writeText; "Copied" appears only once the browser has resolved it.
    page.evaluate("""() => { const write = navigator.clipboard.writeText.bind(navigator.clipboard);
                             window.copied = []; navigator.clipboard.writeText = text => {
                               window.copied.push(text); return write(text); }; }""")
    page.get_by_role("button", name="Copy link").first.click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("window.copied") == [url]

    # A browser that refuses the clipboard: the link is selected and the page says how to copy it.
    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error('refused')); }")
    page.get_by_role("button", name="Copy link").first.click()
    expect(page.locator("#copy-status")).to_have_text("Link selected: press Ctrl+C (⌘C on a Mac) to copy it.")
    assert page.evaluate("window.getSelection().toString()").strip() == url
    page.recorder.assert_clean()


def test_without_javascript_a_preview_link_is_text_with_no_dead_copy_button(browsing, editor):
    post = Post.objects.filter(status=Post.Status.PUBLISHED).first()
    page = browsing.new_page(java_script_enabled=False)
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/preview-links/")
    page.click("input[value='Make a preview link']")
    expect(page.locator(".preview-link-url")).to_contain_text("/blog/preview/")
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
