"""Search under load (issue 14, finding 7): what a search found is kept for a minute, for everyone;
the searches that must run are limited per network, past which a calm 429 still lists the helplines;
a search that reads as a person in crisis is never refused. The finished page is kept by the page
cache of the process that answered, never in the shared cache."""

from __future__ import annotations

import time

import pytest
from django.apps import apps
from django.core.cache import caches
from django.test import Client

from blog.models import Post
from core import ratelimit
from core.snapshots import refresh_all
from tests.factories import make_crisis_lines, make_post
from tests.helpers import call, settle

pytestmark = pytest.mark.django_db
CRISIS = "i want to end it all"


@pytest.fixture(autouse=True)
def limit(settings, monkeypatch):
    """Three searches a minute, on a clock stopped a second into a minute."""
    settings.IDARE_SEARCH_RATE = "3/minute"
    now = (time.time() // 60) * 60 + 1
    monkeypatch.setattr(ratelimit, "clock", lambda: now)




def search(client, query: str, **headers):
    return client.get("/search/", {"q": query}, **headers)


def test_searches_past_the_networks_limit_get_a_calm_429_with_the_helplines(client):
    make_crisis_lines()
    refresh_all()
    for word in ("trust", "sleep", "grief"):
        assert search(client, word).status_code == 200
    response = search(client, "anger")
    html = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Please wait a moment before searching again" in html and "try again in 59 seconds" in html
    assert 'href="tel:112"' in html and 'href="tel:14416"' in html and 'href="/help/"' in html
    assert 'value="anger"' in html  # the search box keeps what was typed
    assert "no-store" in response["Cache-Control"]


def test_the_limit_is_per_network(client):
    for word in ("trust", "sleep", "grief", "anger"):
        search(client, word, REMOTE_ADDR="198.51.100.7")
    assert search(client, "anger", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert search(client, "anger", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_a_search_already_kept_is_answered_to_everyone_and_counts_against_nobody(client):
    make_post(title="On trust")
    first = search(client, "trust")
    for _ in range(10):
        again = search(Client(), "trust")
        assert again.status_code == 200 and again.content == first.content
    assert search(client, "sleep").status_code == 200  # the second search this network had to run
    assert search(client, "  trust ").content == first.content  # the same search, typed untidily


def test_a_crisis_search_is_never_refused_and_still_puts_help_first(client, phrases):
    for word in ("trust", "sleep", "grief"):
        search(client, word)
    assert search(client, "anger").status_code == 429
    rows = {model: model.objects.count() for model in apps.get_models()}
    response = search(client, CRISIS + " tonight")
    assert response.status_code == 200
    assert 'class="crisis-help"' in response.content.decode()
    assert {model: model.objects.count() for model in apps.get_models()} == rows  # not even a count


def test_an_article_unpublished_since_drops_out_of_a_kept_search(client):
    kept, gone = make_post(title="Trust at work"), make_post(title="Trust at home")
    html = search(client, "trust").content.decode()
    assert kept.get_absolute_url() in html and gone.get_absolute_url() in html
    Post.objects.filter(pk=gone.pk).update(status=Post.Status.DRAFT, published_at=None)
    html = search(Client(), "trust").content.decode()
    assert kept.get_absolute_url() in html and gone.get_absolute_url() not in html


@pytest.fixture
def local_memory_cache(settings):
    """The site's cache in this process's memory, whose keys a test can list (as Redis would hold them)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.usefixtures("local_memory_cache")
def test_the_site_cache_holds_no_search_in_its_key_names(client):
    make_post(title="Burnout and rest")
    search(client, "burnout")
    keys = list(caches["default"]._cache)
    assert keys and not [key for key in keys if "burnout" in key.lower()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("local_memory_cache")
def test_the_page_cache_keeps_a_search_in_its_own_process_only(fresh_caches):
    from serving.page_cache import PageCacheHandler

    post = make_post(title="Loneliness")
    refresh_all()
    site, other = PageCacheHandler(), PageCacheHandler()
    settle(site, other)
    status, headers, body = call(site, "/search/?q=loneliness")
    assert status == 200 and post.get_absolute_url().encode() in body
    assert headers["Cache-Control"] == "private, no-store"  # never kept by a browser or a CDN
    for _ in range(5):  # answered before Django: no search runs, none is counted
        assert call(site, "/search/?q=loneliness")[2] == body
    assert call(site, "/search/?q=sleep")[0] == 200
    assert [key for key in site.entries if key[3] == (("q", "loneliness"),)]
    assert not [key for key in caches["default"]._cache if ":page:" in key]  # not in the shared cache
    assert call(other, "/search/?q=loneliness")[2] == body  # another process: from the site's cache

