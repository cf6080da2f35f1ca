"""Reading pages kept finished and answered before Django runs (serving/page_cache.py), through the
WSGI application itself, as gunicorn calls it."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import caches
from django.utils import timezone

from blog.models import Post
from serving.page_cache import PageCacheHandler, read_version
from tests.factories import make_post
from tests.helpers import call, renders_nothing, settle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def site():
    return PageCacheHandler()


@pytest.mark.django_db(transaction=True)
def test_a_kept_page_is_answered_without_a_query_or_a_template(site, django_assert_num_queries):
    post = make_post()
    settle(site)
    first = call(site, post.get_absolute_url())
    with django_assert_num_queries(0), renders_nothing() as rendered:
        again = call(site, post.get_absolute_url())
    assert rendered == []
    assert again[1].pop("Age") in ("0", "1")  # how long it was kept, so that browsers keep it no longer
    assert again == first and again[0] == 200


def test_a_kept_page_carries_every_header_of_the_original(site):
    post = make_post()
    status, fresh, _ = call(site, post.get_absolute_url())
    status, kept, _ = call(site, post.get_absolute_url())
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options",
                   "Cross-Origin-Opener-Policy", "Content-Type", "Cache-Control", "ETag", "Last-Modified"):
        assert kept[header] == fresh[header], header
    assert "public" in kept["Cache-Control"] and "s-maxage" in kept["Cache-Control"]
    assert "Set-Cookie" not in kept and "Cookie" not in kept.get("Vary", "")


@pytest.mark.django_db(transaction=True)
def test_conditional_requests_get_304_from_the_kept_page(site, django_assert_num_queries):
    post = make_post()
    settle(site)
    _, headers, _ = call(site, post.get_absolute_url())
    with django_assert_num_queries(0):
        by_etag = call(site, post.get_absolute_url(), IF_NONE_MATCH=headers["ETag"])
        by_date = call(site, post.get_absolute_url(), IF_MODIFIED_SINCE=headers["Last-Modified"])
        changed = call(site, post.get_absolute_url(), IF_NONE_MATCH='"something-else"')
    assert by_etag[0] == by_date[0] == 304 and by_etag[2] == by_date[2] == b""
    assert by_etag[1]["ETag"] == headers["ETag"]
    assert changed[0] == 200 and changed[2]


def test_head_is_answered_like_get_without_a_body(site):
    post = make_post()
    get = call(site, post.get_absolute_url())
    head = call(site, post.get_absolute_url(), method="HEAD")
    assert head[0] == 200 and head[2] == b""
    assert head[1]["Content-Type"] == get[1]["Content-Type"]
    assert head[1]["Content-Length"] == str(len(get[2]))


def test_an_edit_shows_on_the_next_request(site):
    post = make_post(title="Before the edit")
    assert b"Before the edit" in call(site, post.get_absolute_url())[2]
    assert b"Before the edit" in call(site, "/blog/")[2]
    post.title = "After the edit"
    post.save()
    assert b"After the edit" in call(site, post.get_absolute_url())[2]
    assert b"After the edit" in call(site, "/blog/")[2]


def test_publishing_a_draft_shows_it_in_listings_at_once(site):
    make_post(title="Already out")
    draft = make_post(title="Fresh from the editor", status=Post.Status.DRAFT, published_at=None)
    assert b"Fresh from the editor" not in call(site, "/")[2]
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert b"Fresh from the editor" in call(site, "/")[2]


def test_a_scheduled_article_appears_at_its_minute_without_any_edit(site, time_machine):
    make_post(title="Already out")
    soon = timezone.now() + datetime.timedelta(seconds=2)
    make_post(title="Scheduled piece", published_at=soon)
    status, headers, body = call(site, "/blog/")
    assert b"Scheduled piece" not in body
    assert int(headers["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 2
    time_machine.move_to(soon + datetime.timedelta(seconds=0.2))  # the kept page's own clock moves too
    assert b"Scheduled piece" in call(site, "/blog/")[2]


def test_upvote_counts_are_never_kept_for_more_than_a_few_seconds(site):
    post = make_post()
    for path in (post.get_absolute_url(), "/blog/"):
        _, headers, _ = call(site, path)
        assert "max-age=5" in headers["Cache-Control"], path
        entry = next(entry for key, entry in site.entries.items() if key[2] == path)
        assert entry.expires - time.time() <= 5


@pytest.mark.django_db(transaction=True)
def test_every_server_sees_a_change_and_shares_what_another_rendered(django_assert_num_queries):
    """Two handlers stand for two servers: Django's cache (Redis in production) is shared, and the
    content version in the database tells each, through its watcher thread, when its pages are out
    of date."""
    first, second = PageCacheHandler(), PageCacheHandler()
    post = make_post(title="Shared page")
    settle(first, second)
    call(first, post.get_absolute_url())
    with django_assert_num_queries(0):
        assert b"Shared page" in call(second, post.get_absolute_url())[2]
    post.title = "Changed through the first server"
    post.save()
    settle(first, second)
    assert b"Changed through the first server" in call(second, post.get_absolute_url())[2]


@pytest.mark.parametrize("path_suffix", ["?voted=1", "upvote/state/"])
def test_a_visitors_own_state_is_never_kept(site, path_suffix):
    post = make_post()
    call(site, post.get_absolute_url() + path_suffix)
    assert not site.entries


def test_errors_and_other_methods_are_never_kept(site):
    call(site, "/blog/no-such-article/")
    call(site, "/blog/", method="POST")
    assert not site.entries


def test_each_address_is_kept_apart(site):
    for n in range(12):
        make_post(title=f"Listed {n}")
    first, second = call(site, "/blog/")[2], call(site, "/blog/?page=2")[2]
    assert first != second and len(site.entries) == 2
    assert call(site, "/blog/", HOST="other.example")[0] == 400  # never served from another host's entry


def test_turning_the_cache_off_renders_every_time(site, settings):
    settings.IDARE_PAGE_CACHE = False
    post = make_post()
    call(site, post.get_absolute_url())
    assert not site.entries


def redis_settings(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_page_one_server_rendered_serves_the_others(settings, django_assert_num_queries):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI has one)")
    settings.CACHES = redis_settings("redis://127.0.0.1:6379/15")
    caches["default"].clear()
    post = make_post(title="Rendered once")
    first, other_server = PageCacheHandler(), PageCacheHandler()
    settle(first, other_server)
    call(first, post.get_absolute_url())
    with django_assert_num_queries(0), renders_nothing() as rendered:
        assert b"Rendered once" in call(other_server, post.get_absolute_url())[2]
    assert rendered == []
    caches["default"].clear()


def test_with_redis_unreachable_pages_still_render(settings, site):
    settings.CACHES = redis_settings("redis://127.0.0.1:1/0")
    post = make_post(title="Still here")
    for _ in range(2):
        status, _, body = call(site, post.get_absolute_url())
        assert status == 200 and b"Still here" in body


@pytest.mark.django_db(transaction=True)
def test_kept_pages_are_still_answered_while_the_database_is_away(site):
    from tests.helpers import unreachable_database

    post = make_post(title="Kept through an outage")
    settle(site)
    call(site, post.get_absolute_url())
    with unreachable_database():
        status, _, body = call(site, post.get_absolute_url())
        assert status == 200 and b"Kept through an outage" in body
        assert call(site, "/blog/")[0] == 503  # never kept: Django answers, calmly


# --- what empties the cache -------------------------------------------------------------------

def test_a_directory_edit_shows_on_the_next_request(site):
    from tests.factories import make_provider

    provider = make_provider(name="Asha Rao (example)")
    assert b"Asha Rao (example)" in call(site, "/support/providers/")[2]
    provider.name = "Asha Menon (example)"
    provider.save()
    assert b"Asha Menon (example)" in call(site, "/support/providers/")[2]


def test_a_programme_edit_shows_on_engage_at_once(site):
    from tests.factories import make_session

    session = make_session()
    programme = session.programme
    assert programme.title.encode() in call(site, "/engage/")[2]
    programme.title = "Circles for new parents"
    programme.save()
    assert b"Circles for new parents" in call(site, "/engage/")[2]


def _changes(make) -> bool:
    before = read_version()
    make()
    return read_version() > before


@pytest.mark.parametrize("make", [
    lambda: __import__("tests.factories").factories.make_provider(concerns=("Stress",)),
    lambda: __import__("tests.factories").factories.make_service(),
    lambda: __import__("tests.factories").factories.make_support_text("support-intro"),
    lambda: __import__("tests.factories").factories.make_session(),
    lambda: __import__("tests.factories").factories.make_snippet(),
    lambda: __import__("tests.factories").factories.make_review(make_post()),
], ids=["provider", "service", "support text", "programme session", "snippet", "clinical review"])
def test_a_change_readers_can_see_in_any_app_empties_the_cache(make):
    assert _changes(make)


@pytest.mark.parametrize("make", [
    lambda: __import__("tests.factories").factories.make_enquiry(),
    lambda: __import__("tests.factories").factories.make_contact_message(),
], ids=["enquiry", "contact message"])
def test_what_only_staff_see_leaves_the_cache_alone(make):
    assert not _changes(make)


def test_every_model_of_ours_is_shown_to_readers_unless_it_says_otherwise_in_its_class():
    from django.apps import apps
    from django.contrib.sessions.models import Session

    from serving.page_cache import shown_to_readers

    ours = [model for model in apps.get_models() if model._meta.app_label in {"blog", "support", "engage", "idare"}]
    assert len(ours) > 30
    for model in ours:
        assert shown_to_readers(model) is getattr(model, "shown_to_readers", True), model
    assert not shown_to_readers(Session)


def test_a_confirmed_registration_changes_the_places_left_on_the_next_request(site):
    """Engage's pages are kept too: the count a reader sees must follow the registrations."""
    from engage.models import Registration
    from tests.factories import make_session

    session = make_session(capacity=3)
    pages = ["/engage/", session.programme.get_absolute_url()]
    for path in pages:
        assert b"3 of 3" in call(site, path)[2], path
    registration = Registration.objects.register(session.pk, name="Asha", email="asha@example.com")
    assert registration.confirm()
    for path in pages:
        assert b"2 of 3" in call(site, path)[2], path
