"""One pagination include (templates/includes/_pagination.html) for every paged list: each names what
it pages, and the markup (a labelled nav, rel=prev/next, “Page X of Y”) is the same everywhere."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import make_author, make_post, make_provider

pytestmark = pytest.mark.django_db


def nav_of(response) -> str:
    assert response.status_code == 200
    [nav] = re.findall(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S)
    return " ".join(nav.split())


def shape(nav: str) -> str:
    """The nav with its words and links' addresses taken out: what every paged list shares."""
    return re.sub(r'href="[^"]*"', 'href=""', re.sub(r">[^<]+<", "><", re.sub(r'aria-label="[^"]+"', "", nav)))


@pytest.fixture
def articles():
    author = make_author(slug="paged-writer")
    return [make_post(author=author, tags=["trust"], published_at=timezone.now() - datetime.timedelta(days=n))
            for n in range(12)]


@pytest.fixture
def providers():
    return [make_provider(name=f"Online {n:02}", online=True, languages=["English"]) for n in range(14)]


@pytest.mark.parametrize("path", ["/blog/", "/blog/tag/trust/", "/blog/author/paged-writer/"])
def test_article_lists_page_through_articles(client, articles, path):
    first = nav_of(client.get(path))
    assert 'aria-label="Pages of articles"' in first and "Page 1 of 2" in first
    assert '<a href="?page=2" rel="next">Older articles</a>' in first and 'rel="prev"' not in first
    second = nav_of(client.get(path + "?page=2"))
    assert '<a href="?page=1" rel="prev">Newer articles</a>' in second and "Page 2 of 2" in second
    assert 'rel="next"' not in second


def test_the_directory_pages_through_providers_keeping_its_filters(client, providers):
    first = nav_of(client.get("/support/providers/?language=english"))
    assert 'aria-label="Pages of providers"' in first and "Page 1 of 2" in first
    assert '<a href="?language=english&amp;page=2" rel="next">Next page</a>' in first
    second = nav_of(client.get("/support/providers/?language=english&page=2"))
    assert '<a href="?language=english&amp;page=1" rel="prev">Previous page</a>' in second


def test_the_directory_links_keep_only_what_the_page_reads(client, providers):
    """The page is cached under the filters and the page alone: a made-up parameter must not reach the
    links every later reader is given."""
    nav = nav_of(client.get("/support/providers/?utm_source=x&language=english&made=up"))
    assert '<a href="?language=english&amp;page=2" rel="next">' in nav and "utm_source" not in nav and "made" not in nav


def test_every_paged_list_has_the_same_markup(client, articles, providers):
    blog = nav_of(client.get("/blog/?page=2"))
    directory = nav_of(client.get("/support/providers/?page=2"))
    assert blog != directory  # each names what it pages
    assert shape(blog) == shape(directory) == '<nav class="pagination" ><a href="" rel="prev"></a><span></span></nav>'


def test_one_page_has_no_pagination(client):
    make_post(tags=["trust"])
    make_provider()
    for path in ("/blog/", "/blog/tag/trust/", "/support/providers/"):
        assert 'class="pagination"' not in client.get(path).content.decode(), path
