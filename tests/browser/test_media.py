"""Images in Chromium: an image dropped onto the text box is uploaded (markdownx's own drop handler,
our upload view, under the site's CSP) and its Markdown inserted; a click on the hero sets its focal
point; the media library and the article form pass axe-core."""

import re

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.helpers import DROP_AN_IMAGE, sign_in
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.factories import make_post, stored_image

pytestmark = pytest.mark.browser

def test_an_image_dropped_onto_the_text_is_uploaded_and_its_markdown_inserted(browsing, editor, media_root):
    page = browsing.new_page()
    sign_in(page)
    page.fill("#id_body", "## A section\n\n")
    expect(page.locator("#id_body")).to_have_attribute("data-markdownx-init", "")  # ready to take a drop
    page.evaluate(DROP_AN_IMAGE, "#id_body")
    expect(page.locator("#id_body")).to_have_value(
        re.compile(
        r"!\[Describe this image for people who cannot see it\]\(/media/body/[0-9a-f]{16}\.png\)"),
        timeout=30_000)  # re-encoded and its renditions made before the server answers
    stored = list((media_root / "body").iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".png"
    page.recorder.assert_clean()  # no CSP report, no console error


def test_a_click_on_the_hero_sets_the_focal_point(browsing, editor, media_root):
    post = make_post(title="A shore", hero_image=stored_image(size=(800, 800)), hero_alt="A quiet shore",
                     hero_credit="Us")
    page = browsing.new_page()
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    image = page.locator("[data-focal-picker] img")
    expect(image).to_be_visible()
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.1})
    expect(page.locator("#id_hero_focal_x")).to_have_value("25")
    expect(page.locator("#id_hero_focal_y")).to_have_value("10")
    marker = page.locator(".focal-marker")
    expect(marker).to_be_visible()
    assert_no_axe_violations(page, "the article form with its focal point")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    post.refresh_from_db()
    assert post.hero_focal == (25, 10) and post.hero_renditions["focal"] == [25, 10]
    page.recorder.assert_clean()


def test_the_media_library_passes_axe(browsing, editor, media_root):
    body = stored_image("body", size=(300, 200))
    make_post(hero_image=stored_image(), hero_alt="A quiet shore", hero_credit="Us", body=f"![A lamp](/media/{body})")
    stored_image("body", size=(200, 200), color=(1, 200, 1))
    page = browsing.new_page()
    sign_in(page)
    page.goto("/admin/blog/post/media/")
    expect(page.locator(".media-library")).to_contain_text("A lamp")
    expect(page.locator(f'.media-library a[href$="name={body.replace("/", "%2F")}"]')).to_have_count(0)  # in use
    expect(page.locator(".media-library .copy-link").first).to_be_visible()
    assert_no_axe_violations(page, "the media library")
    page.recorder.assert_clean()
    assert Post.objects.filter(body__contains=body).exists()
