"""The page cache cannot be switched off from outside (issue 14, finding 3 and 7): a cookie nobody
signed in with, or a query string no page reads, gets the kept page; only a live staff session is
answered by Django. Through the WSGI application, as gunicorn calls it (tests/test_pagecache.py)."""

from __future__ import annotations

import os
import secrets
import string

import pytest
from django.test import Client

from tests.factories import make_post, make_staff
from tests.helpers import call, renders_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def site():
    from serving.page_cache import PageCacheHandler

    return PageCacheHandler()


def forged_session_key() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(32))


def session_cookie_of(user) -> str:
    """The session cookie a staff member's browser holds after signing in."""
    client = Client()
    client.force_login(user)  # django.contrib.auth.login: the user_logged_in signal, as the admin sends it
    return client.cookies["sessionid"].value


@pytest.mark.parametrize("cookie", [
    "sessionid=" + "a" * 32,  # well-formed, in no store
    "sessionid=abc",  # not even shaped like a session key
    "csrftoken=x; sessionid=" + "b" * 32 + "; idare_voter=y",
])
def test_a_forged_session_cookie_gets_the_kept_page(site, cookie, django_assert_max_num_queries):
    post = make_post()
    first = call(site, post.get_absolute_url())
    # The content version (these tests read it on every request) and one session lookup at most.
    with django_assert_max_num_queries(2), renders_nothing() as rendered:
        forged = call(site, post.get_absolute_url(), COOKIE=cookie)
    assert rendered == []
    assert forged[0] == 200 and forged[2] == first[2]
    assert "Set-Cookie" not in forged[1]


def test_forged_cookies_on_a_page_not_kept_yet_cost_two_renders(site):
    """The first request for a page may be the forger's: Django answers it as it came (this process
    does not know yet that the address is a reading page), the next as a reader's, and that page is
    kept for everyone from then on."""
    post = make_post()
    cookie = "sessionid=" + forged_session_key()
    renders = []
    for _ in range(6):
        with renders_nothing() as rendered:
            status, headers, _ = call(site, post.get_absolute_url(), COOKIE=cookie)
        renders.append(bool(rendered))
    assert renders == [True, True, False, False, False, False]
    assert status == 200 and "Set-Cookie" not in headers


def test_a_live_staff_session_is_answered_by_django(site):
    post = make_post(title="As readers see it")
    call(site, post.get_absolute_url())
    cookie = "sessionid=" + session_cookie_of(make_staff())
    with renders_nothing() as rendered:
        status, headers, _ = call(site, post.get_absolute_url(), COOKIE=cookie)
    assert status == 200 and "blog/post_detail.html" in rendered
    assert "Age" not in headers  # not the kept copy


def test_a_session_that_was_signed_out_is_a_readers(site):
    post = make_post()
    call(site, post.get_absolute_url())
    client = Client()
    client.force_login(make_staff())
    cookie = "sessionid=" + client.cookies["sessionid"].value
    client.logout()
    with renders_nothing() as rendered:
        status, headers, _ = call(site, post.get_absolute_url(), COOKIE=cookie)
    assert status == 200 and rendered == [] and "Age" in headers


def test_a_session_whose_account_is_no_longer_staff_is_a_readers(site):
    post = make_post()
    call(site, post.get_absolute_url())
    user = make_staff()
    cookie = "sessionid=" + session_cookie_of(user)
    user.is_staff = False
    user.save()
    with renders_nothing() as rendered:
        call(site, post.get_absolute_url(), COOKIE=cookie)
    assert rendered == []


def test_a_session_cookie_still_reaches_the_admin(site):
    """Only reading pages treat a non-staff cookie as absent: a sign-in halfway through keeps it."""
    cookie = "sessionid=" + session_cookie_of(make_staff())
    status, headers, _ = call(site, "/admin/", COOKIE=cookie)
    assert status in (200, 302) and "/admin/login/" not in headers.get("Location", "")


def test_fifty_made_up_query_strings_are_one_kept_page(site):
    post = make_post()
    first = call(site, post.get_absolute_url())
    for n in range(50):
        query = f"utm_source=news{n}&fbclid={secrets.token_hex(8)}&gclid={n}&{secrets.token_hex(4)}={n}"
        with renders_nothing() as rendered:
            again = call(site, f"{post.get_absolute_url()}?{query}")
        assert rendered == [] and again[2] == first[2]
    assert len(site.entries) == 1


