"""Autosave of the article form, through HTTP as each role uses it: the working copy is kept beside
the article (never in it, never shown to readers), offered back when newer and different, deleted
when the editor saves; who else has the form open is shown, and expires, on a stopped clock."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from blog.models import Autosave, EditingPresence, Post
from tests.factories import make_post, make_staff, post_form

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


def test_a_new_article_says_autosave_starts_once_it_is_saved(clock):
    page = client_for(make_staff("Writer")).get("/admin/blog/post/add/").content.decode()
    assert "Autosave starts once the article has been saved once" in page and 'id="autosave"' not in page
