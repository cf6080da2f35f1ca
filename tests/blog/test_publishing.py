"""Writing and publishing: draft, scheduled and published; staff previews and private preview links;
old addresses that keep working; pages that cannot hide behind the site's own addresses; help texts."""

import datetime
import html
import json
import re

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from blog.models import Page, Post, PreviewLink, reserved_page_slugs
from tests.factories import make_post, make_staff, post_form

pytestmark = pytest.mark.django_db


def admin_client(role=None) -> Client:
    client = Client()
    client.force_login(make_staff(role))
    return client


# --- scheduling -------------------------------------------------------------------------------

def test_a_scheduled_post_appears_by_itself_at_its_minute(client, time_machine):
    moment = (timezone.now() + datetime.timedelta(minutes=5)).replace(second=0, microsecond=0)
    post = make_post(published_at=moment)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.get_absolute_url() not in client.get("/blog/").content.decode()
    time_machine.move_to(moment)  # the clock reaches the minute; nobody touches the post
    assert client.get(post.get_absolute_url()).status_code == 200
    assert post.get_absolute_url() in client.get("/blog/").content.decode()


def test_the_boundary_is_the_publication_moment_itself():
    now = timezone.now()
    at_the_minute = make_post(published_at=now)
    a_second_later = make_post(published_at=now + datetime.timedelta(seconds=1))
    visible = set(Post.objects.published())
    assert at_the_minute in visible and a_second_later not in visible


def test_unpublishing_hides_a_post_again(client):
    post = make_post()
    assert client.get(post.get_absolute_url()).status_code == 200
    response = admin_client("Editor").post(f"/admin/blog/post/{post.pk}/change/", post_form(post, status="draft"))
    assert response.status_code == 302
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.get_absolute_url() not in client.get("/blog/").content.decode()


def test_an_article_published_again_shows_its_first_date_and_updated(client):
    first = timezone.now() - datetime.timedelta(days=40)
    post = make_post(published_at=first)
    editor = admin_client("Editor")
    assert editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, status="draft")).status_code == 302
    post.refresh_from_db()
    assert post.published_at is None and post.first_published_at == first
    # Published again with no time: now, with no refusal for a stale past date.
    response = editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, status="published"))
    assert response.status_code == 302
    page = client.get(post.get_absolute_url()).content.decode()
    today = timezone.localtime()
    assert f"{timezone.localtime(first):%-d %B %Y}</time>" in page
    assert f"Updated <time datetime=\"{today:%Y-%m-%d}" in page and f"{today:%-d %B %Y}</time></span>" in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    article = next(item for item in (data if isinstance(data, list) else [data]) if item.get("@type") == "Article")
    assert article["datePublished"].startswith(f"{timezone.localtime(first):%Y-%m-%d}T")


def test_an_article_out_once_shows_one_date_and_no_updated(client):
    post = make_post(published_at=timezone.now() - datetime.timedelta(days=3))
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Updated" not in page


def test_unpublishing_a_scheduled_article_keeps_no_first_date():
    post = make_post(published_at=timezone.now() + datetime.timedelta(days=3))
    editor = admin_client("Editor")
    assert editor.post(f"/admin/blog/post/{post.pk}/change/", post_form(post, status="draft")).status_code == 302
    post.refresh_from_db()
    assert post.first_published_at is None and post.published_at is None


def test_admin_list_says_draft_scheduled_or_published():
    make_post(title="A draft", status=Post.Status.DRAFT, published_at=None)
    later = timezone.now() + datetime.timedelta(days=3)
    make_post(title="Later", published_at=later)
    make_post(title="Now live")
    page = admin_client().get("/admin/blog/post/").content.decode()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "Draft" in text
    assert f"Scheduled for {timezone.localtime(later):%-d %b %Y, %H:%M}" in text
    assert "Published " in text
    scheduled = admin_client().get("/admin/blog/post/?publication=scheduled").content.decode()
    assert "Later" in scheduled and "Now live" not in scheduled and "A draft" not in scheduled


# --- staff previews ---------------------------------------------------------------------------

def test_staff_read_a_draft_at_the_staff_preview_address_and_readers_cannot(client):
    draft = make_post(title="Work in progress", status=Post.Status.DRAFT, published_at=None)
    staff = admin_client("Writer")
    response = staff.get(draft.get_staff_preview_url())
    assert response.status_code == 200 and "Work in progress" in response.content.decode()
    assert "Preview: readers cannot see this article yet" in response.content.decode()
    assert response["Cache-Control"] == "no-store, private" or "no-store" in response["Cache-Control"]
    assert client.get(draft.get_staff_preview_url()).status_code == 302  # to the admin's sign-in
    # The public address does not change for staff: a draft there is a 404 for everyone.
    assert staff.get(draft.get_absolute_url()).status_code == 404


