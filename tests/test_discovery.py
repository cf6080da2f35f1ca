"""How readers and machines find things: search, feeds, the sitemap, structured data, HEAD."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from blog.models import Post
from tests.factories import make_author, make_page, make_post

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ON_POSTGRESQL = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's full-text search")


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def results(client: Client, query: str) -> list[str]:
    html = client.get("/search/", {"q": query}).content.decode()
    return re.findall(r'class="search-result__title"><a href="/blog/([^/]+)/"', html)


# --- search ---------------------------------------------------------------------------------------

def test_search_finds_words_in_title_subtitle_and_body(client):
    make_post(slug="in-title", title="Learning to trust again")
    make_post(slug="in-subtitle", title="Small steps", subtitle="On trust after betrayal")
    make_post(slug="in-body", title="Letters", body="Some words about trust and care.")
    make_post(slug="elsewhere", title="Grief", body="Nothing about it.")
    assert set(results(client, "trust")) == {"in-title", "in-subtitle", "in-body"}


def test_search_ranks_a_title_above_a_subtitle_above_a_body(client):
    make_post(slug="in-body", title="Letters", body="A long piece that mentions boundaries once.")
    make_post(slug="in-title", title="Boundaries are kind", body="Other words.")
    make_post(slug="in-subtitle", title="Saying no", subtitle="Boundaries at work", body="Other words.")
    assert results(client, "boundaries") == ["in-title", "in-subtitle", "in-body"]


@ON_POSTGRESQL
def test_search_ranks_only_the_newest_matches_so_a_common_word_costs_what_a_rare_one_does(client, monkeypatch):
    monkeypatch.setattr("blog.search.RANKED_MATCHES", 2)
    old = timezone.now() - datetime.timedelta(days=400)
    make_post(slug="old-title-match", title="Boundaries are kind", body="Other words.", published_at=old)
    recent = timezone.now() - datetime.timedelta(hours=1)
    make_post(slug="body-match", title="Letters", body="A piece that mentions boundaries once.", published_at=recent)
    make_post(slug="subtitle-match", title="Saying no", subtitle="Boundaries at work", body="Other words.",
              published_at=recent)
    assert results(client, "boundaries") == ["subtitle-match", "body-match"]


@ON_POSTGRESQL
def test_search_finds_an_old_match_behind_many_newer_articles_that_do_not_match(client, monkeypatch):
    monkeypatch.setattr("blog.search.RANKED_MATCHES", 2)
    make_post(slug="old-match", title="Kintsugi and repair", published_at=timezone.now() - datetime.timedelta(days=400))
    for n in range(3):
        make_post(slug=f"newer-{n}", title=f"Letters {n}", body="Other words.",
                  published_at=timezone.now() - datetime.timedelta(hours=n + 1))
    assert results(client, "kintsugi") == ["old-match"]


def test_search_highlights_what_matched_and_escapes_the_rest(client):
    make_post(slug="markup", title="Anxiety notes", body="When anxiety rises, <b>breathe</b> & notice it.")
    html = client.get("/search/", {"q": "anxiety"}).content.decode()
    snippet = re.search(r'class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"<mark>[Aa]nxiety</mark>", snippet)
    assert "<b>" not in snippet and "\x02" not in snippet and "\x03" not in snippet


def test_search_leaves_out_drafts_and_scheduled_articles(client):
    import datetime

    from django.utils import timezone

    make_post(slug="out", title="Sleep and worry")
    make_post(slug="draft", title="Sleep draft", status=Post.Status.DRAFT, published_at=None)
    make_post(slug="later", title="Sleep later", published_at=timezone.now() + datetime.timedelta(days=1))
    assert results(client, "sleep") == ["out"]


@ON_POSTGRESQL
def test_search_reads_queries_like_a_search_engine(client):
    make_post(slug="panic-attacks", title="Panic attacks", body="What a panic attack feels like.")
    make_post(slug="panic-work", title="Panic at work", body="Deadlines and attacks of nerves.")
    assert results(client, '"panic attacks"') == ["panic-attacks"]
    assert results(client, "panic -work") == ["panic-attacks"]


@ON_POSTGRESQL
def test_search_forgives_typos(client):
    make_post(slug="trust", title="Building Trust Through Trust Issues")
    make_post(slug="grief", title="Grief Has No Timetable")
    html = client.get("/search/", {"q": "trsut isues"}).content.decode()
    assert results(client, "trsut isues")[0] == "trust" and "No exact matches" in html
    assert results(client, "greif")[0] == "grief"


def test_search_on_sqlite_falls_back_to_a_plain_match(client):
    if on_postgresql():
        pytest.skip("the fallback is for SQLite")
    make_post(slug="both", title="Trust and sleep", body="Words.")
    make_post(slug="one", title="Trust alone", body="Words.")
    assert results(client, "trust sleep") == ["both"]


@pytest.mark.parametrize("query", ["", "\x00", "a" * 5000, "' OR 1=1--", "<script>alert(1)</script>", "💛",
                                   "\"unclosed", "!!! & | ( )", "-", "\u202e", "\t\n"])
def test_odd_queries_answer_200_never_500(client, query):
    make_post()
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query_string", ["q=a&q=b&q=", "q=%ff%fe", "q=%00", "q", "", "q=%E2%80%AE&page=-1"])
def test_repeated_parameters_and_invalid_bytes_are_not_an_error(client, query_string):
    assert client.get(f"/search/?{query_string}").status_code == 200


def test_an_empty_or_fruitless_search_suggests_topics_support_and_help(client):
    make_post(tags=["Trust", "Grief"])
    for query in ("", "zzzzqqq"):
        html = client.get("/search/", {"q": query}).content.decode()
        assert 'href="/blog/tag/trust/"' in html and 'href="/support/"' in html and 'href="/help/"' in html


def test_search_results_are_kept_out_of_caches(client):
    assert "no-store" in client.get("/search/", {"q": "trust"})["Cache-Control"]


def test_every_page_has_a_search_box_in_its_header(client):
    post = make_post()
    for path in ("/", "/blog/", post.get_absolute_url(), "/help/"):
        header = client.get(path).content.decode().split("</header>")[0]
        assert '<form class="site-search" role="search" aria-label="Site" action="/search/" method="get">' in header
        assert 'for="site-search-q"' in header, path


# --- feeds ----------------------------------------------------------------------------------------

def test_rss_feed_carries_full_sanitized_articles_with_absolute_urls(client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_post(title="Feed me", body="See [our help](/help/).\n\n<script>alert(1)</script>", tags=["Trust"])
    make_post(status=Post.Status.DRAFT, published_at=None, title="Hidden draft")
    response = client.get("/blog/feed/")
    assert response.status_code == 200 and "application/rss+xml" in response["Content-Type"]
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Feed me"]
    item = items[0]
    assert item.findtext("link") == f"https://idare.example{post.get_absolute_url()}"
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert 'href="https://idare.example/help/"' in content and "<script" not in content
    assert item.findtext("category") == "Trust"


def test_atom_feed_parses_and_links_to_the_articles(client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_post(title="Atom piece")
    response = client.get("/blog/feed/atom/")
    assert response.status_code == 200 and "application/atom+xml" in response["Content-Type"]
    feed = ET.fromstring(response.content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Atom piece"
    assert entry.find(f"{ATOM}link").get("href") == f"https://idare.example{post.get_absolute_url()}"
    assert entry.find(f"{ATOM}content").get("type") == "html"


def test_every_page_points_to_the_feeds(client):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html and 'href="/blog/feed/"' in html
    assert 'type="application/atom+xml"' in html and 'href="/blog/feed/atom/"' in html


# --- sitemap, robots, favicon ----------------------------------------------------------------------

def test_sitemap_lists_articles_with_lastmod_topics_pages_and_the_verticals(client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_post(tags=["Trust"])
    make_post(status=Post.Status.DRAFT, published_at=None, slug="secret-draft")
    make_page(slug="about")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in ET.fromstring(response.content)}
    article = f"https://idare.example{post.get_absolute_url()}"
    assert article in urls and urls[article].startswith(str(post.updated_at.year))
    for path in ("/", "/blog/", "/blog/tag/trust/", "/about/", "/support/", "/engage/", "/help/"):
        assert f"https://idare.example{path}" in urls, path
    assert not any("secret-draft" in url for url in urls)


def test_robots_names_the_sitemap(client, settings):
    settings.SITE_URL = "https://idare.example"
    assert "Sitemap: https://idare.example/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


# --- structured data and canonical addresses -------------------------------------------------------

def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html,
                                                      re.S)]


def test_article_declares_structured_data_and_its_canonical_address(client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_post(title="A </script><script>alert(1)</script> title", tags=["Trust"])
    html = client.get(post.get_absolute_url()).content.decode()
    article, breadcrumbs = json_ld(html)
    canonical = f"https://idare.example{post.get_absolute_url()}"
    assert article["@type"] == "Article" and article["headline"] == post.title
    assert article["author"]["name"] == post.author.name
    assert article["datePublished"].startswith(str(post.published_at.year)) and article["dateModified"]
    assert article["image"]["url"].startswith("https://idare.example/media/cards/")
    assert article["publisher"]["name"] == "iDare" and article["mainEntityOfPage"] == canonical
    assert "reviewedBy" not in article  # no clinical review was recorded
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["Home", "Blog", post.title]
    assert html.count('<link rel="canonical"') == 1 and f'<link rel="canonical" href="{canonical}">' in html
    assert "</script><script>alert(1)" not in html


def test_listing_pages_declare_their_own_canonical_address(client, settings):
    settings.SITE_URL = "https://idare.example"
    for _ in range(11):
        make_post()
    second_page = client.get("/blog/?page=2").content.decode()
    assert '<link rel="canonical" href="https://idare.example/blog/?page=2">' in second_page
    assert '<link rel="canonical" href="https://idare.example/blog/">' in client.get("/blog/?utm=x").content.decode()


def test_the_author_page_lists_their_articles(client):
    author = make_author(name="Asha Rao", slug="asha-rao")
    post = make_post(author=author, title="By Asha")
    make_post(title="By someone else")
    html = client.get("/blog/author/asha-rao/").content.decode()
    assert "<h1>Asha Rao</h1>" in html and "By Asha" in html and "By someone else" not in html
    assert 'href="/blog/author/asha-rao/"' in client.get(post.get_absolute_url()).content.decode()


# --- HEAD, headings -------------------------------------------------------------------------------

def public_get_paths() -> list[str]:
    post = make_post(tags=["Trust"])
    make_page(slug="about")
    return ["/", "/blog/", post.get_absolute_url(), "/blog/tag/trust/", post.author.get_absolute_url(), "/help/",
            "/support/", "/engage/", "/about/", "/blog/feed/", "/blog/feed/atom/", "/sitemap.xml", "/robots.txt",
            "/favicon.ico", "/search/?q=trust", f"{post.get_absolute_url()}upvote/state/", "/healthz", "/readyz"]


def test_every_page_that_answers_get_answers_head_the_same_way(client):
    for path in public_get_paths():
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head["Content-Type"] == get["Content-Type"], path
        assert head.content == b"", path


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


@pytest.mark.usefixtures("one_article_content")
@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/building-trust-through-trust-issues/", "/blog/tag/trust/",
                                  "/blog/author/idare-team/", "/help/", "/support/", "/engage/", "/about/",
                                  "/privacy/", "/search/?q=trust", "/search/?q=zzzz", "/blog/no-such-page/"])
def test_headings_start_at_one_and_never_skip_a_level(client, path):
    parser = Headings()
    parser.feed(client.get(path).content.decode())
    levels = parser.levels
    assert levels and levels[0] == 1 and levels.count(1) == 1, (path, levels)
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (path, levels)


# --- what shared caches may keep ------------------------------------------------------------------

@pytest.mark.usefixtures("one_article_content")
@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/building-trust-through-trust-issues/", "/blog/tag/trust/",
                                  "/blog/author/idare-team/", "/help/", "/support/", "/engage/", "/about/",
                                  "/blog/feed/", "/sitemap.xml"])
def test_reading_pages_are_public_short_lived_and_answer_conditional_requests(client, path):
    response = client.get(path)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and re.search(r"s-maxage=(\d+)", cache_control), (path, cache_control)
    assert int(re.search(r"s-maxage=(\d+)", cache_control).group(1)) <= 300
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert response.has_header("ETag") and (response.has_header("Last-Modified") or path in (
        "/help/", "/support/", "/engage/", "/sitemap.xml"))
    assert client.get(path, headers={"If-None-Match": response["ETag"]}).status_code == 304


@pytest.mark.usefixtures("one_article_content")
def test_pages_and_assets_stay_within_their_weight_budgets(client, settings):
    import gzip

    article = client.get("/blog/building-trust-through-trust-issues/").content
    assert len(gzip.compress(article)) <= 15 * 1024
    static = settings.BASE_DIR / "static"
    def joined(folder: str, pattern: str, *, admin: bool) -> bytes:
        return b"".join(path.read_bytes() for path in sorted((static / folder).glob(pattern))
                        if path.name.startswith("admin-") is admin)

    # What readers download; the admin's own scripts and styles load only in the admin.
    css, js = joined("css", "*.css", admin=False), joined("js", "*.js", admin=False)
    assert len(gzip.compress(css)) <= 15 * 1024, len(gzip.compress(css))
    assert len(gzip.compress(js)) <= 5 * 1024, len(gzip.compress(js))
    admin_js = joined("js", "admin-*.js", admin=True)
    assert len(gzip.compress(admin_js)) <= 15 * 1024, len(gzip.compress(admin_js))


@pytest.mark.django_db
def test_json_ld_dates_are_in_the_sites_time_zone(client):
    import datetime
    import json
    from zoneinfo import ZoneInfo

    from tests.factories import make_post

    midnight = datetime.datetime(2024, 6, 4, tzinfo=ZoneInfo("Asia/Kolkata"))
    post = make_post(published_at=midnight)
    html = client.get(post.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    article = next(item for item in (data if isinstance(data, list) else [data]) if item.get("@type") == "Article")
    assert article["datePublished"] == "2024-06-04T00:00:00+05:30"
    assert article["dateModified"].endswith("+05:30")
