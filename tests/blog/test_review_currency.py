"""A clinical review belongs to the version reviewed: any change to the reviewed text puts it out of
date (readers, search engines and the admin then see it), the reviewer is the signed-in account with
a reviewer profile, and a sensitive article is published only with a current review by someone other
than the person publishing it. Every refusal is tried with a crafted POST."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from blog.models import Post, Review, ReviewerProfile
from tests.factories import make_post, make_review, make_reviewer, make_staff, make_tag, post_form
from tests.helpers import edit_file, signed_in

pytestmark = pytest.mark.django_db
CHECKLIST = dict.fromkeys(["checked_no_method_detail", "checked_no_sensational_headline", "checked_help_resources"],
                          True)
SEED_FILE = "blog/001-building-trust-through-trust-issues.md"


def save_in_admin(client: Client, post: Post, **changes):
    response = client.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, **changes))
    post.refresh_from_db()
    return response


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))


def reader_text(client: Client, post: Post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def publish_fields(**overrides) -> dict:
    now = timezone.localtime()
    return {"status": "published", "published_at_0": f"{now:%Y-%m-%d}", "published_at_1": f"{now:%H:%M:%S}",
            **overrides}


def review_form(post: Post, **overrides) -> dict:
    today = timezone.localdate()
    return {"post": post.pk, "reviewed_on": f"{today:%Y-%m-%d}",
            "next_review_due": f"{today + datetime.timedelta(days=365):%Y-%m-%d}", **overrides}


# --- out of date after any change to the reviewed text ------------------------------------------

@pytest.mark.parametrize("changes", [
    {"title": "A new title"},
    {"subtitle": "A new subtitle"},
    {"body": "## Section\n\nTry a sleeping tablet from the chemist."},
    {"sources": "A source the reviewer never saw"},
    {"content_note": "This article talks about self-harm."},
    {"body": "## Section\n\nSome words about the artikle."},  # a one-letter typo fix is a change too
], ids=["title", "subtitle", "body", "sources", "content note", "typo"])
def test_a_change_to_the_reviewed_text_puts_the_review_out_of_date(client, changes):
    post = make_post(body="## Section\n\nSome words about the article.")
    make_review(post, make_reviewer("Dr Meera Iyer"))
    page = reader_text(client, post)
    assert "Reviewed by Dr Meera Iyer" in page and json_ld(page)["reviewedBy"]["name"] == "Dr Meera Iyer"
    assert save_in_admin(signed_in(make_staff("Editor")), post, **changes).status_code == 302
    page = reader_text(client, post)
    assert "Reviewed by" not in page and "Dr Meera Iyer" not in page
    assert "reviewedBy" not in json_ld(page) and "lastReviewed" not in json_ld(page)
    state = Post.objects.with_review_dates().get(pk=post.pk)
    assert state.changed_since_review and not state.review_current and post.current_review() is None


def test_other_fields_leave_the_review_current(client):
    post = make_post(body="## Section\n\nWords.")
    make_review(post, make_reviewer("Dr Meera Iyer"))
    editor = signed_in(make_staff("Editor"))
    tag = make_tag("Healing")
    assert save_in_admin(editor, post, tags=[tag.pk], excerpt="A better excerpt.", cta_topic="grief").status_code == 302
    post.hero_credit = "Asha, for iDare"  # the hero credit (a hero image itself needs an upload)
    post.save()
    page = reader_text(client, post)
    assert "Reviewed by Dr Meera Iyer" in page and json_ld(page)["lastReviewed"] == f"{timezone.localdate()}"
    assert Post.objects.with_review_dates().get(pk=post.pk).review_current


def test_the_admin_list_the_post_page_and_the_queue_say_changed_since_review():
    changed = make_post(title="Changed one", sensitive=True, **CHECKLIST)
    make_review(changed)
    Post.objects.get(pk=changed.pk).save()  # an unchanged save keeps the review current
    current = make_post(title="Still current", sensitive=True, **CHECKLIST)
    make_review(current)
    calm = make_post(title="Calm, never reviewed")
    changed.body += " One more sentence."
    changed.save()
    editor = signed_in(make_staff("Editor"))
    listing = editor.get("/admin/blog/post/").content.decode()
    assert "Changed since review of" in listing
    filtered = editor.get("/admin/blog/post/?review=changed").content.decode()
    assert "Changed one" in filtered and "Still current" not in filtered and calm.title not in filtered
    page = editor.get(f"/admin/blog/post/{changed.pk}/change/").content.decode()
    assert "Changed since review:" in page
    reviewer = signed_in(make_reviewer())
    queue = reviewer.get("/admin/blog/post/?review=queue")
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "Changed one" in html and "Changed since review of" in html
    assert "Still current" not in html and calm.title not in html  # only sensitive articles queue


# --- the reviewer is the signed-in account with a reviewer profile ------------------------------

def test_a_review_is_the_signed_in_reviewers_whatever_the_post_names():
    post = make_post()
    me = make_reviewer("Dr Meera Iyer", "MD Psychiatry")
    other = make_reviewer("Dr Somebody Else", "PhD")
    response = signed_in(me).post("/admin/blog/review/add/", review_form(
        post, reviewer=other.pk, reviewer_name="Dr Somebody Else", reviewer_credentials="PhD",
        recorded_by=other.pk, text_digest="0" * 64))
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.reviewer == me and review.recorded_by == me
    assert (review.reviewer_name, review.reviewer_credentials) == ("Dr Meera Iyer", "MD Psychiatry")
    assert review.text_digest == post.reviewed_text_digest() and review.covers(post)
    assert review.version is None  # made outside the admin: django-reversion kept no version of it


def test_a_review_records_the_version_django_reversion_kept():
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    assert save_in_admin(signed_in(make_staff("Editor")), post, body="## Reviewed\n\nThese words.").status_code == 302
    assert signed_in(make_reviewer()).post("/admin/blog/review/add/", review_form(post)).status_code == 302
    assert Review.objects.get().version.field_dict["body"] == "## Reviewed\n\nThese words."


@pytest.mark.parametrize("profile", ["none", "inactive"])
def test_an_account_without_an_active_reviewer_profile_cannot_record_a_review(profile):
    post = make_post()
    user = make_reviewer(active=False) if profile == "inactive" else make_staff("Clinical reviewer")
    client = signed_in(user)
    assert "has no active reviewer profile" in client.get("/admin/blog/review/add/").content.decode()
    response = client.post("/admin/blog/review/add/", review_form(post))
    assert response.status_code == 200 and "has no active reviewer profile" in response.content.decode()
    assert not Review.objects.exists()


def test_a_review_cannot_be_dated_in_the_future_or_before_the_text_it_covers():
    post = make_post()
    client = signed_in(make_reviewer())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post("/admin/blog/review/add/", review_form(post, reviewed_on=f"{tomorrow:%Y-%m-%d}"))
    assert response.status_code == 200 and "once it has happened" in response.content.decode()
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    response = client.post("/admin/blog/review/add/", review_form(post, reviewed_on=f"{last_week:%Y-%m-%d}"))
    assert response.status_code == 200 and "cannot be dated before it" in response.content.decode()
    assert not Review.objects.exists()


def test_a_recorded_review_cannot_be_rewritten():
    review = make_review(make_post())
    client = signed_in(review.reviewer)
    response = client.post(f"/admin/blog/review/{review.pk}/change/", review_form(review.post, notes="Changed"))
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.notes == ""


def test_only_administrators_maintain_reviewer_profiles():
    target = make_staff("Clinical reviewer")
    data = {"user": target.pk, "name": "Dr Made Up", "credentials": "Self-awarded", "active": "on"}
    for role in ("Clinical reviewer", "Editor"):
        client = signed_in(make_reviewer(role=role))
        assert client.get("/admin/blog/reviewerprofile/").status_code == 403
        assert client.post("/admin/blog/reviewerprofile/add/", data).status_code == 403
    assert not ReviewerProfile.objects.filter(user=target).exists()
    assert signed_in(make_staff()).post("/admin/blog/reviewerprofile/add/", data).status_code == 302
    assert ReviewerProfile.objects.get(user=target).name == "Dr Made Up"


def test_a_deactivated_reviewers_reviews_show_readers_nothing(client):
    post = make_post()
    review = make_review(post, make_reviewer("Dr Meera Iyer"))
    assert "Reviewed by Dr Meera Iyer" in reader_text(client, post)
    ReviewerProfile.objects.filter(user=review.reviewer).update(active=False)
    page = reader_text(client, post)
    assert "Dr Meera Iyer" not in page and "reviewedBy" not in json_ld(page)


# --- four eyes: a sensitive article is published with someone else's current review ------------

def sensitive_draft(**fields) -> Post:
    return make_post(status=Post.Status.DRAFT, published_at=None, sensitive=True, **CHECKLIST, **fields)


def test_a_sensitive_article_is_not_published_without_a_current_review():
    draft = sensitive_draft()
    response = save_in_admin(signed_in(make_staff("Editor")), draft, **publish_fields())
    assert response.status_code == 200
    html = response.content.decode()
    assert "clinical reviewer has reviewed this version" in html and "constraint" not in html
    assert draft.status == Post.Status.DRAFT


def test_an_out_of_date_review_does_not_let_it_be_published():
    draft = sensitive_draft()
    make_review(draft)
    editor = signed_in(make_staff("Editor"))
    assert save_in_admin(editor, draft, body="## Section\n\nWords added after the review.").status_code == 302
    assert save_in_admin(editor, draft, **publish_fields()).status_code == 200
    assert draft.status == Post.Status.DRAFT


def test_the_reviewer_cannot_publish_what_they_reviewed():
    editor_and_reviewer = make_reviewer(role="Editor")
    draft = sensitive_draft()
    make_review(draft, editor_and_reviewer)
    response = save_in_admin(signed_in(editor_and_reviewer), draft, **publish_fields())
    assert response.status_code == 200 and "someone else publishes it" in response.content.decode()
    assert draft.status == Post.Status.DRAFT


def test_a_writer_cannot_force_a_sensitive_article_live():
    draft = sensitive_draft()
    make_review(draft)
    assert save_in_admin(signed_in(make_staff("Writer")), draft, **publish_fields()).status_code == 302
    assert draft.status == Post.Status.DRAFT and draft.published_by is None


def test_another_reviewers_current_review_lets_an_editor_publish(client):
    draft = sensitive_draft()
    make_review(draft, make_reviewer("Dr Meera Iyer"))
    editor = make_staff("Editor")
    assert save_in_admin(signed_in(editor), draft, **publish_fields()).status_code == 302
    assert draft.is_visible and draft.published_by == editor
    assert "Reviewed by Dr Meera Iyer" in reader_text(client, draft)


def test_a_published_sensitive_article_is_not_changed_live_without_a_new_review():
    post = sensitive_draft()
    make_review(post)
    editor = signed_in(make_staff("Editor"))
    assert save_in_admin(editor, post, **publish_fields()).status_code == 302
    response = save_in_admin(editor, post, body="## Section\n\nTry a sleeping tablet from the chemist.")
    assert response.status_code == 200 and "clinical reviewer has reviewed this version" in response.content.decode()
    assert "sleeping tablet" not in post.body
    assert save_in_admin(editor, post, tags=[make_tag("Grief").pk]).status_code == 302  # other fields may change


def test_flagging_a_live_article_sensitive_needs_a_review():
    post = make_post(**CHECKLIST)
    response = save_in_admin(signed_in(make_staff("Editor")), post, sensitive="on")
    assert response.status_code == 200 and not post.sensitive


# --- the importer ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("content")
def test_the_seed_content_imports_published():
    assert Post.objects.published().count() == Post.objects.count() > 0
    assert not Post.objects.filter(sensitive=True).exists()


def test_an_imported_sensitive_article_without_a_review_is_a_draft_and_reported(content_dir):
    edit_file(content_dir, SEED_FILE, "featured: true",
              "featured: false\nsensitive: true\nsafe_messaging_checked: true\ncontent_note: About suicide.")
    out = io.StringIO()
    call_command("import_content", "--content-dir", str(content_dir), stdout=out)
    post = Post.objects.get(slug="building-trust-through-trust-issues")
    assert post.sensitive and post.status == Post.Status.DRAFT
    assert "building-trust-through-trust-issues: sensitive, and no clinical review" in out.getvalue()
