"""The editorial checks on the article form, in Chromium: the panel as rendered with the page, kept
up to date as the editor types (admin-checks.js, debounced), an acknowledgement with a reason that
keeps the typing, withdrawn again, and axe-core on the form with the panel."""

import pytest
from playwright.sync_api import expect

from blog.models import CheckAcknowledgement, Post
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_checks_follow_the_typing_and_a_warning_is_acknowledged(browsing, editor):
    post = Post.objects.get(slug="grief-has-no-timetable")
    page = browsing.new_page()
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    panel = page.locator("#editorial-checks")
    expect(panel).to_contain_text("A sentence of 40 words")  # rendered with the page
    page.locator("#id_body").press("End")
    page.locator("#id_body").press_sequentially("\n\nIt was a shocking loss. [Click here](/help/).")
    expect(panel).to_contain_text("“shocking”: safe-messaging guidance advises against this wording.")
    expect(panel).to_contain_text("do not say where it leads")
    expect(panel.locator(".checks-status")).to_contain_text("checks open")
    assert_no_axe_violations(page, "the article form with its checks")

    item = panel.locator("li.check", has_text="“shocking”")
    item.get_by_role("button", name="Acknowledge").click()
    expect(panel.locator(".errornote")).to_contain_text("Say why the wording is right as it is")
    item = panel.locator("li.check", has_text="“shocking”")
    item.get_by_label("Why it is right as written").fill("A reader's own words, quoted.")
    item.get_by_role("button", name="Acknowledge").click()
    expect(panel.locator("li.check-acknowledged")).to_contain_text("A reader's own words, quoted.")
    assert "shocking loss" in page.locator("#id_body").input_value()  # the typing is kept
    assert CheckAcknowledgement.objects.filter(post=post, code="wording").count() == 1
    assert_no_axe_violations(page, "the article form with an acknowledged check")
    panel.get_by_role("button", name="Withdraw the acknowledgement").click()
    item = panel.locator("li.check", has_text="“shocking”")
    expect(item).to_contain_text("withdrawn by editor")
    expect(item.get_by_role("button", name="Acknowledge")).to_be_visible()  # open again
    assert "shocking loss" in page.locator("#id_body").input_value()  # the typing is kept
    assert CheckAcknowledgement.objects.get(post=post, code="wording").withdrawn_at is not None
    # The one refusal above was meant (a 400 with its sentence): the browser logs every 4xx.
    page.recorder.console[:] = [line for line in page.recorder.console
                                if not ("status of 400" in line and "/acknowledge/" in line)]
    page.recorder.assert_clean()


def test_the_open_checks_are_counted_beside_the_text_and_lead_to_the_list(browsing, editor):
    post = Post.objects.get(slug="grief-has-no-timetable")
    page = browsing.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    count = page.locator(".editor-status .checks-count")
    expect(count).to_have_text("1 check open")  # the long sentence, counted with the page
    body = page.locator("#id_body")
    body.press("ControlOrMeta+End")
    body.press_sequentially("\n\nIt was a shocking loss.")
    expect(count).to_have_text("2 checks open")
    page.screenshot(path="/tmp/checks-count.png")
    expect(count).to_be_in_viewport()  # in the bar under the text box, beside the word count
    expect(page.locator(".editor-status .word-count")).to_be_in_viewport()
    count.get_by_role("link").click()
    expect(page.locator("#editorial-checks")).to_be_in_viewport()
    assert page.url.endswith("#editorial-checks")
    page.recorder.assert_clean()
