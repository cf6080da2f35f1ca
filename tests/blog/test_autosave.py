"""Autosave of the article form, through HTTP as each role uses it: the working copy is kept beside
the article (never in it, never shown to readers), offered back when newer and different, deleted
when the editor saves; who else has the form open is shown, and expires, on a stopped clock."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import Autosave, EditingPresence, Post
from tests.factories import make_author, make_post, make_staff, post_form

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 12:03 in Kolkata (the site's time zone).
START = datetime.datetime(2026, 12, 7, 6, 33, tzinfo=datetime.UTC)


class Clock:
    def __init__(self):
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(**fields) -> Post:
    return make_post(status=Post.Status.DRAFT, published_at=None, **fields)


def text(post: Post, **changes) -> dict:
    fields = {name: getattr(post, name) for name in ("title", "subtitle", "excerpt", "body", "content_note",
                                                     "sources")}
    return {**fields, **changes}


def autosave(client: Client, post: Post, **changes):
    return client.post(f"/admin/blog/post/{post.pk}/autosave/", text(post, **changes))


def change_page(client: Client, post: Post, query: str = "") -> str:
    response = client.get(f"/admin/blog/post/{post.pk}/change/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_an_autosave_keeps_one_working_copy_per_editor_and_never_touches_the_article(clock):
    post = make_post()
    before = Post.objects.filter(pk=post.pk).values().get()
    editor = client_for(make_staff("Editor", username="walk-editor"))
    clock.advance(60)
    response = autosave(editor, post, body="A first half-written thought")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["saved"] is True and response.json()["status"] == "Autosaved at 12:04"
    clock.advance(11)
    response = autosave(editor, post, body="A first half-written thought, and a second.")
    assert response.json()["status"] == "Autosaved at 12:04"
    kept = Autosave.objects.get()  # updated in place: one row per editor and post
    assert kept.text["body"] == "A first half-written thought, and a second." and kept.saved_at == clock.now
    assert Post.objects.filter(pk=post.pk).values().get() == before  # not a field of the article changed


def test_a_second_autosave_within_two_seconds_is_not_written(clock):
    post = draft()
    editor = client_for(make_staff("Editor"))
    autosave(editor, post, body="One")
    clock.advance(1)
    response = autosave(editor, post, body="One two")
    assert response.status_code == 200 and response.json()["saved"] is False
    assert Autosave.objects.get().text["body"] == "One"


def test_a_newer_different_autosave_is_offered_and_restored_with_or_without_javascript(clock):
    post = draft(body="The saved words.")
    user = make_staff("Writer", username="asha")
    writer = client_for(user)
    assert "Restore the autosaved text" not in change_page(writer, post)
    clock.advance(30)
    autosave(writer, post, title="A better title", body="The saved words, and the words typed before the crash.")
    page = change_page(writer, post)
    assert "Restore the autosaved text" in page and "Discard it" in page
    assert "differs from the article as last saved" in page
    assert 'href="?autosave=restore"' in page
    assert "The saved words, and the words typed before the crash." not in page  # the form shows the article

    restored = change_page(writer, post, "?autosave=restore")  # without JavaScript: the form comes filled
    assert "The saved words, and the words typed before the crash.</textarea>" in restored
    assert 'value="A better title"' in restored and "It is not saved yet" in restored
    post.refresh_from_db()
    assert post.body == "The saved words." and post.title != "A better title"

    answer = writer.get(f"/admin/blog/post/{post.pk}/autosave/")  # what the script fills the form with
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert answer.json()["text"]["body"] == "The saved words, and the words typed before the crash."


def test_an_autosave_equal_to_the_article_or_older_than_its_last_save_is_not_offered(clock):
    post = draft(body="Same words.")
    editor = client_for(make_staff("Editor"))
    clock.advance(30)
    autosave(editor, post)  # nothing changed
    assert "Restore the autosaved text" not in change_page(editor, post)
    clock.advance(30)
    autosave(editor, post, body="Other words.")
    clock.advance(30)
    Post.objects.get(pk=post.pk).save()  # saved since (by someone else, or another tab)
    assert "Restore the autosaved text" not in change_page(editor, post)
    assert editor.get(f"/admin/blog/post/{post.pk}/autosave/").status_code == 404


def test_saving_the_article_deletes_the_editors_autosave_and_only_theirs(clock):
    post = draft()
    first, second = make_staff("Editor"), make_staff("Editor")
    clock.advance(30)
    autosave(client_for(first), post, body="First's words.")
    autosave(client_for(second), post, body="Second's words.")
    clock.advance(30)
    response = client_for(first).post(f"/admin/blog/post/{post.pk}/change/", post_form(post, body="First's words."))
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user", flat=True)) == [second.pk]
    post.refresh_from_db()
    assert post.body == "First's words."
    assert "Restore the autosaved text" not in change_page(client_for(second), post)  # older than the save now


def test_discard_it_deletes_the_autosave(clock):
    post = draft()
    client = client_for(make_staff("Writer"))
    clock.advance(30)
    autosave(client, post, body="Not wanted after all.")
    response = client.post(f"/admin/blog/post/{post.pk}/autosave/discard/")
    assert response.status_code == 303 and response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    assert not Autosave.objects.exists()
    page = change_page(client, post)
    assert "The autosaved text was discarded." in page and "Restore the autosaved text" not in page


def test_the_history_page_lists_autosaves_by_who_and_when(clock):
    post = draft()
    autosave(client_for(make_staff("Writer", username="meera")), post, body="Work in progress.")
    page = client_for(make_staff("Editor")).get(f"/admin/blog/post/{post.pk}/history/").content.decode()
    assert "Autosaved by meera at" in page and "Work in progress." not in page


@pytest.mark.parametrize(("role", "status", "expected"), [
    ("Writer", Post.Status.DRAFT, 200),  # the roles let a writer edit any draft, another's too
    ("Writer", Post.Status.PUBLISHED, 403),  # what readers see is an editor's to change
    ("Editor", Post.Status.PUBLISHED, 200),
    ("Clinical reviewer", Post.Status.DRAFT, 403),  # reads every article, changes none
])
def test_only_who_may_change_the_article_autosaves_it(clock, role, status, expected):
    post = make_post(status=status, published_at=None if status == Post.Status.DRAFT else START)
    client = client_for(make_staff(role))
    response = autosave(client, post, body="Changed by whoever this is.")
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["error"] == "You may not change this article, so nothing was autosaved."
        assert not Autosave.objects.exists()
        assert client.post(f"/admin/blog/post/{post.pk}/autosave/discard/").status_code == 403
        assert 'id="autosave"' not in client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()


def test_nobody_signed_out_or_without_staff_access_reaches_it(clock, django_user_model):
    post = draft()
    response = Client().post(f"/admin/blog/post/{post.pk}/autosave/", text(post))
    assert response.status_code == 302 and "/login/" in response["Location"]
    reader = django_user_model.objects.create_user("reader", "r@example.com", "a long reader password")
    response = client_for(reader).post(f"/admin/blog/post/{post.pk}/autosave/", text(post))
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(clock):
    post = draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("Editor"))
    assert client.post(f"/admin/blog/post/{post.pk}/autosave/", text(post)).status_code == 403
    assert not Autosave.objects.exists()


def test_bad_input_gets_a_sentence_and_a_400_never_a_500(clock):
    post = draft()
    client = client_for(make_staff("Editor"))
    missing = text(post)
    del missing["body"]
    response = client.post(f"/admin/blog/post/{post.pk}/autosave/", missing)
    assert response.status_code == 400
    assert response.json()["error"] == "The autosave is missing part of the article; it was not saved."
    response = autosave(client, post, body="a" * (settings.IDARE_MARKDOWN_MAX_CHARS + 1))
    assert response.status_code == 400 and "longer than 100,000 characters" in response.json()["error"]
    response = autosave(client, post, title="t" * 201)
    assert response.status_code == 400 and response.json()["error"].startswith("The title is longer than 200")
    response = client.post(f"/admin/blog/post/{post.pk}/autosave/", data=b"x" * 1_000_000,
                           content_type="application/octet-stream")
    assert response.status_code == 400 and response.json()["error"] == "The article is too long to autosave."
    assert not Autosave.objects.exists()
    assert client.post("/admin/blog/post/no-such/autosave/", text(post)).status_code == 404
    assert client.post("/admin/blog/post/999999/autosave/", text(post)).status_code == 404
    assert client.put(f"/admin/blog/post/{post.pk}/autosave/").status_code == 405
    response = autosave(client, post, body="At the limit. " + "a" * (settings.IDARE_MARKDOWN_MAX_CHARS - 14))
    assert response.status_code == 200 and response.json()["saved"] is True


def test_a_second_editor_is_told_who_else_is_editing_until_two_minutes_of_silence(clock):
    post = draft()
    walk = client_for(make_staff("Editor", username="walk-editor"))
    other_user = make_staff("Writer", username="ravi")
    other = client_for(other_user)
    change_page(walk, post)  # opening the form is a first heartbeat
    clock.advance(45)
    page = change_page(other, post)
    assert "walk-editor is also editing this article (last active 12:03)." in page
    assert "ravi is also editing" not in page  # never yourself
    clock.advance(60)
    response = walk.post(f"/admin/blog/post/{post.pk}/autosave/", {"heartbeat": "1"})
    assert response.status_code == 200 and "saved" not in response.json()
    assert response.json()["others"] == "ravi is also editing this article (last active 12:03)."
    assert not Autosave.objects.exists()  # a heartbeat keeps no text
    assert EditingPresence.objects.count() == 2
    clock.advance(119)
    response = other.post(f"/admin/blog/post/{post.pk}/autosave/", {"heartbeat": "1"})
    assert response.json()["others"] == "walk-editor is also editing this article (last active 12:04)."
    clock.advance(2)  # walk-editor silent for 121 s: the tab was closed
    response = other.post(f"/admin/blog/post/{post.pk}/autosave/", {"heartbeat": "1"})
    assert response.json()["others"] == ""
    assert "is also editing" not in change_page(other, post)


def test_readers_see_nothing_of_an_autosave(clock, settings):
    settings.IDARE_PAGE_CACHE = False  # each visit rendered afresh, not the cached bytes
    post = make_post(body="## Published\n\nThe words readers have.")
    reader = Client()
    before = reader.get(post.get_absolute_url())
    assert before.status_code == 200
    clock.advance(30)
    response = autosave(client_for(make_staff("Editor")), post, title="Secret headline",
                        body="## Published\n\nWords still being written.")
    assert response.status_code == 200
    after = reader.get(post.get_absolute_url())
    assert after.content == before.content
    assert "Words still being written" not in after.content.decode()
    assert "Secret headline" not in reader.get("/blog/").content.decode()


# --- a new article (the add form) -----------------------------------------------------------------

NEW = "/admin/blog/post/add/autosave/"


def new_text(writer_of, **changes) -> dict:
    """The add form's autosave as the script sends it, with `writer_of` (an Author) as the author."""
    author = writer_of
    fields = {"title": "A first draft", "subtitle": "", "excerpt": "", "body": "Words typed before any save.",
              "content_note": "", "sources": "", "author": author.pk, "slug": "a-first-draft",
              "autosave_key": "page-one"}
    return {**fields, **changes}


