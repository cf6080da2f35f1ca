"""The post list as an editor scans it at 1280 px: every column in view beside the filters, titles on
one or two lines, sensitive articles named in words, axe-clean."""

import pytest

from blog.models import Post
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.browser

COLUMNS = ["Title", "Publication", "Sensitive", "Clinical review", "Updated", "Upvotes", "Shares"]  # CSS capitals


def test_the_post_list_fits_1280_pixels_with_every_column_in_view(browsing):
    make_staff("Editor", username="list-editor")
    make_post(title="Running on Empty: Understanding Burnout at Work and at Home")
    make_post(title="Sitting With Loss (a test article)", sensitive=True, content_note="Talks about loss.",
              status=Post.Status.DRAFT, published_at=None)
    page = browsing.new_page(viewport={"width": 1280, "height": 900})
    page.goto("/admin/login/?next=/admin/blog/post/")
    page.fill("#id_username", "list-editor")
    page.fill("#id_password", "a long staff password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/blog/post/")
    headers = [text.strip().capitalize() for text in page.locator("#result_list thead th").all_inner_texts()
               if text.strip()]
    assert headers == COLUMNS
    table = page.locator("#result_list").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert table["x"] + table["width"] <= filters["x"], "the list runs under the filters"
    wrapper = page.locator(".results")
    assert wrapper.evaluate("e => e.scrollWidth <= e.clientWidth"), "the list scrolls sideways: a column is hidden"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the page scrolls sideways"
    for row in page.locator("#result_list tbody th.field-title").all():
        line = float(row.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert row.bounding_box()["height"] <= 2 * line + 20, row.inner_text()
    grief = page.locator("#result_list tbody tr").filter(has_text="Sitting With Loss (a test article)")
    assert "Sensitive" in grief.locator(".field-sensitive_mark").inner_text()
    assert_no_axe_violations(page, "the post list")
