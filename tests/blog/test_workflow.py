"""The review between writer and editor, through the admin as each role uses it: a writer submits a
draft, an editor asks for changes or approves; crafted POSTs by the wrong role change nothing."""

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import EditorialEvent, Post
from tests.factories import make_post, make_reviewer, make_staff, post_form

pytestmark = pytest.mark.django_db

State = Post.EditorialState


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def move(client: Client, post: Post, action: str, note: str = ""):
    return client.post(f"/admin/blog/post/{post.pk}/workflow/", {"action": action, "note": note})


def draft(**fields) -> Post:
    return make_post(status=Post.Status.DRAFT, published_at=None, **fields)


def test_a_writer_submits_with_a_note_and_the_page_shows_the_history():
    writer = make_staff("Writer", username="ravi")
    post = draft()
    client = client_for(writer)
    page = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Review: Draft" in page and 'value="submit"' in page and 'value="approve"' not in page
    response = move(client, post, "submit", "Ready; the sources are checked.")
    assert response.status_code == 303 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    post.refresh_from_db()
    assert post.editorial_state == State.READY_FOR_REVIEW
    event = EditorialEvent.objects.get()
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        writer, State.DRAFT, State.READY_FOR_REVIEW, "Ready; the sources are checked.")
    page = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Review: Ready for review" in page and "Ready; the sources are checked." in page and "ravi" in page
    assert "The article is now “Ready for review”." in page


def test_an_editor_requests_changes_only_with_a_note_then_approves_the_revision():
    post = draft()
    move(client_for(make_staff("Writer")), post, "submit")
    editor = client_for(make_staff("Editor"))
    response = move(editor, post, "request_changes", "   ")
    assert response.status_code == 303
    post.refresh_from_db()
    assert post.editorial_state == State.READY_FOR_REVIEW
    assert "Say what should change: the writer reads your note." in editor.get(response["Location"]).content.decode()
    move(editor, post, "request_changes", "Soften the headline.")
    post.refresh_from_db()
    assert post.editorial_state == State.CHANGES_REQUESTED
    move(client_for(make_staff("Writer")), post, "submit", "Done.")
    move(editor, post, "approve")
    post.refresh_from_db()
    assert post.editorial_state == State.APPROVED
    assert list(EditorialEvent.objects.order_by("at", "pk").values_list("to_state", flat=True)) == [
        State.READY_FOR_REVIEW, State.CHANGES_REQUESTED, State.READY_FOR_REVIEW, State.APPROVED]


@pytest.mark.parametrize("role", ["Writer", "Clinical reviewer"])
@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_only_an_editor_approves_or_requests_changes_even_by_crafting_the_post(role, action):
    post = draft(editorial_state=State.READY_FOR_REVIEW)
    user = make_reviewer(role=role) if role == "Clinical reviewer" else make_staff(role)
    assert move(client_for(user), post, action, "Looks fine to me.").status_code == 403
    post.refresh_from_db()
    assert post.editorial_state == State.READY_FOR_REVIEW and not EditorialEvent.objects.exists()


def test_a_clinical_reviewer_cannot_submit_and_a_writer_cannot_submit_a_published_post():
    post = draft()
    assert move(client_for(make_reviewer()), post, "submit").status_code == 403
    live = make_post()
    assert move(client_for(make_staff("Writer")), live, "submit").status_code == 403
    post.refresh_from_db()
    live.refresh_from_db()
    assert post.editorial_state == live.editorial_state == State.DRAFT and not EditorialEvent.objects.exists()


def test_a_move_that_no_longer_applies_is_refused_in_a_sentence_and_changes_nothing():
    post = draft()
    editor = client_for(make_staff("Editor"))
    response = move(editor, post, "approve")  # nothing was submitted
    page = editor.get(response["Location"]).content.decode()
    assert "This article is “Draft” now, so “Approve” does not apply" in page
    live = make_post()
    page = editor.get(move(editor, live, "approve")["Location"]).content.decode()
    assert "only a draft goes through review" in page
    page = editor.get(move(editor, post, "publish-everything")["Location"]).content.decode()
    assert "Choose one of the buttons" in page
    assert not EditorialEvent.objects.exists()
    assert Post.objects.filter(editorial_state=State.DRAFT).count() == 2
    assert editor.get(f"/admin/blog/post/{post.pk}/workflow/").status_code == 405