def test_the_add_form_autosaves_once_it_has_a_title_and_says_so(clock):
    page = client_for(make_staff("Writer")).get("/admin/blog/post/add/").content.decode()
    assert 'id="autosave"' in page and 'data-autosave-url="/admin/blog/post/add/autosave/"' in page
    assert "once it has a title and an author this article is autosaved as a draft" in page


def test_the_first_autosave_of_a_new_article_makes_a_draft_and_later_ones_keep_to_it(clock):
    user = make_staff("Writer", username="asha")
    writer = client_for(user)
    author = make_author()
    response = writer.post(NEW, new_text(author))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    post = Post.objects.get()
    assert answer["created"] is True and answer["saved"] is True and answer["status"] == "Autosaved as a draft at 12:03"
    assert answer["change_url"] == f"/admin/blog/post/{post.pk}/change/"
    assert answer["autosave_url"] == f"/admin/blog/post/{post.pk}/autosave/"
    assert (post.title, post.body, post.slug, post.author, post.status) == (
        "A first draft", "Words typed before any save.", "a-first-draft", author, Post.Status.DRAFT)
    assert post.published_at is None and not post.is_visible
    assert Version.objects.get_for_object(post).get().revision.user == user  # the history says who made it

    again = writer.post(NEW, new_text(author, body="Sent twice: the first answer was lost."))
    assert again.json()["change_url"] == answer["change_url"] and Post.objects.count() == 1  # the same page's key

    clock.advance(30)  # the script now autosaves to the article, and the form saves it
    assert autosave(writer, post, body="Typed after the first autosave.").json()["saved"] is True
    assert Post.objects.count() == 1 and Autosave.objects.get().text["body"] == "Typed after the first autosave."
    clock.advance(30)
    saved = writer.post(answer["change_url"], post_form(post, body="Saved for real.", excerpt="What it is about."))
    assert saved.status_code == 302 and Post.objects.count() == 1
    assert Post.objects.get().body == "Saved for real." and not Autosave.objects.exists()


