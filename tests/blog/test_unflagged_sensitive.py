"""Publishing catches an article about suicide or self-harm that is not flagged sensitive, with the
crisis phrase list that search uses (idare.CrisisPhrase)."""

import pytest
from django.test import Client

from blog.models import Post
from core.models import CrisisPhrase
from tests.factories import make_review, make_staff, post_form, publish_form

pytestmark = pytest.mark.django_db
CHECKLIST = {"checked_no_method_detail": "on", "checked_no_sensational_headline": "on",
             "checked_help_resources": "on"}
BODY = "## Hard nights\n\nSome readers told us they felt better off dead, or spoke of self-harm."


@pytest.fixture
def editor(db) -> Client:
    for phrase, kind in (("better off dead", "suicidal"), ("self-harm", "self-harm"), ("can't go on", "crisis")):
        CrisisPhrase.objects.create(phrase=phrase, language="en", kind=kind)
    client = Client()
    client.force_login(make_staff("Editor"))
    return client


def test_an_unflagged_article_using_those_words_is_refused_with_the_phrases_named(editor):
    response = editor.post("/admin/blog/post/add/", publish_form(body=BODY))
    html = response.content.decode()
    assert response.status_code == 200 and not Post.objects.exists()
    assert "This article mentions “better off dead”, “self-harm”." in html
    assert 'name="confirm_not_sensitive"' in html


def test_the_tick_publishes_it_as_an_ordinary_article(editor):
    response = editor.post("/admin/blog/post/add/", publish_form(body=BODY, confirm_not_sensitive="on"))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.is_visible and not post.sensitive


def test_flagged_sensitive_the_catch_lets_it_through_to_review_and_publication(editor):
    # Flagged, it is a sensitive article: the catch is satisfied, and the four-eyes rule (a current
    # review by someone else) decides when it is published.
    response = editor.post("/admin/blog/post/add/", post_form(body=BODY, sensitive="on", **CHECKLIST))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.sensitive
    make_review(post)
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", publish_form(body=BODY, sensitive="on", **CHECKLIST))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_visible


def test_a_draft_and_an_article_with_only_crisis_words_of_another_kind_are_not_stopped(editor):
    assert editor.post("/admin/blog/post/add/", post_form(body=BODY)).status_code == 302
    response = editor.post("/admin/blog/post/add/", publish_form(slug="other", body="When you feel you can't go on."))
    assert response.status_code == 302


def test_the_title_counts_too(editor):
    response = editor.post("/admin/blog/post/add/", publish_form(title="Better off dead? No."))
    assert response.status_code == 200 and "“better off dead”" in response.content.decode()
