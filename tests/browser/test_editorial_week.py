"""A week at the editors' desk in Chromium, one account per role: a writer writes a sensitive article
with a hero (its focal point set by a click) and an image dropped into the text, types on, closes
the tab, reopens it and restores the autosaved text, and submits it; an editor asks for changes, the
writer revises, a clinical reviewer reviews, the editor approves and publishes it now (no time
typed) and schedules another, then adds a correction; the desk shows each step to the person it
concerns, and readers see the result. axe-core checks every admin page on the way. The test prints
how long the week took end to end and how many clicks each part took (`pytest -s
tests/browser/test_editorial_week.py`), and holds publishing to a bound."""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import EditorialEvent, Post
from tests.browser.helpers import DROP_AN_IMAGE, reopen
from tests.browser.helpers import assert_no_axe_violations_in_admin as assert_no_axe_violations
from tests.browser.helpers import signed_in_page as signed_in
from tests.factories import image_bytes, make_post, make_reviewer, make_staff

pytestmark = pytest.mark.browser

TITLE = "Living With Loss at Work (a test article)"
# From the editor's desk to a published article: open it, approve, tick three checklist items, save.
PUBLISHING_CLICKS_AT_MOST = 7


class Week:
    """Counts the clicks (and choices, ticks) of each part of the week."""

    def __init__(self):
        self.clicks: Counter[str] = Counter()
        self.part = ""

    def click(self, locator) -> None:
        self.clicks[self.part] += 1
        locator.click()

    def click_at(self, locator, x: float, y: float) -> None:
        self.clicks[self.part] += 1
        locator.click(position={"x": x, "y": y})

    def check(self, locator) -> None:
        self.clicks[self.part] += 1
        locator.check()

    def select(self, page, selector: str, **option) -> None:
        self.clicks[self.part] += 1
        page.select_option(selector, **option)