def test_the_move_needs_the_csrf_token():
    post = draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("Writer"))
    assert move(client, post, "submit").status_code == 403
    post.refresh_from_db()
    assert post.editorial_state == State.DRAFT


def test_an_editor_publishes_from_any_state_and_unpublishing_returns_it_to_draft():
    editor_account = make_staff("Editor", username="meera")
    editor = client_for(editor_account)
    post = draft(editorial_state=State.CHANGES_REQUESTED)
    now = timezone.localtime()
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(
        post, status="published", published_at_0=f"{now:%Y-%m-%d}", published_at_1=f"{now:%H:%M:%S}"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.editorial_state == State.CHANGES_REQUESTED
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, status="draft"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.editorial_state == State.DRAFT
    published, unpublished = EditorialEvent.objects.order_by("at", "pk")
    assert (published.actor, published.publication) == (editor_account, "published")
    assert (unpublished.actor, unpublished.from_state, unpublished.to_state, unpublished.publication) == (
        editor_account, State.CHANGES_REQUESTED, State.DRAFT, "unpublished")
    page = editor.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "<td>Published</td>" in page and "<td>Unpublished</td>" in page


def test_scheduling_is_kept_in_the_review_history_with_its_time():
    editor = client_for(make_staff("Editor"))
    post = draft(editorial_state=State.APPROVED)
    later = timezone.localtime() + timezone.timedelta(days=2)
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(
        post, status="published", published_at_0=f"{later:%Y-%m-%d}", published_at_1="09:30:00"))
    assert response.status_code == 302
    event = EditorialEvent.objects.get()
    assert event.publication == "scheduled" and event.note == f"For {later:%-d %b %Y}, 09:30."
    assert f"For {later:%-d %b %Y}, 09:30." in editor.get(f"/admin/blog/post/{post.pk}/change/").content.decode()


def test_a_writers_change_to_an_approved_draft_sends_it_back_to_be_submitted_again():
    writer = client_for(make_staff("Writer"))
    post = draft(editorial_state=State.APPROVED)
    address = f"/admin/blog/post/{post.pk}/change/"
    response = writer.post(address, post_form(post, body=post.body + "\n\nOne more line."))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.editorial_state == State.DRAFT
    event = EditorialEvent.objects.get()
    assert (event.from_state, event.to_state) == (State.APPROVED, State.DRAFT)
    assert "submit it for review again" in writer.get(f"/admin/blog/post/{post.pk}/change/").content.decode()


def test_an_editors_own_change_or_a_writers_metadata_change_keeps_the_approval():
    post = draft(editorial_state=State.APPROVED)
    editor = client_for(make_staff("Editor"))
    address = f"/admin/blog/post/{post.pk}/change/"
    assert editor.post(address, post_form(post, body=post.body + " Edited.")).status_code == 302
    writer = client_for(make_staff("Writer"))
    post.refresh_from_db()
    assert writer.post(address, post_form(post, excerpt="A new summary.")).status_code == 302
    post.refresh_from_db()
    assert post.editorial_state == State.APPROVED and not EditorialEvent.objects.exists()


def test_the_database_refuses_an_unknown_state_and_changes_requested_without_a_note():
    post = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(editorial_state="shipped")
    with pytest.raises(IntegrityError), transaction.atomic():
        EditorialEvent.objects.create(post=post, from_state=State.READY_FOR_REVIEW, to_state=State.CHANGES_REQUESTED)
    for constraint in [*Post._meta.constraints, *EditorialEvent._meta.constraints]:
        assert constraint.violation_error_message and "_" not in str(constraint.violation_error_message)


# --- e-mail notices ------------------------------------------------------------------------------