def test_a_parameter_a_page_reads_is_still_its_own_page(site):
    for n in range(12):
        make_post(title=f"Listed {n}")
    first = call(site, "/blog/?utm_source=a")[2]
    second = call(site, "/blog/?page=2&utm_source=b")[2]
    assert first != second and call(site, "/blog/?fbclid=z&page=2")[2] == second
    assert len(site.entries) == 2


def test_just_after_a_vote_the_article_is_still_the_voters_own(site):
    post = make_post()
    call(site, post.get_absolute_url())
    with renders_nothing() as rendered:
        call(site, post.get_absolute_url() + "?voted=1")
    assert rendered  # never the kept page: it shows the visitor's own state


@pytest.fixture
def redis_sessions(settings):
    """Sessions as compose runs them: in Redis, written through to the database. In the Redis database
    IDARE_TEST_REDIS_URL names, which this test flushes (as tests/operations/test_two_instances.py)."""
    import redis

    url = os.environ.get("IDARE_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("sessions in Redis: set IDARE_TEST_REDIS_URL to a Redis database this test may flush")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"IDARE_TEST_REDIS_URL={url} does not answer: {exc}")
    settings.CACHES = {"default": {"BACKEND": "serving.cache_backends.ResilientRedisCache", "LOCATION": url,
                                   "KEY_PREFIX": "idare"}}
    settings.SESSION_ENGINE = "staff.sessions"
    server = redis.Redis.from_url(url)
    server.flushdb()
    yield server
    server.flushdb()


@pytest.mark.xdist_group("flushes-test-redis")
def test_redis_key_names_do_not_give_away_a_staff_session(site, redis_sessions):
    post = make_post()
    call(site, post.get_absolute_url())
    session_key = session_cookie_of(make_staff())
    names = [name.decode() for name in redis_sessions.keys("*")]
    assert not any(session_key in name for name in names)
    assert any("idare.session:" in name for name in names)  # where the session is, under another name
    with renders_nothing() as rendered:  # and the page cache still knows the session for staff
        call(site, post.get_absolute_url(), COOKIE=f"sessionid={session_key}")
    assert rendered


@pytest.mark.xdist_group("flushes-test-redis")
def test_with_redis_a_signed_out_session_is_gone_from_redis_and_a_readers(site, redis_sessions):
    post = make_post()
    call(site, post.get_absolute_url())
    client = Client()
    client.force_login(make_staff())
    session_key = client.cookies["sessionid"].value
    client.logout()
    assert not [name for name in redis_sessions.keys("*") if b"idare.session:" in name]
    with renders_nothing() as rendered:
        call(site, post.get_absolute_url(), COOKIE=f"sessionid={session_key}")
    assert rendered == []


def test_each_process_keeps_no_more_bytes_than_its_bound(site, settings):
    posts = [make_post(title=f"Article {n}") for n in range(4)]
    call(site, posts[0].get_absolute_url())
    one_page = site.kept_bytes
    settings.IDARE_PAGE_CACHE_BYTES = int(one_page * 2.5)
    for post in posts[1:]:
        call(site, post.get_absolute_url())
    assert site.kept_bytes <= settings.IDARE_PAGE_CACHE_BYTES and len(site.entries) == 2
    assert [key[2] for key in site.entries] == [post.get_absolute_url() for post in posts[2:]]  # the oldest went
    with renders_nothing() as rendered:
        call(site, posts[3].get_absolute_url())
    assert rendered == []


def test_the_local_cache_without_redis_keeps_no_more_bytes_than_its_bound():
    from serving.cache_backends import BoundedLocMemCache

    cache = BoundedLocMemCache("test-bytes", {"OPTIONS": {"MAX_BYTES": 50_000}})
    cache.clear()
    for n in range(10):
        cache.set(f"page-{n}", b"x" * 20_000)
    kept = [n for n in range(10) if cache.get(f"page-{n}") is not None]
    assert kept == [8, 9]  # two pages of 20 kB fit in 50 kB: the newest
    cache.set("too-big", b"x" * 60_000)
    assert cache.get("too-big") is None and cache.get("page-9") is not None
