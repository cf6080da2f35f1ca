"""Support in Debian Chromium: the directory's filters, an enquiry sent with the keyboard alone,
and axe-core on every new page, in light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support.models import ContactMessage, Enquiry
from tests.browser.helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "support": "/support/",
    "directory": "/support/providers/",
    "directory-filtered": "/support/providers/?language=hindi&fee_max=500",
    "directory-empty": "/support/providers/?language=tamil&fee_max=0",
    "provider": "/support/providers/example-farhan-s/",
    "enquiry": "/support/request/",
    "under-18": "/support/request/under-18/",
    "contact": "/contact/?topic=helpline",
}


def open_page(page, path: str, status: int = 200):
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == status, f"{path}: {response and response.status}"
    return response


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_support_pages_have_no_wcag_violations(browsing, path, scheme):
    page = browsing.new_page(color_scheme=scheme)
    open_page(page, path)
    assert_no_axe_violations(page, f"{path} ({scheme})")
    page.recorder.assert_clean()


def ignore_form_status(page, status: int) -> None:
    """Chromium logs the 400 of a form sent back with its errors as a failed resource."""
    page.recorder.console[:] = [line for line in page.recorder.console if f"status of {status}" not in line]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/support/request/", "/contact/"])
def test_a_form_with_errors_has_no_wcag_violations_and_a_linked_summary(browsing, path, scheme):
    page = browsing.new_page(color_scheme=scheme)
    open_page(page, path)
    page.get_by_role("button", name=re.compile("^Send my")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile("^Error: "))
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    assert page.locator(target).count() == 1, f"the summary links to {target}, which is not on the page"
    assert_no_axe_violations(page, f"{path} with errors ({scheme})")
    ignore_form_status(page, 400)
    page.recorder.assert_clean()


def test_filter_the_directory_without_javascript(browsing, live_server):
    page = browsing.new_page(java_script_enabled=False)
    open_page(page, "/support/providers/")
    page.get_by_label("Language").select_option(label="Hindi")
    page.get_by_label("Up to ₹1,500 (includes sliding scale)").check()
    page.get_by_role("button", name="Show providers").click()
    expect(page).to_have_url(re.compile(r"/support/providers/\?.*language=hindi.*fee_max=1500"))
    cards = page.locator(".provider-card__name")
    expect(cards).to_have_text(["Ananya R. (example)", "Farhan S. (example)", "Kiran D. (example)"])
    expect(page.locator(".provider-card .badge--example")).to_have_count(3)
    expect(page.get_by_label("Language")).to_have_value("hindi")  # the form shows what is applied

    page.get_by_label("Taking new clients only").check()
    page.get_by_label("Free only").check()
    page.get_by_role("button", name="Show providers").click()
    expect(cards).to_have_text(["Kiran D. (example)"])
    shared = page.url
    other = browsing.new_page(java_script_enabled=False)  # the address alone gives the same result
    open_page(other, shared.replace(live_server.url, ""))
    expect(other.locator(".provider-card__name")).to_have_text(["Kiran D. (example)"])

    page.get_by_label("Language").select_option(label="Tamil")
    page.get_by_role("button", name="Show providers").click()
    expect(page.get_by_text("No provider in the directory matches all of these filters")).to_be_visible()
    page.get_by_role("link", name="tell us what you are looking for").click()
    expect(page).to_have_url(f"{live_server.url}/support/request/")
    page.recorder.assert_clean()


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus: it must be reachable in the page's own order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} was not reached with the Tab key")


def test_send_an_enquiry_with_the_keyboard_alone(browsing, live_server):
    page = browsing.new_page()
    open_page(page, "/support/request/")
    tab_to(page, "#id_age_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_name")
    page.keyboard.type("Asha")
    tab_to(page, "#id_reply_by_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_email")
    page.keyboard.type("asha@example.com")
    tab_to(page, "#id_safe_to_leave_message_0")
    page.keyboard.press("ArrowDown")  # moves to and chooses "No, please do not leave a message"
    tab_to(page, "#id_language")
    page.keyboard.type("Hindi")
    tab_to(page, "[name=mode]")
    page.keyboard.press("Space")
    tab_to(page, "[name=budget]")
    page.keyboard.press("Space")
    tab_to(page, "#id_help_with")
    page.keyboard.type("Worry at work")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.textContent") == "Send my enquiry"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/support/request/received/[^/]+/$"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.email, enquiry.safe_to_leave_message, enquiry.language.name, enquiry.help_with) == (
        "Asha", "asha@example.com", False, "Hindi", "Worry at work")
    expect(page.locator(".reference")).to_have_text(enquiry.reference)
    assert "asha" not in page.url.lower()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_no_axe_violations(page, f"the confirmation page ({scheme})")

    page.get_by_role("link", name="Withdraw my enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your enquiry?")
    assert_no_axe_violations(page, "the withdraw page")
    page.get_by_role("button", name="Yes, delete my enquiry").click()
    expect(page).to_have_url(f"{live_server.url}/support/request/withdrawn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your enquiry has been deleted")
    assert_no_axe_violations(page, "the page after withdrawing")
    assert Enquiry.objects.count() == 0
    page.recorder.assert_clean()


def test_under_18_is_shown_the_youth_helplines(browsing, live_server):
    page = browsing.new_page(java_script_enabled=False)
    open_page(page, "/support/request/")
    page.get_by_label("No, I am under 18").check()
    page.get_by_role("button", name="Send my enquiry").click()
    expect(page).to_have_url(f"{live_server.url}/support/request/under-18/")
    expect(page.get_by_role("link", name="14416")).to_have_attribute("href", "tel:14416")
    expect(page.get_by_role("link", name="1098")).to_have_attribute("href", "tel:1098")
    assert Enquiry.objects.count() == 0
    page.recorder.assert_clean()


def test_send_a_message_from_the_contact_page_without_javascript(browsing, live_server):
    page = browsing.new_page(java_script_enabled=False)
    open_page(page, "/contact/?topic=partnerships")
    expect(page.get_by_label("Partnerships, and programmes for a school, college or workplace")).to_be_checked()
    page.get_by_label("Your first name, or a name you would like us to use").fill("Ravi")
    page.get_by_role("radio", name="Phone").check()
    page.get_by_label("Phone number").fill("98450 12345")
    page.get_by_label("Your message").fill("We would like a workshop.")
    page.get_by_label("I agree that iDare may keep this message and reply to me.").check()
    page.get_by_role("button", name="Send my message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have received your message.")
    message = ContactMessage.objects.get()
    assert (message.topic, message.phone, message.email) == ("partnerships", "98450 12345", "")
    page.recorder.assert_clean()
    with_script = browsing.new_page()  # axe-core runs as a script: the same private page, in a fresh context
    open_page(with_script, page.url.replace(live_server.url, ""))
    assert_no_axe_violations(with_script, "the contact confirmation page")
