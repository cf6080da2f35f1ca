"""Share links: plain links through /blog/<slug>/share/<network>/, counted, never an open redirect."""

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from blog.models import ShareCount
from tests.factories import make_post

pytestmark = pytest.mark.django_db
FROM_OUR_PAGE = {"Sec-Fetch-Site": "same-origin"}  # what Chromium sends for a click on one of our links
SHARE_ADDRESS = {
    "whatsapp": re.compile(r"^https://wa\.me/\?text="),
    "x": re.compile(r"^https://x\.com/intent/post\?"),
    "facebook": re.compile(r"^https://www\.facebook\.com/sharer/sharer\.php\?u="),
    "linkedin": re.compile(r"^https://www\.linkedin\.com/sharing/share-offsite/\?url="),
    "telegram": re.compile(r"^https://t\.me/share/url\?url="),
    "email": re.compile(r"^mailto:\?subject="),
}


def clicks(post, network=None) -> int:
    rows = ShareCount.objects.filter(post=post, **({"network": network} if network else {}))
    return sum(rows.values_list("clicks", flat=True))


@pytest.mark.parametrize("network", SHARE_ADDRESS)
def test_each_network_gets_the_articles_canonical_address(network, settings):
    post = make_post(title="Trust & Healing: 100% real?")
    response = Client().get(f"{post.get_absolute_url()}share/{network}/", headers=FROM_OUR_PAGE)
    assert response.status_code == 302
    target = response["Location"]
    assert SHARE_ADDRESS[network].match(target), target
    assert f"{settings.SITE_URL}{post.get_absolute_url()}" in unquote(target)
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


def test_the_e_mail_link_fills_subject_and_body_with_spaces_mail_programs_read():
    post = make_post(title="Grief has no timetable", excerpt="On grief.")
    target = Client().get(f"{post.get_absolute_url()}share/email/")["Location"]
    query = parse_qs(urlsplit(target).query)
    assert query["subject"] == ["Grief has no timetable"] and "+" not in target
    assert query["body"][0].startswith("On grief.") and query["body"][0].endswith(post.get_absolute_url())


def test_a_click_on_our_page_adds_exactly_one_to_that_post_network_and_day(settings):
    settings.IDARE_SHARE_COUNT_RATE = "off"  # four clicks from one network: the daily bound is another test's
    post, other = make_post(), make_post()
    for _ in range(3):
        Client().get(f"{post.get_absolute_url()}share/whatsapp/", headers=FROM_OUR_PAGE)
    Client().get(f"{post.get_absolute_url()}share/telegram/", headers=FROM_OUR_PAGE)
    assert clicks(post, "whatsapp") == 3 and clicks(post, "telegram") == 1 and clicks(other) == 0
    assert ShareCount.objects.get(post=post, network="whatsapp").day == timezone.localdate()
    assert ShareCount.objects.filter(post=post, network="whatsapp").count() == 1


def test_a_same_site_referer_also_counts_but_head_does_not():
    post = make_post()
    Client().get(f"{post.get_absolute_url()}share/x/", headers={"Referer": f"http://testserver{post.get_absolute_url()}"})
    head = Client().head(f"{post.get_absolute_url()}share/x/", headers=FROM_OUR_PAGE)
    assert head.status_code == 302 and clicks(post) == 1


@pytest.mark.parametrize("headers", [{}, {"Sec-Fetch-Site": "cross-site"}, {"Referer": "https://evil.example/"},
                                     {"Sec-Fetch-Site": "none"}], ids=["direct", "cross-site", "referer", "typed"])
def test_links_followed_from_elsewhere_still_work_but_are_not_counted(headers):
    post = make_post()
    response = Client().get(f"{post.get_absolute_url()}share/facebook/", headers=headers)
    assert response.status_code == 302 and clicks(post) == 0


HOSTILE_NETWORKS = ["evil", "javascript", "data", "http", "https", "mailto", "WhatsApp", "x-evil", "facebook-",
                    "wa", "whatsapp%2F..%2F..%2Fevil", "..", "%2F%2Fevil.example", "%00", "whatsapp%00"]
HOSTILE_QUERIES = [
    "url=https://evil.example", "next=//evil.example", "u=https://evil.example", "text=https://evil.example",
    "redirect=https%3A%2F%2Fevil.example", "to=javascript:alert(1)", "url=%0d%0aLocation:%20https://evil.example",
    "url=https://evil.example&url=https://evil.example", "%00=evil.example", "network=evil",
    "url=%2F%2Fevil.example", "u=javascript%3Aalert(1)", "text=%22%3E%3Cscript%3E", "url=evil.example%2F",
    "host=evil.example", "url=https%3A%2F%2Fevil.example%40idare.example",
]


