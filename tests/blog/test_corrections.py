"""Corrections: a dated note to readers under a published article and in the feeds, added by editors,
dated by the server, never by the form."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from blog.models import Correction, Post
from tests.factories import make_post, post_form
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NOTE = "An earlier version gave the wrong hours for the helpline."


def add_correction(client: Client, post: Post, note: str = NOTE, **extra):
    return client.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-note": note, "corrections-0-post": str(post.pk), **extra}))


def test_an_editors_correction_is_shown_under_the_article_with_todays_date(client):
    post = make_post()
    assert add_correction(signed_in("Editor"), post).status_code == 302
    page = client.get(post.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert "Corrected on <time datetime=\"" in page and f"{today:%-d %B %Y}</time>: {NOTE}" in page
    assert page.index(NOTE) > page.index("class=\"prose\"")


def test_the_correction_reaches_feed_readers(client):
    post = make_post()
    add_correction(signed_in("Editor"), post)
    for feed in ("/blog/feed/", "/blog/feed/atom/"):
        assert NOTE in client.get(feed).content.decode(), feed


def test_a_correction_is_dated_by_the_server_not_by_the_form():
    post = make_post()
    add_correction(signed_in("Editor"), post, **{"corrections-0-corrected_at": "2020-01-01 10:00"})
    correction = Correction.objects.get()
    # Compared as instants: a date taken in UTC and one in India's time differ for five and a half hours a day.
    assert abs(timezone.now() - correction.corrected_at) < datetime.timedelta(minutes=1)
    assert correction.recorded_by is not None


def test_an_empty_correction_adds_nothing_and_the_save_still_works():
    post = make_post()
    response = add_correction(signed_in("Editor"), post, note="", subtitle="New subtitle")
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_a_writer_cannot_add_a_correction_to_a_published_article():
    post = make_post()
    assert add_correction(signed_in("Writer"), post).status_code == 403
    assert not Correction.objects.exists()


def test_a_draft_offers_no_correction_to_readers():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    page = signed_in("Editor").get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert "corrections-TOTAL_FORMS" not in page
    published = make_post()
    page = signed_in("Editor").get(f"/admin/blog/post/{published.pk}/change/").content.decode()
    assert "corrections-TOTAL_FORMS" in page
