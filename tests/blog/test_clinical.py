"""Clinical review and safe messaging: a review line only where a review was recorded, reviews that
fall due, sensitive topics published only after the checklist and never ranked by popularity,
content notes, sources and the editorial policy."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import Post, Review
from tests.factories import (
    CHECKLIST,
    make_page,
    make_post,
    make_review,
    make_reviewer,
    make_staff,
    post_form,
    publish_form,
)
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
def review(post, days_ago=10, due_in=355, reviewer_name="Dr Meera Iyer") -> Review:
    return make_review(post, make_reviewer(reviewer_name), days_ago=days_ago, due_in=due_in)


def test_readers_see_the_latest_review_with_name_credentials_and_dates(client):
    post = make_post()
    review(post, days_ago=400, due_in=-35, reviewer_name="Dr Old")
    latest = review(post, days_ago=5, due_in=360)
    html = client.get(post.get_absolute_url()).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert f"Reviewed by Dr Meera Iyer, MD Psychiatry, on {latest.reviewed_on:%-d %B %Y}." in text
    assert f"Next review due {latest.next_review_due:%-d %B %Y}." in text
    assert "Dr Old" not in text


def test_no_review_line_without_a_recorded_review(client):
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Reviewed by" not in html and "Next review due" not in html


def test_a_review_from_before_reviewer_profiles_claims_nothing(client):
    """What the data migration leaves: a typed name and no digest of the text it covered."""
    post = make_post()
    today = timezone.localdate()
    Review.objects.create(post=post, reviewer_name="Dr Typed", reviewer_credentials="MD",
                          reviewed_on=today, next_review_due=today + datetime.timedelta(days=365))
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Dr Typed" not in html and "reviewedBy" not in html


@pytest.mark.usefixtures("content")
def test_the_imported_articles_claim_no_review(client):
    for post in Post.objects.published():
        assert "Reviewed by" not in client.get(post.get_absolute_url()).content.decode(), post.slug


def test_the_admin_lists_posts_awaiting_a_first_review_and_those_overdue():
    never = make_post(title="Never reviewed")
    overdue = make_post(title="Overdue one")
    review(overdue, days_ago=400, due_in=-1)
    current = make_post(title="Current one")
    review(current)
    editor = signed_in()
    awaiting = editor.get("/admin/blog/post/?review=awaiting").content.decode()
    assert never.title in awaiting and overdue.title not in awaiting and current.title not in awaiting
    late = editor.get("/admin/blog/post/?review=overdue").content.decode()
    assert overdue.title in late and never.title not in late and current.title not in late
    listing = editor.get("/admin/blog/post/").content.decode()
    assert "Awaiting first review" in listing and "Overdue since" in listing


# --- sensitive topics -------------------------------------------------------------------------

def test_a_sensitive_post_is_not_published_without_the_checklist():
    editor = signed_in("Editor")
    response = editor.post("/admin/blog/post/add/", publish_form(sensitive="on", checked_no_method_detail="on"))
    assert response.status_code == 200
    assert "safe-messaging checklist" in response.content.decode()
    assert not Post.objects.exists()
    response = editor.post("/admin/blog/post/add/", publish_form(sensitive="on", **CHECKLIST))
    assert response.status_code == 200  # the checklist is done; a clinical review is not (test_review_currency)
    assert "clinical reviewer has reviewed this version" in response.content.decode()
    assert not Post.objects.exists()
    response = editor.post("/admin/blog/post/add/", post_form(sensitive="on", **CHECKLIST))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.safe_messaging_checked and post.safe_messaging_checked_by is not None


def test_the_database_refuses_a_published_sensitive_post_without_the_checklist():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(sensitive=True)


def test_a_writer_cannot_tick_the_checklist_and_a_writers_edit_clears_it():
    writer = signed_in("Writer")
    response = writer.post("/admin/blog/post/add/", post_form(sensitive="on", **CHECKLIST))
    assert response.status_code == 302
    draft = Post.objects.get()
    assert draft.sensitive and not draft.safe_messaging_checked
    Post.objects.filter(pk=draft.pk).update(**dict.fromkeys(CHECKLIST, True))  # an editor checked it
    draft.refresh_from_db()
    assert writer.post(f"/admin/blog/post/{draft.pk}/change/",
                       post_form(draft, body="New words after the check.")).status_code == 302
    draft.refresh_from_db()
    assert not draft.safe_messaging_checked


def test_the_checklist_follows_the_account_saving_on_any_save_not_only_the_admins_form():
    """The rule lives in Post.save: whatever saves the article for an account (the admin's form, an
    autosave restored, a script acting for someone) keeps the ticks true to the words."""
    writer, editor = make_staff("Writer"), make_staff("Editor")
    post = make_post(status=Post.Status.DRAFT, published_at=None, sensitive=True)
    post.publisher = editor
    post.checked_no_method_detail = post.checked_no_sensational_headline = post.checked_help_resources = True
    post.save()
    post.refresh_from_db()
    assert post.safe_messaging_checked_by == editor and post.safe_messaging_checked_at is not None
    post.publisher = editor
    post.body += "\n\nAn editor's own change keeps the check."
    post.save()
    post.refresh_from_db()
    assert post.safe_messaging_checked
    post.publisher = writer
    post.hero_alt = "A new description of the picture."
    post.save()
    post.refresh_from_db()
    assert not post.checked_no_method_detail and not post.safe_messaging_checked
    assert post.safe_messaging_checked_by is None and post.safe_messaging_checked_at is None


def test_a_sensitive_post_is_never_ranked_by_popularity(client):
    calm = make_post(title="Calm topic", upvote_count=5)
    heavy = make_post(title="Heavy topic", upvote_count=50, sensitive=True, **dict.fromkeys(CHECKLIST, True))
    assert list(Post.objects.published().most_upvoted()) == [calm]
    listing = client.get("/blog/").content.decode()
    most = listing[listing.index('id="most-upvoted-title"'):]
    assert "Calm topic" in most and "Heavy topic" not in most
    assert heavy.get_absolute_url() in listing  # still listed among the latest, by date


def test_a_content_note_comes_before_the_body(client):
    post = make_post(content_note="This article talks about suicide.", body="## First section\n\nWords.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This article talks about suicide." in html
    assert html.index("This article talks about suicide.") < html.index('id="first-section"')


# --- sources and the editorial policy ------------------------------------------------------------

def test_sources_are_listed_at_the_end_of_the_article(client):
    post = make_post(sources="World Health Organization, [ICD-11](https://icd.who.int/browse11), 2019\n\n"
                             "- A second source")
    html = client.get(post.get_absolute_url()).content.decode()
    sources = html[html.index('id="sources-title"'):]
    assert re.search(r"<ol>\s*<li>World Health Organization, <a rel=\"noopener noreferrer\" "
                     r"href=\"https://icd.who.int/browse11\">ICD-11</a>, 2019</li>\s*<li>A second source</li>", sources)
    assert html.index('id="sources-title"') > html.index('class="prose"')


def test_no_sources_section_without_sources(client):
    assert 'id="sources-title"' not in client.get(make_post().get_absolute_url()).content.decode()


def test_every_article_links_to_the_editorial_policy(client):
    make_page(slug="editorial-policy", title="Editorial Policy")
    for post in (make_post(), make_post(sensitive=True, **dict.fromkeys(CHECKLIST, True))):
        assert 'href="/editorial-policy/"' in client.get(post.get_absolute_url()).content.decode()
    assert client.get("/editorial-policy/").status_code == 200
