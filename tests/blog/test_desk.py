"""The desk: each role sees what needs it, from a constant number of queries, on a stopped clock."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from blog.models import EditorialEvent, Post
from tests.factories import make_post, make_review, make_reviewer, make_sensitive_post, make_staff

pytestmark = pytest.mark.django_db

State = Post.EditorialState
DESK = "/admin/blog/post/desk/"
# Monday 7 December 2026, 10:00 in Kolkata (the site's time zone).
NOW = datetime.datetime(2026, 12, 7, 4, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    # A field's default is the function itself, taken when the model was defined.
    # (and kept by the field, once read, as _get_default).
    at = EditorialEvent._meta.get_field("at")
    monkeypatch.setattr(at, "default", lambda: NOW)
    monkeypatch.setitem(at.__dict__, "_get_default", lambda: NOW)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted(writer, **fields) -> Post:
    post = make_post(status=Post.Status.DRAFT, published_at=None, **fields)
    response = client_for(writer).post(f"/admin/blog/post/{post.pk}/workflow/", {"action": "submit"})
    assert response.status_code == 303
    return post


def section(html: str, key: str) -> str:
    start = html.index(f'id="desk-{key}"')
    return html[start:html.index("</section>", start)]


def test_an_editor_sees_what_is_ready_for_review_and_by_whom():
    writer = make_staff("Writer", username="ravi")
    submitted(writer, title="Sleep and Worry")
    make_post(status=Post.Status.DRAFT, published_at=None, title="Still being written")
    html = client_for(make_staff("Editor")).get(DESK).content.decode()
    ready = section(html, "ready")
    assert "Ready for review (1)" in ready and "Sleep and Worry" in ready and "by ravi, 7 Dec 2026, 10:00" in ready
    assert "Still being written" not in html


def test_a_writer_sees_the_changes_asked_of_them_and_not_of_others_nor_the_review_queue():
    writer, other = make_staff("Writer"), make_staff("Writer")
    mine, theirs = submitted(writer, title="My article"), submitted(other, title="Their article")
    editor = client_for(make_staff("Editor"))
    for post in (mine, theirs):
        editor.post(f"/admin/blog/post/{post.pk}/workflow/", {"action": "request_changes", "note": "Shorter."})
    html = client_for(writer).get(DESK).content.decode()
    changes = section(html, "changes")
    assert "My article" in changes and "Their article" not in html
    assert 'id="desk-ready"' not in html and 'id="desk-awaiting"' not in html


def test_reviewers_and_editors_see_missing_out_of_date_and_overdue_reviews():
    reviewer = make_reviewer()
    make_sensitive_post(title="Never reviewed", status=Post.Status.DRAFT, published_at=None)
    changed = make_sensitive_post(title="Changed after review")
    make_review(changed, make_reviewer("Dr Two", username="two"))
    changed.body += "\n\nA new paragraph."
    changed.save()
    make_review(make_sensitive_post(title="Due again"), make_reviewer("Dr Three", username="three"),
                days_ago=400, due_in=-35)
    make_review(make_sensitive_post(title="Reviewed and current"), make_reviewer("Dr Four", username="four"))
    make_post(title="Not sensitive")
    for account in (reviewer, make_staff("Editor")):
        html = client_for(account).get(DESK).content.decode()
        assert "Never reviewed" in section(html, "awaiting")
        assert "Changed after review" in section(html, "out-of-date")
        assert "its text changed after the review" in section(html, "out-of-date")
        assert "Due again" in section(html, "overdue") and "due 2 Nov 2026" in section(html, "overdue")
        assert "Reviewed and current" not in html and "Not sensitive" not in html
    assert 'id="desk-ready"' not in client_for(reviewer).get(DESK).content.decode()


def test_the_week_is_a_calendar_day_by_day_of_what_is_scheduled():
    tomorrow_nine = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=timezone.get_current_timezone())
    make_post(title="Tomorrow’s article", published_at=tomorrow_nine)
    make_post(title="Next week’s article", published_at=NOW + datetime.timedelta(days=8))
    make_post(title="Already out", published_at=NOW - datetime.timedelta(hours=1))
    make_post(title="A draft with a date", status=Post.Status.DRAFT, published_at=NOW + datetime.timedelta(days=1))
    html = section(client_for(make_staff("Writer")).get(DESK).content.decode(), "scheduled")
    days = html.split("<h3>")[1:]
    assert [day.split("</h3>")[0] for day in days] == [
        "Monday 7 December (today)", "Tuesday 8 December", "Wednesday 9 December", "Thursday 10 December",
        "Friday 11 December", "Saturday 12 December", "Sunday 13 December"]
    assert "Tomorrow’s article" in days[1] and "09:00" in days[1]
    assert "Nothing scheduled." in days[0] and all("Nothing scheduled." in day for day in days[2:])
    for absent in ("Next week’s article", "Already out", "A draft with a date"):
        assert absent not in html


def fill_the_desk(n: int) -> None:
    writer = make_staff("Writer")
    for i in range(n):
        submitted(writer)
        make_sensitive_post(status=Post.Status.DRAFT, published_at=None)
        make_review(make_sensitive_post(), days_ago=400, due_in=-1)
        make_post(published_at=NOW + datetime.timedelta(days=1 + i % 5))


def test_the_desk_takes_the_same_number_of_queries_for_one_article_or_many(django_assert_max_num_queries):
    """8: the session, the account, its own and its groups' permissions, and one query per list
    (ready for review, changes requested, clinical reviews, the week)."""
    editor = client_for(make_staff("Editor"))
    fill_the_desk(1)
    with django_assert_max_num_queries(8):
        assert editor.get(DESK).status_code == 200
    fill_the_desk(6)
    with django_assert_max_num_queries(8):
        html = editor.get(DESK).content.decode()
    assert "Ready for review (7)" in html and "Overdue reviews (7)" in html


def test_the_desk_is_linked_from_the_post_list_and_the_home_page_and_closed_to_others():
    client = client_for(make_staff("Writer"))
    assert f'href="{DESK}"' in client.get("/admin/blog/post/").content.decode()
    assert f'href="{DESK}"' in client.get("/admin/").content.decode()
    nobody = make_staff("Writer")
    nobody.groups.clear()
    assert client_for(nobody).get(DESK).status_code == 403
    assert f'href="{DESK}"' not in client_for(nobody).get("/admin/").content.decode()
    assert Client().get(DESK).status_code == 302
    assert client.post(DESK).status_code == 405
