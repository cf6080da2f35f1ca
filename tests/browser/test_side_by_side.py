"""The article form's previews in Chromium: the text and its live preview side by side on a wide
screen and stacked on a phone, the preview in the site's article styles, and the search result and
link card following the typing."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def box(page, selector):
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def test_at_1280_px_the_preview_sits_beside_the_text_in_the_sites_styles(browsing, editor):
    page = browsing.new_page(viewport=WIDE)
    sign_in(page)
    page.fill("#id_title", "Talking <b>with</b> a friend")
    page.fill("#id_body",
              "## A calm heading\n\n> Words that help.\n\nSome *gentle* words.\n\n<script>alert(1)</script>")
    preview = page.locator(".markdownx-preview")
    preview.locator("h2#a-calm-heading").wait_for()
    assert "<script" not in preview.inner_html()

    text, shown = box(page, "#id_body"), box(page, ".markdownx-preview")
    assert shown["x"] >= text["x"] + text["width"] - 1  # to the right of the text box
    assert shown["y"] < text["y"] + text["height"] and text["y"] < shown["y"] + shown["height"]  # level with it
    assert text["width"] > 300 and shown["width"] > 300
    # The word count stays next to the preview, under the text box.
    count = box(page, "#id_body_length")
    assert count["x"] < shown["x"] and page.locator("#id_body_length").is_visible()

    # The site's article typography, not the admin's: the serif heading and the quote's rule.
    styles = page.evaluate("""() => {
        const h2 = getComputedStyle(document.querySelector('.markdownx-preview h2'));
        const quote = getComputedStyle(document.querySelector('.markdownx-preview blockquote'));
        const adminH2 = getComputedStyle(document.querySelector('fieldset.module > h2'));
        return {font: h2.fontFamily, size: h2.fontSize, background: h2.backgroundColor, quoteFont: quote.fontFamily,
                border: quote.borderLeftWidth, adminFont: adminH2.fontFamily};
    }""")
    assert "Georgia" in styles["font"] and "Georgia" in styles["quoteFont"], styles
    assert styles["border"] == "4px" and styles["background"] == "rgba(0, 0, 0, 0)", styles
    assert float(styles["size"].removesuffix("px")) >= 24, styles
    assert "Georgia" not in styles["adminFont"], styles  # and none of it leaked into the admin
    expect(preview).to_have_attribute("aria-label", "Preview, as readers will see it")

    # The search result and the link card follow the title, the address and the excerpt.
    search_title = page.locator('[data-look="search-title"]')
    expect(search_title).to_have_text("Talking <b>with</b> a friend · iDare")
    expect(page.locator('[data-look="card-title"]')).to_have_text("Talking <b>with</b> a friend")
    expect(page.locator('[data-look="url"]')).to_have_text(
        page.evaluate("document.querySelector('.look-preview').dataset.urlPrefix") + "talking-bwithb-a-friend/")
    assert page.locator(".look-preview b").count() == 0  # typed text stays text
    page.fill("#id_excerpt", "How to listen. " * 20)
    description = page.locator('[data-look="search-description"]')
    expect(description).to_have_text("How to listen. " * 10 + "How to…")
    expect(page.locator('[data-look="card-description"]')).to_have_text(("How to listen. " * 20).strip())
    assert len(description.text_content()) <= 160
    page.locator("#id_title").press("End")
    page.locator("#id_title").press_sequentially(" again")
    expect(search_title).to_have_text("Talking <b>with</b> a friend again · iDare")

    assert_no_axe_violations(page, "the article form with its previews side by side")
    page.recorder.assert_clean()


def test_at_390_px_the_preview_is_under_the_text(browsing, editor):
    page = browsing.new_page(viewport=PHONE)
    sign_in(page)
    page.fill("#id_body", "## Small screens\n\nWords.")
    page.locator(".markdownx-preview h2#small-screens").wait_for()
    text, shown = box(page, "#id_body"), box(page, ".markdownx-preview")
    assert shown["y"] >= text["y"] + text["height"] - 1  # below the text box
    assert abs(shown["x"] - text["x"]) < 2
    assert shown["x"] + shown["width"] <= PHONE["width"], shown  # whole on the screen, not cut at its edge
    page.fill("#id_title", "Small screens")
    expect(page.locator('[data-look="search-title"]')).to_have_text("Small screens · iDare")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing pushes the page sideways
    assert_no_axe_violations(page, "the article form's previews on a phone")
    page.recorder.assert_clean()


def test_on_a_tablet_the_meta_descriptions_count_sits_under_its_box_not_beside_it(browsing, editor):
    page = browsing.new_page(viewport={"width": 820, "height": 1180})
    sign_in(page)
    field, count = box(page, "#id_excerpt"), box(page, "#id_excerpt_count")
    assert field["width"] > 250, field  # beside it, the count squeezed the box to a few letters
    assert count["y"] >= field["y"] + field["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