def test_editors_are_told_when_a_writer_submits_with_a_link_and_nothing_of_the_article(
        mailoutbox, django_capture_on_commit_callbacks):
    editor = make_staff("Editor")
    no_address = make_staff("Editor")
    no_address.email = ""
    no_address.save()
    writer = make_staff("Writer")
    post = draft(title="Sitting With Loss", body="## Grief\n\nWords only readers should read.")
    with django_capture_on_commit_callbacks(execute=True):
        move(client_for(writer), post, "submit", "A private note about grief.")
    [mail] = mailoutbox
    assert mail.to == [editor.email] and mail.subject == "An article is ready for your review"
    assert f"{settings.SITE_URL}/admin/blog/post/{post.pk}/change/" in mail.body
    for secret in ("Sitting With Loss", "Grief", "readers should read", "private note", post.slug):
        assert secret not in mail.subject + mail.body


@pytest.mark.parametrize(("action", "note", "subject"), [
    ("request_changes", "Soften the headline.", "An editor asked for changes to your article"),
    ("approve", "", "An editor approved your article"),
])
def test_the_writer_who_submitted_is_told_of_the_editors_answer(
        action, note, subject, mailoutbox, django_capture_on_commit_callbacks):
    writer, other_writer = make_staff("Writer"), make_staff("Writer")
    post = draft()
    move(client_for(other_writer), post, "submit")
    move(client_for(make_staff("Editor")), post, "request_changes", "First round.")
    move(client_for(writer), post, "submit")  # the last submitter is the one told
    with django_capture_on_commit_callbacks(execute=True):
        move(client_for(make_staff("Editor")), post, action, note)
    [mail] = mailoutbox
    assert mail.to == [writer.email] and mail.subject == subject
    assert f"/admin/blog/post/{post.pk}/change/" in mail.body
    assert post.title not in mail.body and (not note or note not in mail.body)


def test_a_refused_move_tells_nobody(mailoutbox, django_capture_on_commit_callbacks):
    make_staff("Editor")
    post = draft()
    with django_capture_on_commit_callbacks(execute=True):
        move(client_for(make_staff("Editor")), post, "approve")  # nothing was submitted
        move(client_for(make_reviewer()), post, "submit")  # 403
    assert mailoutbox == []


def test_restoring_an_earlier_version_keeps_where_the_review_stands():
    writer = client_for(make_staff("Writer"))
    post = draft(body="The careful original.")
    writer.post(f"/admin/blog/post/{post.pk}/change/", post_form(post))
    original = Version.objects.get_for_object(post).first()
    move(writer, post, "submit")
    editor = client_for(make_staff("Editor"))
    move(editor, post, "approve")
    post.refresh_from_db()
    response = editor.post(f"/admin/blog/post/{post.pk}/history/{original.pk}/", post_form(post))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.editorial_state == State.APPROVED


def test_clinical_reviewers_are_told_when_a_sensitive_draft_without_a_current_review_is_submitted(
        mailoutbox, django_capture_on_commit_callbacks):
    reviewer = make_reviewer()
    make_reviewer("Dr Gone", username="gone", active=False)
    editor = make_staff("Editor")
    sensitive = draft(sensitive=True, content_note="Talks about suicide.")
    with django_capture_on_commit_callbacks(execute=True):
        move(client_for(make_staff("Writer")), sensitive, "submit")
    assert sorted((mail.subject, tuple(mail.to)) for mail in mailoutbox) == [
        ("A sensitive article awaits your clinical review", (reviewer.email,)),
        ("An article is ready for your review", (editor.email,))]
    assert all(f"/admin/blog/post/{sensitive.pk}/change/" in mail.body and sensitive.title not in mail.body
               for mail in mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(client_for(make_staff("Writer")), draft(), "submit")  # not sensitive: editors only
    assert [mail.to for mail in mailoutbox] == [[editor.email]]


@pytest.mark.parametrize("object_id", ["99999999999999999999", "not-a-number", "0"])
def test_a_move_on_no_such_article_is_a_404(object_id):
    client = client_for(make_staff("Editor"))
    response = client.post(f"/admin/blog/post/{object_id}/workflow/", {"action": "approve"})
    assert response.status_code == 404
    assert client.get(f"/admin/blog/post/{object_id}/change/").status_code in (302, 404)