def test_a_writer_cannot_publish_through_the_new_articles_autosave(clock):
    writer = client_for(make_staff("Writer"))
    response = writer.post(NEW, {**new_text(make_author()), "status": "published", "featured": "on",
                                 "published_at_0": "2026-12-07", "published_at_1": "12:00:00"})
    assert response.status_code == 200
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT and post.published_at is None and not post.featured
    assert Client().get(post.get_absolute_url()).status_code == 404


def test_a_new_article_without_a_title_or_an_author_makes_nothing(clock):
    writer = client_for(make_staff("Writer"))
    response = writer.post(NEW, new_text(make_author(), title="   "))
    assert response.status_code == 200 and response.json() == {
        "saved": False, "waiting": True, "status": "Give the article a title and it is autosaved as a draft."}
    response = writer.post(NEW, new_text(make_author(), author=""))
    assert response.json()["status"] == "Choose the author and the article is autosaved as a draft."
    assert not Post.objects.exists()


def test_a_taken_or_invalid_address_gets_a_free_one_from_the_title(clock):
    make_post(slug="a-first-draft")
    writer = client_for(make_staff("Writer"))
    assert writer.post(NEW, new_text(make_author(), slug="a-first-draft")).json()["slug"] == "a-first-draft-2"
    response = writer.post(NEW, new_text(make_author(), title="चिंता और नींद", slug="not a slug!",
                                         autosave_key="page-two"))
    assert response.json()["slug"] == Post.objects.get(title="चिंता और नींद").slug == "cimta-aur-nimd"


