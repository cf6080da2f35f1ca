"""Two app servers behind one name, as in production: two gunicorn instances on different ports
sharing the test PostgreSQL database and one Redis database. Whatever reaches either of them, the
site behaves as one: votes add up, a change shows everywhere at once, limits and logins are shared.

Needs PostgreSQL (DATABASE_URL) and a Redis database of its own, which this test flushes:
IDARE_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15 (.ci/run sets it)."""

import datetime
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Vote
from tests.factories import make_post, post_form
from tests.servers import gunicorn, request

# Flushes the Redis database IDARE_TEST_REDIS_URL names, as tests/test_pagecache_outside.py does: in turn.
pytestmark = [
    pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("flushes-test-redis"),
]
REDIS_TEST_URL = os.environ.get("IDARE_TEST_REDIS_URL", "")
CHECK_SECONDS = 0.2  # IDARE_PAGE_CACHE_CHECK of both instances: how soon a change must show
PASSWORD = "a long editor password"


@pytest.fixture
def shared_redis():
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share a PostgreSQL database: set DATABASE_URL (CI does)")
    if not REDIS_TEST_URL:
        pytest.skip("two app servers share Redis: set IDARE_TEST_REDIS_URL to a Redis database this test may flush")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError as exc:  # asked for and missing: a failure, not a quiet skip
        pytest.fail(f"IDARE_TEST_REDIS_URL={REDIS_TEST_URL} does not answer: {exc}")
    yield client
    client.flushdb()


@pytest.fixture
def two_servers(tmp_path, shared_redis, collected_static):
    environment = {"REDIS_URL": REDIS_TEST_URL, "DJANGO_STATIC_ROOT": collected_static,
                   "IDARE_STATE_DIR": str(tmp_path / "state"),
                   "IDARE_PAGE_CACHE_CHECK": str(CHECK_SECONDS),
                   # 55 votes a day from one network: the 50 visitors below, then five more, then refusals.
                   "IDARE_VOTE_RATE": "55/d", "IDARE_UPVOTE_COUNT_RATE": "off",
                   "IDARE_ADMIN_LOGIN_FAILURES": "3"}
    with gunicorn(tmp_path, **environment) as first, gunicorn(tmp_path, **environment) as second:
        yield first, second


def vote(port: int, slug: str) -> tuple[int, dict]:
    """A first vote from a new visitor (no cookie), as a page's script sends it."""
    status, _, body = request(port, "POST", f"/blog/{slug}/upvote/",
                              {"Origin": f"http://127.0.0.1:{port}", "Accept": "application/json"})
    return status, json.loads(body or b"{}")


def test_votes_through_both_servers_add_up_exactly_and_one_limit_holds_across_them(two_servers):
    first, second = two_servers
    post = make_post()
    results = [vote(port, post.slug) for port in (first, second) * 25]
    assert [status for status, _ in results] == [200] * 50
    assert sorted(answer["upvotes"] for _, answer in results) == list(range(1, 51))
    post.refresh_from_db()
    assert post.upvote_count == Vote.objects.filter(post=post).count() == 50

    more = [vote(port, post.slug)[0] for port in (first, second) * 4]
    assert more == [200] * 5 + [429] * 3, "55 a day from this network in all, whichever server counts them"
    post.refresh_from_db()
    assert post.upvote_count == 55


class Browser:
    """One browser in front of both servers: cookies belong to the host, not the port."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, port: int, path: str) -> tuple[str, str]:
        response = self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=10)
        return response.url, response.read().decode()

    def post_form(self, port: int, path: str, data: dict) -> str:
        """Submits the form at `path` with its CSRF token, as the page would; returns where it landed."""
        url = f"http://127.0.0.1:{port}{path}"
        token = self.get(port, path)[1].split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        return self.opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=10).url

    def sign_in(self, port: int, user) -> None:
        self.post_form(port, reverse("admin:login"), {"username": user.username, "password": PASSWORD,
                                                      "next": reverse("admin:index")})

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)


def editor(django_user_model, *permissions: str):
    """A member of staff with these permissions of the blog app. The servers know only production's
    password hashers (this process uses a fast one, tests/conftest.py)."""
    user = django_user_model.objects.create(
        username=f"editor-{len(permissions)}", is_staff=True,
        password=PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000))
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="blog", codename__in=permissions))
    return user


def test_a_post_published_in_one_servers_admin_shows_on_both_at_once(two_servers, django_user_model):
    first, second = two_servers
    make_post(title="Already out")
    draft = make_post(title="A quiet new article", status=Post.Status.DRAFT, published_at=None)
    for port in (first, second):  # both keep the home page, without the draft
        status, _, body = request(port, "GET", "/")
        assert status == 200 and b"Already out" in body and b"A quiet new article" not in body
        assert request(port, "GET", "/")[2] == body

    browser = Browser()
    browser.sign_in(first, editor(django_user_model, "view_post", "change_post", "publish_post"))
    change = reverse("admin:blog_post_change", args=[draft.pk])
    now = timezone.localtime() - datetime.timedelta(minutes=1)
    landed = browser.post_form(first, change, post_form(draft, status="published", published_at_0=f"{now:%Y-%m-%d}",
                                                        published_at_1=f"{now:%H:%M:%S}"))
    assert landed.endswith(reverse("admin:blog_post_changelist")), landed
    deadline = time.monotonic() + CHECK_SECONDS * 10
    seen = {first: False, second: False}
    while not all(seen.values()) and time.monotonic() < deadline:
        for port in seen:
            seen[port] = seen[port] or b"A quiet new article" in request(port, "GET", "/")[2]
        time.sleep(CHECK_SECONDS / 4)  # two other processes read the version on their own clocks
    assert all(seen.values()), f"still the old home page after {CHECK_SECONDS * 10:.1f} s: {seen}"
    assert request(second, "GET", draft.get_absolute_url())[0] == 200


def test_a_member_of_staff_signed_in_on_one_server_is_signed_in_on_the_other(two_servers, shared_redis,
                                                                           django_user_model):
    """Sessions are shared: in the database, read through Redis (staff.sessions, Django's cached_db),
    under a keyed hash of the session key, never the key itself."""
    first, second = two_servers
    browser = Browser()
    browser.sign_in(first, editor(django_user_model))
    session = browser.cookie("sessionid")
    names = shared_redis.keys("*")
    assert session and any(b"idare.session:" in name for name in names), "the session is in Redis"
    assert not any(session.encode() in name for name in names), "no Redis key gives the session away"

    landed, page = browser.get(second, reverse("admin:index"))
    assert landed.endswith(reverse("admin:index")) and "editor-0" in page, "the other server knows who it is"


def sign_in_status(port: int, username: str, password: str) -> int:
    try:
        Browser().post_form(port, reverse("admin:login"), {"username": username, "password": password})
    except urllib.error.HTTPError as refused:
        return refused.code
    return 200


def test_an_admin_lockout_holds_across_both_servers(two_servers, django_user_model):
    first, second = two_servers
    user = editor(django_user_model)
    wrong = [sign_in_status(port, user.username, "wrong password") for port in (first, second, first)]
    assert wrong == [200, 200, 429], "three failures in all, whichever server saw them"
    assert sign_in_status(second, user.username, PASSWORD) == 429
    assert sign_in_status(first, user.username, PASSWORD) == 429