def test_a_week_of_writing_reviewing_and_publishing(browsing, capsys, media_root, tmp_path):
    make_staff("Writer", username="week-writer")
    make_staff("Editor", username="week-editor")
    make_reviewer(username="week-reviewer")
    other = make_post(title="Small Steps on Hard Days (a test article)", status=Post.Status.DRAFT,
                      published_at=None, editorial_state=Post.EditorialState.APPROVED)
    week = Week()
    started = time.monotonic()

    week.part = "write and submit"
    writer = signed_in(browsing, "week-writer")
    writer.goto("/admin/blog/post/add/")
    assert_no_axe_violations(writer, "a new article")
    writer.fill("#id_title", TITLE)
    week.select(writer, "#id_author", label="iDare Team")
    writer.fill("#id_excerpt", "Grief does not stay at home: how colleagues and managers can make room for it.")
    writer.fill("#id_body", "## When grief comes to work\n\nIt can arrive in the middle of a meeting.\n\n"
                            "## What helps\n\nA quiet word from a colleague, and time.")
    week.check(writer.locator("#id_sensitive"))
    writer.fill("#id_content_note", "This article talks about bereavement and grief.")
    hero = tmp_path / "desk.jpg"
    hero.write_bytes(image_bytes("JPEG", size=(1600, 1200), color=(60, 90, 120)))
    writer.set_input_files("#id_hero_image", str(hero))
    writer.fill("#id_hero_alt", "An empty desk by a window")
    writer.fill("#id_hero_credit", "iDare web team")
    week.click(writer.locator("input[name=_continue]"))
    expect(writer.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(title=TITLE)

    body = writer.locator("#id_body")
    expect(body).to_have_attribute("data-markdownx-init", "")  # the editor is ready to take a drop
    writer.evaluate(DROP_AN_IMAGE, "#id_body")  # an image dragged from the desktop onto the text
    placeholder = "Describe this image for people who cannot see it"
    # The server re-encodes the image and makes its renditions before it answers: seconds on a busy machine.
    expect(body).to_have_value(re.compile(re.escape(placeholder)), timeout=30_000)
    body.fill(body.input_value().replace(placeholder, "A red square"))
    picture = writer.locator("[data-focal-picker] img")
    box = picture.bounding_box()
    week.click_at(picture, box["width"] * 0.3, box["height"] * 0.2)
    week.click(writer.locator("input[name=_continue]"))
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    post.refresh_from_db()
    assert post.hero_focal == (30, 20) and "![A red square](/media/body/" in post.body

    body = writer.locator("#id_body")
    body.click()
    body.press("Control+End")
    body.press_sequentially(" Then the laptop's battery died.")
    expect(writer.locator("#autosave-status")).to_contain_text("Autosaved at", timeout=15_000)
    writer = reopen(writer)  # the tab is gone, as after a crash
    writer.goto(f"/admin/blog/post/{post.pk}/change/")
    week.click(writer.get_by_role("link", name="Restore the autosaved text"))
    expect(writer.locator("#id_body")).to_have_value(re.compile("the laptop's battery died\\.$"))
    week.click(writer.locator("input[name=_continue]"))
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    writer.fill("#editorial-note", "Ready for a first read.")
    week.click(writer.get_by_role("button", name="Submit for review"))
    expect(writer.locator(".messagelist")).to_contain_text("The article is now “Ready for review”.")

    week.part = "ask for changes"
    editor = signed_in(browsing, "week-editor")
    week.click(editor.get_by_role("link", name="Your desk: what needs you now"))
    expect(editor.locator("#desk-ready")).to_contain_text(TITLE)
    assert_no_axe_violations(editor, "the editor's desk")
    week.click(editor.locator("#desk-ready").get_by_role("link", name=TITLE))
    editor.fill("#editorial-note", "Say where readers can find support at work.")
    week.click(editor.get_by_role("button", name="Request changes"))
    expect(editor.locator(".editorial-review table")).to_contain_text("Say where readers can find support")

    week.part = "revise and resubmit"
    writer.goto("/admin/blog/post/desk/")
    expect(writer.locator("#desk-changes")).to_contain_text(TITLE)
    assert_no_axe_violations(writer, "the writer's desk")
    week.click(writer.locator("#desk-changes").get_by_role("link", name=TITLE))
    body = writer.locator("#id_body")
    body.fill(body.input_value() + "\n\nYour workplace may offer a confidential employee assistance programme.")
    week.click(writer.locator("input[name=_continue]"))
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    week.click(writer.get_by_role("button", name="Submit for review"))
    expect(writer.locator("#editorial-review-title")).to_have_text("Review: Ready for review")

    week.part = "clinical review"
    reviewer = signed_in(browsing, "week-reviewer")
    week.click(reviewer.get_by_role("link", name="Your desk: what needs you now"))
    expect(reviewer.locator("main")).to_contain_text(TITLE)
    assert_no_axe_violations(reviewer, "the clinical reviewer's desk")
    reviewer.goto(f"/admin/blog/review/add/?post={post.pk}")
    assert_no_axe_violations(reviewer, "recording a review")
    today = timezone.localdate()
    reviewer.fill("#id_reviewed_on", f"{today:%Y-%m-%d}")
    reviewer.fill("#id_next_review_due", f"{today + datetime.timedelta(days=365):%Y-%m-%d}")
    week.click(reviewer.locator("input[name=_save]"))
    expect(reviewer.locator(".messagelist")).to_contain_text("was added successfully")

    week.part = "approve and publish now"
    editor.goto("/admin/blog/post/desk/")
    week.click(editor.locator("#desk-ready").get_by_role("link", name=TITLE))
    week.click(editor.get_by_role("button", name="Approve"))
    expect(editor.locator("#editorial-review-title")).to_have_text("Review: Approved")
    for item in ("#id_checked_no_method_detail", "#id_checked_no_sensational_headline", "#id_checked_help_resources"):
        week.check(editor.locator(item))
    week.select(editor, "#id_status", value="published")
    assert editor.locator("#id_published_at_0").input_value() == ""  # empty: now
    week.click(editor.locator("input[name=_continue]"))
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    post.refresh_from_db()
    assert post.is_visible and post.published_by.username == "week-editor"
    publishing_clicks = week.clicks["approve and publish now"]

    week.part = "schedule another"
    editor.goto(f"/admin/blog/post/{other.pk}/change/")
    week.select(editor, "#id_status", value="published")
    monday = timezone.localtime() + datetime.timedelta(days=2)
    editor.fill("#id_published_at_0", f"{monday:%Y-%m-%d}")
    editor.fill("#id_published_at_1", "09:00:00")
    week.click(editor.locator("input[name=_save]"))
    expect(editor.get_by_role("row").filter(has_text=other.title)).to_contain_text("Scheduled for")
    editor.goto("/admin/blog/post/desk/")
    expect(editor.locator("#desk-scheduled")).to_contain_text(other.title)

    week.part = "correct"
    editor.goto(f"/admin/blog/post/{post.pk}/change/")
    editor.fill("#id_corrections-0-note", "An earlier version did not say where to find support at work.")
    week.click(editor.locator("input[name=_continue]"))
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_no_axe_violations(editor, "a published article with its correction")
    elapsed = time.monotonic() - started

    reader = browsing.new_page()
    reader.goto(post.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.locator("main")).to_contain_text("An earlier version did not say where to find support at work.")
    expect(reader.locator("main")).to_contain_text("Reviewed by Dr Meera Iyer")
    history = list(EditorialEvent.objects.filter(post=post).order_by("at", "pk").values_list("to_state", "publication"))
    assert history == [("ready_for_review", ""), ("changes_requested", ""), ("ready_for_review", ""),
                       ("approved", ""), ("approved", "published")]

    with capsys.disabled():
        print(f"\nThe editors' week: {elapsed:.1f} s end to end, {sum(week.clicks.values())} clicks in all")
        for part, clicks in week.clicks.items():
            print(f"  {part}: {clicks} clicks")
    assert publishing_clicks <= PUBLISHING_CLICKS_AT_MOST
    for page in (writer, editor, reviewer, reader):
        page.recorder.assert_clean()