def test_bad_input_to_the_new_articles_autosave_is_a_sentence_and_nothing_is_kept(clock):
    writer = client_for(make_staff("Writer"))
    author = make_author()
    for data, sentence in [
        (new_text(author, author="999999"), "That author is not in the list"),
        (new_text(author, author="x" * 40), "That author is not in the list"),
        (new_text(author, title="t" * 201), "The title is longer than 200"),
        ({"title": "Only a title", "author": author.pk}, "The autosave is missing part of the article"),
    ]:
        response = writer.post(NEW, data)
        assert response.status_code == 400 and response.json()["error"].startswith(sentence)
    response = writer.post(NEW, data=b"x" * 1_000_000, content_type="application/octet-stream")
    assert response.status_code == 400
    assert writer.get(NEW).status_code == 405
    assert not Post.objects.exists()


def test_only_who_may_add_articles_autosaves_a_new_one_with_the_csrf_token(clock):
    reviewer = client_for(make_staff("Clinical reviewer"))  # reads every article, adds none
    response = reviewer.post(NEW, new_text(make_author()))
    assert response.status_code == 403
    assert response.json()["error"] == "You may not add articles, so nothing was autosaved."
    assert Client().post(NEW, new_text(make_author())).status_code == 302  # to the sign-in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_staff("Writer"))
    assert strict.post(NEW, new_text(make_author())).status_code == 403
    assert not Post.objects.exists()