def test_view_on_site_leads_staff_to_the_preview_for_a_draft():
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    page = admin_client().get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert draft.get_staff_preview_url() in page


# --- private preview links --------------------------------------------------------------------

def make_link(post, **fields) -> PreviewLink:
    return PreviewLink.objects.create(post=post, expires_at=fields.pop("expires_at", timezone.now()
                                                                       + datetime.timedelta(days=7)), **fields)


def test_a_preview_link_opens_a_draft_without_an_account_and_is_kept_private(client):
    draft = make_post(title="Draft for review", status=Post.Status.DRAFT, published_at=None)
    link = make_link(draft)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200 and "Draft for review" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert not response.cookies
    assert "/upvote/" not in response.content.decode()  # nothing to vote on before publication


def test_a_scheduled_post_can_be_previewed_and_says_when_it_appears(client):
    scheduled = make_post(published_at=timezone.now() + datetime.timedelta(days=2))
    response = client.get(make_link(scheduled).get_absolute_url())
    assert response.status_code == 200 and "It is scheduled for" in response.content.decode()


def test_expired_revoked_and_forged_links_open_nothing(client):
    draft = make_post(title="Secret draft", status=Post.Status.DRAFT, published_at=None)
    expired = make_link(draft, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    revoked = make_link(draft, revoked_at=timezone.now())
    valid = make_link(draft)
    forged = valid.get_absolute_url().rstrip("/")[:-3] + "abc/"
    for url in (expired.get_absolute_url(), revoked.get_absolute_url(), forged, "/blog/preview/nonsense/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret draft" not in response.content.decode()
        assert "no-store" in response["Cache-Control"]


def test_a_link_to_a_post_published_since_leads_to_the_article(client):
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    link = make_link(post)
    post.status = Post.Status.PUBLISHED
    post.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()


def test_preview_links_are_never_listed(client):
    draft = make_post(title="Unlisted draft", status=Post.Status.DRAFT, published_at=None, tags=["calm"])
    make_link(draft)
    for path in ("/", "/blog/", "/blog/tag/calm/", "/robots.txt"):
        body = client.get(path).content.decode()
        assert "Unlisted draft" not in body and "/blog/preview/" not in body.replace("Disallow: /blog/preview/", "")
    assert "Disallow: /blog/preview/" in client.get("/robots.txt").content.decode()


def test_editors_make_and_withdraw_preview_links_in_the_admin(client):
    draft = make_post(title="Draft to share", status=Post.Status.DRAFT, published_at=None)
    staff = admin_client("Writer")
    page = f"/admin/blog/post/{draft.pk}/preview-links/"
    response = staff.post(page, {"action": "create", "days": "3"})
    assert response.status_code == 303
    link = PreviewLink.objects.get(post=draft)
    assert abs((link.expires_at - timezone.now()) - datetime.timedelta(days=3)) < datetime.timedelta(minutes=1)
    listing = staff.get(page).content.decode()
    assert link.get_absolute_url() in listing
    assert client.get(link.get_absolute_url()).status_code == 200
    assert staff.post(page, {"action": "revoke", "link": link.pk}).status_code == 303
    assert client.get(link.get_absolute_url()).status_code == 404
    assert staff.post(page, {"action": "create", "days": "9999"}).status_code == 303
    assert PreviewLink.objects.count() == 1


def test_withdrawing_a_preview_link_by_a_number_that_is_not_one_is_no_error():
    """Regression (raw-request fuzzer): `link=abc` was a 500, from a ValueError in the query."""
    link = PreviewLink.objects.create(post=make_post(status=Post.Status.DRAFT, published_at=None),
                                      expires_at=timezone.now() + datetime.timedelta(days=1))
    page = f"/admin/blog/post/{link.post.pk}/preview-links/"
    assert admin_client("Editor").post(page, {"action": "revoke", "link": "abc"}).status_code == 303
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("address", ["preview", "preview-links", "history/compare", "history/1"])
def test_an_admin_post_address_with_an_id_that_is_not_a_number_is_a_404(address):
    """Regression (raw-request fuzzer): /admin/blog/post/abc/preview/ and its siblings were a 500."""
    assert admin_client().get(f"/admin/blog/post/abc/{address}/").status_code == 404


# --- old addresses ----------------------------------------------------------------------------

def test_a_published_posts_old_slugs_redirect_permanently_in_one_hop(client):
    post = make_post(slug="first-name")
    for new in ("second-name", "third-name"):
        post.slug = new
        post.save()
    for old in ("first-name", "second-name"):
        response = client.get(f"/blog/{old}/")
        assert response.status_code == 301 and response["Location"] == "/blog/third-name/"
    assert client.get("/blog/third-name/").status_code == 200


def test_a_new_post_may_take_an_old_slug_and_a_drafts_renames_leave_no_trace(client):
    post = make_post(slug="old-name")
    post.slug = "new-name"
    post.save()
    newcomer = make_post(slug="old-name", title="The newcomer")
    assert client.get("/blog/old-name/").status_code == 200
    assert "The newcomer" in client.get("/blog/old-name/").content.decode()
    draft = make_post(slug="draft-name", status=Post.Status.DRAFT, published_at=None)
    draft.slug = "draft-renamed"
    draft.save()
    assert client.get("/blog/draft-name/").status_code == 404
    assert newcomer.pk


def test_an_old_address_of_an_unpublished_post_is_a_404(client):
    post = make_post(slug="was-here")
    post.slug = "is-here"
    post.save()
    post.status = Post.Status.DRAFT
    post.save()
    assert client.get("/blog/was-here/").status_code == 404


# --- standing pages ---------------------------------------------------------------------------

def test_reserved_slugs_come_from_the_url_configuration():
    reserved = reserved_page_slugs()
    assert {"blog", "help", "admin", "support", "engage", "static", "media", "markdownx", "healthz"} <= reserved
    assert "about" not in reserved


@pytest.mark.parametrize("slug", ["blog", "admin", "help", "support", "engage", "static", "media"])
def test_a_page_cannot_take_an_address_the_site_uses(slug):
    response = admin_client().post("/admin/blog/page/add/", {"title": "Sneaky", "slug": slug, "body": "Words."})
    assert response.status_code == 200
    assert "belongs to the site itself" in response.content.decode()
    assert not Page.objects.filter(slug=slug).exists()


def test_a_page_may_take_any_other_address(client):
    response = admin_client().post("/admin/blog/page/add/", {"title": "FAQ", "slug": "faq", "body": "Answers."})
    assert response.status_code == 302
    assert client.get("/faq/").status_code == 200


# --- help texts and the meta description --------------------------------------------------------

def test_every_help_text_reads_as_written_in_the_admin():
    staff = admin_client()
    checked = 0
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
        response = staff.get(url)
        if response.status_code != 200:
            continue
        page = response.content.decode()
        for field in model._meta.get_fields():
            help_text = str(getattr(field, "help_text", "") or "")
            if help_text and getattr(field, "editable", False) and f'name="{field.name}"' in page:
                assert html.escape(help_text, quote=False) in page.replace("&#x27;", "'").replace("&quot;", '"'), (
                    f"{model.__name__}.{field.name}: help text not shown as written")
                checked += 1
    assert checked > 10
    assert "/blog/&lt;slug&gt;/" in staff.get("/admin/blog/post/add/").content.decode()


def test_the_meta_description_has_a_live_count_that_needs_no_inline_script():
    page = admin_client().get("/admin/blog/post/add/").content.decode()
    assert re.search(r'<textarea name="excerpt"[^>]*data-count="155"[^>]*maxlength="300"', page) or re.search(
        r'<textarea name="excerpt"[^>]*maxlength="300"[^>]*data-count="155"', page)
    assert "js/admin-count.js" in page
    assert "Search engines show about 155 characters" in page  # what it says without JavaScript
    excerpt = re.search(r"<textarea name=\"excerpt\"[^>]*>", page).group(0)  # the live count's wording, translatable
    assert 'data-count-other="%(count)s characters"' in excerpt
    assert 'data-count-over="%(count)s: search engines may cut it after about %(target)s."' in excerpt


def test_the_article_form_states_its_saved_length_and_carries_the_live_counts_wording():
    post = make_post(body="Ünïcode words, snake_case and 2026 — " + "word " * 401)
    page = admin_client().get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert post.reading_minutes == 3
    assert "406 words · about 3 min read" in page  # what the editor sees without JavaScript
    textarea = re.search(r"<textarea name=\"body\"[^>]*>", page).group(0)
    assert 'data-words-per-minute="200"' in textarea
    assert 'data-length-one="%(words)s word · about %(minutes)s min read"' in textarea
    assert 'data-length-other="%(words)s words · about %(minutes)s min read"' in textarea
    assert "js/admin-words.js" in page
    assert "Counted when the article is first saved." in admin_client().get("/admin/blog/post/add/").content.decode()
