"""Engage in a real browser: registering for a session with the keyboard and without JavaScript,
confirming it from the e-mail's link, cancelling, and axe-core on every page of the flow in light
and dark mode."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engage.models import Programme, Registration
from engage.tokens import confirmation_path, registration_url
from tests.browser.helpers import assert_no_axe_violations
from tests.factories import make_programme, make_session

pytestmark = pytest.mark.browser


@pytest.fixture
def real_session(site_content, settings):
    """A session that is not an example (the seeded ones refuse registration)."""
    settings.IDARE_REGISTRATION_RATE = settings.IDARE_SESSION_REGISTRATION_RATE = "off"
    programme = make_programme(title="Sleep and Stress Workshop", slug="sleep-and-stress",
                               kind=Programme.Kind.WORKSHOP, summary="Ninety calm minutes on sleep and stress.")
    return make_session(programme, capacity=2, in_days=10)


def forget_expected_400s(page) -> None:
    """A form sent back with its errors is a 400 on purpose (an expired link a 410); Chromium logs
    it as a failed load."""
    page.recorder.console[:] = [line for line in page.recorder.console
                                if "status of 400" not in line and "status of 410" not in line]


def fill_and_send(page, *, name: str, email: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_label(re.compile("^I agree that iDare keeps my name")).check()
    page.get_by_role("button", name="Register").click()


def confirm_from_the_email(page) -> None:
    """What the person does next: the page says to check the e-mail; its link shows a button."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.goto(confirmation_path(Registration.objects.order_by("-pk").first()))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your registration")
    page.get_by_role("button", name="Confirm my registration").click()


def test_register_for_a_session_then_cancel(browsing, real_session):
    page = browsing.new_page()
    page.goto("/engage/")
    page.get_by_role("link", name=re.compile(r"^Register for Sleep and Stress Workshop")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Sleep and Stress Workshop")
    fill_and_send(page, name="Mira", email="mira@example.com")
    confirm_from_the_email(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")
    reference = Registration.objects.get().reference
    expect(page.locator(".reference")).to_have_text(reference)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add it to your calendar").click()
    assert download.value.suggested_filename == "idare-session.ics"
    page.get_by_role("link", name="Cancel this registration").click()
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    assert not Registration.objects.exists()
    page.recorder.assert_clean()


def test_register_with_the_keyboard_only_and_without_javascript(browsing, real_session):
    page = browsing.new_page(java_script_enabled=False)
    page.goto(real_session.get_register_url())
    page.get_by_role("button", name="Register").focus()
    page.keyboard.press("Enter")  # nothing filled in: the errors come back, linked to their fields
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    summary.get_by_role("link", name=re.compile("Enter a name")).click()
    expect(page.get_by_label("Your name")).to_be_focused()
    page.keyboard.type("Sam")
    page.keyboard.press("Tab")
    page.keyboard.type("sam@example.com")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the consent box
    expect(page.get_by_label(re.compile("^I agree that iDare keeps my name"))).to_be_checked()
    page.keyboard.press("Tab")  # past the privacy link in the hint, to the button; the hidden trap takes no focus
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Register")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.goto(confirmation_path(Registration.objects.get()))
    page.get_by_role("button", name="Confirm my registration").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is confirmed")
    assert Registration.objects.get().name == "Sam"
    forget_expected_400s(page)
    page.recorder.assert_clean()


def test_a_full_session_offers_the_waiting_list(browsing, real_session):
    for email in ("a@example.com", "b@example.com"):
        Registration.objects.register(real_session.pk, name="Someone", email=email).confirm()
    page = browsing.new_page()
    page.goto(real_session.programme.get_absolute_url())
    expect(page.get_by_text("Full: you can join the waiting list")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Join the waiting list")).click()
    page.get_by_label("Your name").fill("Lee")
    page.get_by_label("Your e-mail address").fill("lee@example.com")
    page.get_by_label(re.compile("^I agree")).check()
    page.get_by_role("button", name="Join the waiting list").click()
    confirm_from_the_email(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    expect(page.get_by_text("number 1 on its waiting list")).to_be_visible()
    page.recorder.assert_clean()


def test_an_example_session_shows_its_badge_and_no_form(browsing):
    programme = Programme.objects.filter(example=True).first()
    session = programme.sessions.first()
    page = browsing.new_page()
    page.goto(session.get_register_url())
    expect(page.get_by_text("Example listing: not a real session")).to_be_visible()
    expect(page.get_by_role("heading", name="Registration is closed")).to_be_visible()
    expect(page.locator("form[method=post]")).to_have_count(0)
    page.recorder.assert_clean()


def flow_pages(page, session) -> dict[str, str]:
    """Registers and confirms once (and twice more without confirming: one waiting for it, one
    expired), and returns the addresses of every page of the flow."""
    page.goto(session.get_register_url())
    page.get_by_role("button", name="Register").click()  # the form with its errors
    with_errors = page.url
    fill_and_send(page, name="Ana", email="ana@example.com")
    confirm_from_the_email(page)
    confirmation = page.url
    page.get_by_role("link", name="Cancel this registration").click()
    cancel = page.url
    waiting = Registration.objects.register(session.pk, name="Ben", email="ben@example.com")
    expired = Registration.objects.register(session.pk, name="Kai", email="kai@example.com")
    Registration.objects.filter(pk=expired.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    return {"register-errors": with_errors, "check-email": registration_url(waiting),
            "confirm": confirmation_path(waiting), "confirmation": confirmation, "cancel": cancel,
            "confirm-expired": confirmation_path(expired)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_engage_pages_have_no_wcag_violations(browsing, real_session, scheme):
    page = browsing.new_page(color_scheme=scheme)
    seeded = Programme.objects.filter(kind=Programme.Kind.CIRCLE).first()
    for path in ("/engage/", seeded.get_absolute_url(), real_session.programme.get_absolute_url(),
                 real_session.get_register_url(), seeded.sessions.first().get_register_url(), "/help/",
                 "/engage/registration/cancelled/", "/engage/registration/?token=forged"):
        page.goto(path)
        assert_no_axe_violations(page, f"{path} ({scheme})")
    for label, url in flow_pages(page, real_session).items():
        if label != "register-errors":
            page.goto(url)
        else:
            page.goto(real_session.get_register_url())
            page.get_by_role("button", name="Register").click()
            expect(page.locator(".error-summary")).to_be_visible()
            page.wait_for_load_state()  # its stylesheet applied: axe measures targets as laid out
        assert_no_axe_violations(page, f"{label} ({scheme})")
    forget_expected_400s(page)
    page.recorder.assert_clean()
