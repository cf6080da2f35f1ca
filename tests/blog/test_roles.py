"""Roles and revisions: writers write, editors publish, clinical reviewers record reviews, and every
save is kept, compared and restorable. Permissions are tested with crafted POSTs, not with the form."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import Post, Review
from tests.factories import make_post, make_reviewer, make_staff, post_form
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_the_roles_exist_with_their_permissions():
    perms = {group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
             for group in Group.objects.prefetch_related("permissions__content_type")}
    assert {"blog.add_post", "blog.change_post"} <= perms["Writer"] and "blog.publish_post" not in perms["Writer"]
    assert "blog.publish_post" in perms["Editor"] and "blog.delete_post" in perms["Editor"]
    assert "blog.add_review" in perms["Clinical reviewer"] and "blog.change_post" not in perms["Clinical reviewer"]


def test_a_writer_cannot_publish_a_new_post_even_by_crafting_the_post():
    now = timezone.localtime()
    response = signed_in("Writer").post("/admin/blog/post/add/", post_form(
        status="published", published_at_0=f"{now:%Y-%m-%d}", published_at_1=f"{now:%H:%M:%S}", featured="on"))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT and post.published_at is None and not post.featured
    assert not Post.objects.published().exists()


def test_a_writer_cannot_publish_or_schedule_a_draft_by_crafting_the_post():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = signed_in("Writer").post(f"/admin/blog/post/{draft.pk}/change/", post_form(
        draft, status="published", published_at_0=f"{later:%Y-%m-%d}", published_at_1="09:00:00"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT and draft.published_at is None


def test_a_writer_cannot_change_or_unpublish_a_published_post():
    post = make_post(title="Live article")
    writer = signed_in("Writer")
    response = writer.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, title="Changed", status="draft"))
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Live article" and post.status == Post.Status.PUBLISHED
    assert writer.get(f"/admin/blog/post/{post.pk}/change/").status_code == 200  # may read it
    assert writer.post(f"/admin/blog/post/{post.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_editor_publishes_and_schedules():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = signed_in("Editor").post(f"/admin/blog/post/{draft.pk}/change/", post_form(
        draft, status="published", published_at_0=f"{later:%Y-%m-%d}", published_at_1="09:00:00"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED and draft.publication_state == "scheduled"


def test_a_clinical_reviewer_records_reviews_but_cannot_edit_articles():
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    reviewer = Client()
    reviewer.force_login(make_reviewer())
    assert reviewer.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, title="X")).status_code == 403
    response = reviewer.post("/admin/blog/review/add/", {
        "post": post.pk, "reviewed_on": f"{timezone.localdate():%Y-%m-%d}",
        "next_review_due": f"{timezone.localdate() + datetime.timedelta(days=365):%Y-%m-%d}"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.post == post and review.recorded_by.groups.filter(name="Clinical reviewer").exists()
    assert signed_in("Writer").post("/admin/blog/review/add/", {"post": post.pk}).status_code == 403


def test_a_review_cannot_be_dated_in_the_future_or_due_before_it_happened():
    post = make_post()
    today = timezone.localdate()
    editor = Client()
    editor.force_login(make_reviewer(role=None))
    for reviewed_on, due in ((today + datetime.timedelta(days=1), today + datetime.timedelta(days=30)),
                             (today, today - datetime.timedelta(days=1))):
        response = editor.post("/admin/blog/review/add/", {
            "post": post.pk, "reviewed_on": f"{reviewed_on:%Y-%m-%d}", "next_review_due": f"{due:%Y-%m-%d}"})
        assert response.status_code == 200
    assert not Review.objects.exists()


# --- revisions ----------------------------------------------------------------------------------

def save_in_admin(client: Client, post: Post, **changes) -> None:
    response = client.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()


def test_every_save_keeps_who_when_and_the_content_and_history_lists_them():
    editor = make_staff("Editor", username="asha")
    client = Client()
    client.force_login(editor)
    post = make_post(status=Post.Status.DRAFT, published_at=None, body="First words.")
    save_in_admin(client, post, body="Second words.")
    save_in_admin(client, post, body="Third words.")
    versions = Version.objects.get_for_object(post)
    assert [v.field_dict["body"] for v in versions] == ["Third words.", "Second words."]
    assert all(v.revision.user == editor for v in versions)
    history = client.get(f"/admin/blog/post/{post.pk}/history/").content.decode()
    assert history.count('type="radio" name="from"') == 2 and "asha" in history


def test_two_versions_are_compared_line_by_line():
    client = signed_in()
    post = make_post(status=Post.Status.DRAFT, published_at=None, body="Line one.\n\nLine two.")
    save_in_admin(client, post, body="Line one.\n\nLine two.", title="Before")
    save_in_admin(client, post, body="Line one.\n\nLine 2, better.", title="After")
    newer, older = Version.objects.get_for_object(post)
    page = client.get(f"/admin/blog/post/{post.pk}/history/compare/?from={older.pk}&to={newer.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<del><span class=\"diff-sign\">− </span>Line two.</del>" in html
    assert "<ins><span class=\"diff-sign\">+ </span>Line 2, better.</ins>" in html
    assert "<del><span class=\"diff-sign\">− </span>Before</del>" in html
    assert client.get(f"/admin/blog/post/{post.pk}/history/compare/?from=x&to=1").status_code == 303


def test_restoring_a_version_brings_its_content_back():
    client = signed_in()
    post = make_post(status=Post.Status.DRAFT, published_at=None, body="The careful original.")
    save_in_admin(client, post, body="The careful original.")
    save_in_admin(client, post, body="A hasty rewrite.")
    original = Version.objects.get_for_object(post).get(serialized_data__contains="careful original")
    url = f"/admin/blog/post/{post.pk}/history/{original.pk}/"
    assert "The careful original." in client.get(url).content.decode()
    post.refresh_from_db()
    assert post.body == "A hasty rewrite."  # looking at a version changes nothing
    response = client.post(url, post_form(post, body="The careful original."))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "The careful original." and "careful original" in post.body_html


def test_a_writer_cannot_unpublish_by_restoring_a_draft_version():
    editor = signed_in("Editor")
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    save_in_admin(editor, post)
    draft_version = Version.objects.get_for_object(post).first()
    now = timezone.localtime()
    save_in_admin(editor, post, status="published", published_at_0=f"{now:%Y-%m-%d}",
                  published_at_1=f"{now:%H:%M:%S}")
    url = f"/admin/blog/post/{post.pk}/history/{draft_version.pk}/"
    assert signed_in("Writer").post(url, post_form(post, status="draft")).status_code == 403
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
