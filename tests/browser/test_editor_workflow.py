"""An editor's whole path in Chromium: sign in, write with the live (sanitized) preview, upload an
image, save a draft, send a private preview link that opens in a fresh browser, schedule, and the
reader sees the article at its time with responsive images. axe-core checks the admin's form and
the pages a reviewer and a reader see."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import sign_in
from tests.factories import image_bytes

pytestmark = pytest.mark.browser


def test_an_editor_writes_previews_schedules_and_readers_see_it(browsing, editor, tmp_path):
    page = browsing.new_page()
    sign_in(page)
    assert_no_axe_violations(page, "the admin's new-article form")

    page.locator("#id_title").press_sequentially("Sleep and Worry")
    expect(page.locator("#id_slug")).to_have_value("sleep-and-worry")  # made from the title as it is typed
    page.select_option("#id_author", label="iDare Team")
    page.fill("#id_excerpt", "Why worry keeps us awake, and small ways to settle before sleep.")
    expect(page.locator("#id_excerpt_count")).to_contain_text("64 characters; search engines show about 155.")
    page.fill("#id_body", "## Why the mind races at night\n\n<script>alert(1)</script>Quiet *helps*.")
    preview = page.locator(".markdownx-preview")
    preview.locator("h2#why-the-mind-races-at-night").wait_for()
    assert "<em>helps</em>" in preview.inner_html() and "<script" not in preview.inner_html()

    hero = tmp_path / "night.jpg"
    hero.write_bytes(image_bytes("JPEG", size=(1800, 1000), color=(30, 40, 90)))
    page.set_input_files("#id_hero_image", str(hero))
    page.fill("#id_hero_alt", "A deep blue night sky")
    page.fill("#id_hero_credit", "iDare web team")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(slug="sleep-and-worry")
    assert post.status == Post.Status.DRAFT and post.hero_renditions["renditions"]

    page.get_by_role("link", name="Preview links").click()
    page.click("input[value='Make a preview link']")
    link = page.locator(".preview-link-url").first.inner_text()
    assert link.startswith(f"{settings.SITE_URL}/blog/preview/")
    assert_no_axe_violations(page, "the preview links page")

    reviewer = browsing.new_page()  # a fresh context: no account, no cookies
    response = reviewer.goto(urlsplit(link).path)  # the link names SITE_URL; the live server has its own port
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Sleep and Worry")
    expect(reviewer.get_by_text("Preview: readers cannot see this article yet.")).to_be_visible()
    assert_no_axe_violations(reviewer, "a private preview")
    assert reviewer.context.cookies() == []

    moment = timezone.localtime() + datetime.timedelta(seconds=6)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", f"{moment:%Y-%m-%d}")
    page.fill("#id_published_at_1", f"{moment:%H:%M:%S}")
    page.click("input[name=_save]")
    row = page.get_by_role("row").filter(has_text="Sleep and Worry")
    expect(row).to_contain_text("Scheduled for")

    reader = browsing.new_page()
    assert reader.goto("/blog/sleep-and-worry/").status == 404
    reader.recorder.console.clear()  # Chromium logs the 404 we asked for
    # Real time: Chromium, another process, keeps its own clock, which time-machine cannot move.
    time.sleep(max(0.0, (moment - timezone.localtime()).total_seconds()) + 0.5)
    response = reader.goto("/blog/sleep-and-worry/")
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Sleep and Worry")
    hero_img = reader.locator("figure.post__hero img")
    expect(hero_img).to_have_attribute("srcset", re.compile(r"-480w\.jpg 480w, .*-1600w\.jpg 1600w"))
    expect(reader.locator("figure.post__hero source[type='image/webp']")).to_have_count(1)
    assert hero_img.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "renditions/" in hero_img.evaluate("img => img.currentSrc")
    assert_no_axe_violations(reader, "the newly published article")
    for context_page in (page, reviewer, reader):
        context_page.recorder.assert_clean()


def test_the_admins_change_form_has_no_wcag_violations(browsing, editor):
    page = browsing.new_page()
    sign_in(page)
    post = Post.objects.get(slug="building-trust-through-trust-issues")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    assert_no_axe_violations(page, "the admin's article form")
    page.goto(f"/admin/blog/post/{post.pk}/history/")
    assert_no_axe_violations(page, "an article's history")
    page.recorder.assert_clean()


def test_the_character_count_is_announced_and_the_field_works_without_javascript(browsing, editor):
    page = browsing.new_page(java_script_enabled=False)
    sign_in(page)
    expect(page.locator("#id_excerpt_count")).to_have_count(0)
    expect(page.get_by_text("Search engines show about 155 characters")).to_be_visible()
    js = browsing.new_page()
    sign_in(js)
    js.fill("#id_excerpt", "x" * 170)
    expect(js.locator("#id_excerpt_count")).to_contain_text("170 characters: search engines may cut it")
    assert "id_excerpt_count" in js.get_attribute("#id_excerpt", "aria-describedby")
    js.recorder.assert_clean()