def hostile_requests():
    yield from (f"share/{network}/" for network in HOSTILE_NETWORKS)
    for network in SHARE_ADDRESS:
        yield from (f"share/{network}/?{query}" for query in HOSTILE_QUERIES)
    yield from (f"share/x/{junk}" for junk in ("?", "#evil.example", "//evil.example", "evil.example/",
                                               "..%2F..%2Fevil", "%2e%2e/", "?%ff%fe", ";evil.example",
                                               "?url=" + "a" * 4000, "?q=" + quote("<script>"), "?url=%E2%80%AE"))


def test_no_path_or_query_string_sends_a_reader_off_the_allowlist(settings):
    settings.IDARE_VOTE_RATE = "off"  # over a hundred clicks from one network: the throttle is another test's
    make_post(slug="safe-post")
    requests = list(hostile_requests())
    assert len(requests) >= 100
    for request in requests:
        response = Client().get(f"/blog/safe-post/{request}", headers=FROM_OUR_PAGE)
        assert response.status_code in (302, 404), (request, response.status_code)
        location = response.get("Location", "")
        assert "evil" not in location, (request, location)
        if response.status_code == 302:
            assert any(pattern.match(location) for pattern in SHARE_ADDRESS.values()), (request, location)
            assert f"{settings.SITE_URL}/blog/safe-post/" in unquote(location)


def test_unknown_networks_unpublished_posts_and_wrong_methods_are_refused():
    post = make_post()
    draft = make_post(status="draft", published_at=None)
    assert Client().get(f"{post.get_absolute_url()}share/myspace/").status_code == 404
    assert Client().get(f"{draft.get_absolute_url()}share/x/").status_code == 404
    wrong = Client().post(f"{post.get_absolute_url()}share/x/", headers={"Origin": "http://testserver"})
    assert wrong.status_code == 405 and wrong["Allow"] == "GET, HEAD"
    assert Client().get(f"{post.get_absolute_url()}share/copy/").status_code == 405
    assert clicks(post) == 0


@pytest.mark.parametrize("network", ["copy", "device"])
def test_the_scripts_copy_and_device_shares_count_only_from_our_own_pages(network):
    post = make_post()
    ours = Client().post(f"{post.get_absolute_url()}share/{network}/", headers={"Origin": "http://testserver"})
    assert ours.status_code == 204 and clicks(post, network) == 1
    theirs = Client().post(f"{post.get_absolute_url()}share/{network}/", headers={"Origin": "https://evil.example"})
    nobody = Client().post(f"{post.get_absolute_url()}share/{network}/")
    assert theirs.status_code == nobody.status_code == 403 and clicks(post, network) == 1


def test_counting_shares_is_throttled_per_network_like_votes(settings):
    settings.IDARE_VOTE_RATE = "2/m"
    post = make_post()
    statuses = [Client().get(f"{post.get_absolute_url()}share/x/", headers=FROM_OUR_PAGE).status_code
                for _ in range(3)]
    assert statuses == [302, 302, 429] and clicks(post) == 2


def test_the_article_links_to_every_network_with_nofollow_noopener_noreferrer():
    post = make_post()
    html = Client().get(post.get_absolute_url()).content.decode()
    for network in SHARE_ADDRESS:
        link = re.search(rf'<a href="{post.get_absolute_url()}share/{network}/"([^>]*)>', html)
        assert link and 'rel="nofollow noopener noreferrer"' in link.group(1), network
    assert "data-share-copy" in html and "data-share-device" in html
    assert re.search(r"<li hidden data-share-copy>", html), "Copy link is hidden until the script shows it"


def test_robots_txt_keeps_crawlers_off_the_counting_endpoints():
    response = Client().get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /blog/*/upvote/" in lines and "Disallow: /blog/*/share/" in lines


def test_one_network_adds_at_most_three_share_clicks_to_an_article_a_day(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    statuses = [Client().post(f"{post.get_absolute_url()}share/copy/", headers={"Origin": "http://testserver"})
                .status_code for _ in range(10)]
    links = [Client().get(f"{post.get_absolute_url()}share/x/", headers=FROM_OUR_PAGE).status_code for _ in range(5)]
    assert statuses == [204] * 10 and links == [302] * 5, "the reader is still sent on; only the count is bounded"
    assert clicks(post) == 3


def test_two_networks_each_add_their_own_share_clicks(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    for address in ("192.0.2.10", "198.51.100.20"):
        for _ in range(5):
            Client(REMOTE_ADDR=address).post(f"{post.get_absolute_url()}share/copy/",
                                             headers={"Origin": "http://testserver"})
    assert clicks(post) == 6
