"""/help/ on a phone: the open-now lines and "Can't talk right now?" readable at 390 px, axe-clean."""

from tests.browser.helpers import assert_no_axe_violations, visit


def test_help_at_390px_has_no_sideways_scroll_and_no_violations(browsing):
    page = browsing.new_page(viewport={"width": 390, "height": 844})
    visit(page, "/help/")
    assert page.get_by_role("heading", name="Can’t talk right now?").is_visible()
    assert page.locator(".helpline__status").count() >= 4
    page.screenshot(path="/tmp/hours/help-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page, "/help/ at 390 px")
    page.recorder.assert_clean()
