"""What the site does when what it depends on fails: the database (probes, the forms) and Redis."""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.core.cache import caches

from blog.models import Post, Vote
from core.snapshots import refresh_all
from support.models import ContactMessage, Enquiry
from tests.factories import contact_answers, enquiry_answers, make_helpline, make_language, make_post
from tests.helpers import call, unreachable_database, vote

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


# --- health probes ---------------------------------------------------------------------------------

def test_healthz_stays_up_and_readyz_turns_503_within_its_timeout_when_the_database_is_gone(client, database_gone):
    started = time.monotonic()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and time.monotonic() - started < 3
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "10.0.0.7:8000", "app-3.internal"])
def test_probes_do_not_depend_on_allowed_hosts(client, host):
    assert client.get("/healthz", headers={"host": host}).status_code == 200
    assert client.get("/readyz", headers={"host": host}).status_code == 200
    with unreachable_database():
        assert client.get("/readyz", headers={"host": host}).status_code == 503
    assert client.get("/", headers={"host": host}).status_code == 400  # every page still checks it


def test_probes_answer_over_plain_http_without_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert client.get("/help/").status_code == 301  # pages are still sent to HTTPS


# --- the forms while the database is down -------------------------------------------------------------

FORMS = {"enquiry": ("/support/request/", enquiry_answers, Enquiry),
         "contact": ("/contact/", contact_answers, ContactMessage)}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_while_the_database_is_down_says_plainly_it_was_not_sent(client, form):
    path, answers, model = FORMS[form]
    for language in ("English", "Hindi"):
        make_language(language)
    make_helpline(name="Night line", numbers="1800 000 999")
    refresh_all()
    with unreachable_database():
        response = client.post(path, answers())
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"]
    assert "was NOT sent" in html and "nothing was kept" in html
    assert 'href="/help/"' in html and 'href="tel:1800000999"' in html
    assert model.objects.count() == 0


def test_a_page_read_while_the_database_is_down_does_not_talk_of_messages(client, db):
    with unreachable_database():
        response = client.get("/blog/")
    assert response.status_code == 503 and "NOT sent" not in response.content.decode()


# --- Redis unreachable ------------------------------------------------------------------------------

@pytest.fixture
def dead_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "serving.cache_backends.ResilientRedisCache", "LOCATION": DEAD_REDIS,
                                   "KEY_PREFIX": "idare"}}
    return caches["default"]


def test_pages_votes_and_enquiries_work_without_redis(client, dead_redis, caplog):
    post = make_post()
    for language in ("English", "Hindi"):
        make_language(language)
    refresh_all()
    with caplog.at_level(logging.WARNING, logger="idare.cache"):
        assert client.get("/").status_code == 200
        assert client.get(post.get_absolute_url()).status_code == 200
        assert client.get("/help/").status_code == 200
        assert vote(client, post).json() == {"upvoted": True, "upvotes": 1}
        assert client.post("/support/request/", enquiry_answers()).status_code == 303
    assert Vote.objects.count() == 1 and Post.objects.get().upvote_count == 1 and Enquiry.objects.count() == 1
    outage = [r.getMessage() for r in caplog.records if r.name == "idare.cache"]
    assert outage == ["cache: Redis did not answer (ConnectionError); serving without it"]


def test_the_page_cache_serves_without_redis(dead_redis, request):
    site = request.getfixturevalue("wsgi_site")  # the WSGI application, as gunicorn calls it
    post = make_post()
    first = call(site, post.get_absolute_url(), X_FORWARDED_PROTO="https")
    again = call(site, post.get_absolute_url(), X_FORWARDED_PROTO="https")
    assert first[0] == again[0] == 200 and re.search(rb"Article \d+", again[2])


def test_an_unreachable_redis_costs_one_short_wait_not_one_per_call(dead_redis):
    started = time.monotonic()
    for n in range(50):
        assert dead_redis.get(f"key-{n}", "missing") == "missing"
        dead_redis.set(f"key-{n}", n)
        assert dead_redis.add(f"other-{n}", n) is False
    assert dead_redis.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError, match="not found"):
        dead_redis.incr("counter")
    assert time.monotonic() - started < 2


# --- bodies too large -------------------------------------------------------------------------------

MB = 1024 * 1024


def claimed_post(client, path: str, length: int):
    """A POST whose Content-Length claims `length` bytes: the limit must answer before reading them."""
    return client.post(path, "x=1", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=str(length))


def test_a_body_over_the_form_limit_is_refused_with_a_small_clear_page(client, settings):
    response = claimed_post(client, "/support/request/", settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert response.status_code == 413 and "too large" in response.content.decode()
    assert claimed_post(client, "/contact/", 100 * MB).status_code == 413


def test_staff_may_send_an_image_but_not_more(staff_client, settings):
    upload = "/markdownx/upload/"
    assert claimed_post(staff_client, upload, 5 * MB).status_code != 413
    assert claimed_post(staff_client, upload, settings.IDARE_STAFF_UPLOAD_MAX_BYTES + 1).status_code == 413


def test_with_redis_up_the_cache_is_an_ordinary_redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "serving.cache_backends.ResilientRedisCache", "KEY_PREFIX": "idare-test",
                                   "LOCATION": "redis://127.0.0.1:6379/6"}}
    cache = caches["default"]
    if cache.set("probe", 1) is None and cache.get("probe") is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert cache.get("probe") == 1 and cache.add("probe", 2) is False and cache.incr("probe") == 2
    assert cache.get_many(["probe", "absent"]) == {"probe": 2}
    cache.delete("probe")
    assert cache.get("probe", "gone") == "gone"
