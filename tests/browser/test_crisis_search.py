"""A crisis search on a phone, in Chromium: help is the first thing after the search form, the call
buttons are large and tappable, and axe-core finds nothing."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("query", ["i want to die", "मदद चाहिए"])
def test_a_crisis_search_on_a_phone_shows_the_call_buttons_first(browsing, query):
    page = browsing.new_page(**PHONE)
    page.goto(f"/search/?q={query}")
    after_form = page.locator("form.search-form + *")
    assert after_form.get_attribute("class") == "crisis-help"
    buttons = page.locator(".crisis-help__call")
    assert [buttons.nth(i).get_attribute("href") for i in range(buttons.count())] == ["tel:112", "tel:14416"]
    first = buttons.first.bounding_box()
    assert first["height"] >= 44 and first["width"] >= 300  # a whole-width target on a phone
    assert first["y"] + first["height"] <= 844  # visible without scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/crisis-search-phone.png", full_page=True)
    assert_no_axe_violations(page, f"crisis search {query!r} on a phone")
    page.recorder.assert_clean()
