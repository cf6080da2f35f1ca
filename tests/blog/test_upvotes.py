"""Upvotes through HTTP, as a visitor's browser sends them: exact, private, cookie-free until a vote."""

import datetime
import json
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from blog.models import Post, Vote
from blog.voters import SIGNING_SALT, VOTER_COOKIE
from core.models import DailySalt, RateLimitCounter
from core.ratelimit import network_key, parse_ranges
from tests.factories import make_post
from tests.helpers import SAME_ORIGIN, vote

pytestmark = pytest.mark.django_db


def signed_cookie(value: str, salt: str = SIGNING_SALT) -> str:
    """A voter cookie value signed the way the site signs it (with `salt`)."""
    response = HttpResponse()
    response.set_signed_cookie(VOTER_COOKIE, value, salt=salt)
    return response.cookies[VOTER_COOKIE].value


def state(client: Client, post: Post) -> dict:
    response = client.get(f"{post.get_absolute_url()}upvote/state/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.json()


def test_upvote_toggles_for_one_visitor_and_counts_each_visitor_once():
    post = make_post()
    alice, bob = Client(), Client()
    assert vote(alice, post).json() == {"upvoted": True, "upvotes": 1}
    assert vote(bob, post).json() == {"upvoted": True, "upvotes": 2}
    assert vote(alice, post).json() == {"upvoted": False, "upvotes": 1}
    assert vote(alice, post).json() == {"upvoted": True, "upvotes": 2}
    post.refresh_from_db()
    assert post.upvote_count == Vote.objects.filter(post=post).count() == 2


def test_votes_on_one_post_do_not_count_on_another():
    first, second = make_post(), make_post()
    visitor = Client()
    vote(visitor, first)
    assert state(visitor, second) == {"upvoted": False, "upvotes": 0}
    assert state(visitor, first) == {"upvoted": True, "upvotes": 1}


def test_without_javascript_a_vote_redirects_back_to_the_article_showing_the_voters_state():
    post = make_post()
    visitor = Client()
    response = vote(visitor, post, json_answer=False, Accept="text/html")
    assert response.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}?voted=1#upvote"
    page = visitor.get(response["Location"])
    html = page.content.decode()
    assert 'aria-pressed="true"' in html and "your upvote is counted" in html
    assert re.search(r"<span data-upvote-label[^>]*>Upvoted</span>", html), "the pressed button says Upvoted"
    assert '<span data-upvote-count>1</span>' in html
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    taken_back = visitor.get(vote(visitor, post, json_answer=False, Accept="text/html")["Location"])
    assert 'aria-pressed="false"' in taken_back.content.decode()
    assert re.search(r"<span data-upvote-label[^>]*>Upvote</span>", taken_back.content.decode())
    assert "Your upvote was taken back" in taken_back.content.decode()


def test_the_article_itself_is_the_same_for_voters_and_readers():
    post = make_post()
    voter = Client()
    vote(voter, post)
    assert voter.get(post.get_absolute_url()).content == Client().get(post.get_absolute_url()).content


def test_the_first_vote_sets_a_signed_httponly_lax_cookie_for_a_year_and_later_votes_do_not():
    post = make_post()
    visitor = Client()
    first = vote(visitor, post)
    cookie = first.cookies[VOTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 365 * 24 * 3600
    assert not cookie["secure"]  # plain HTTP here; over HTTPS the next test sees Secure
    visitor_id = cookie.value.split(":")[0]  # id:timestamp:signature
    assert re.fullmatch(r"[0-9a-f]{32}", visitor_id)
    assert VOTER_COOKIE not in vote(visitor, post).cookies
    assert VOTER_COOKIE not in vote(visitor, post).cookies


def test_the_voter_cookie_is_secure_over_https():
    post = make_post()
    response = Client().post(f"{post.get_absolute_url()}upvote/", secure=True,
                             headers={"Origin": "https://testserver", "Accept": "application/json"})
    assert response.status_code == 200 and response.cookies[VOTER_COOKIE]["secure"]


@pytest.mark.parametrize("path_suffix", ["", "upvote/state/"])
def test_reading_and_asking_for_the_state_never_set_a_cookie(path_suffix):
    post = make_post()
    response = Client().get(post.get_absolute_url() + path_suffix)
    assert response.status_code == 200 and not response.cookies


def test_the_state_is_private_uncacheable_and_follows_the_visitor():
    post = make_post()
    visitor = Client()
    response = visitor.get(f"{post.get_absolute_url()}upvote/state/")
    assert response.json() == {"upvoted": False, "upvotes": 0}
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    voted = vote(visitor, post).json()
    assert state(visitor, post) == voted == {"upvoted": True, "upvotes": 1}
    assert state(Client(), post) == {"upvoted": False, "upvotes": 1}
    assert visitor.head(f"{post.get_absolute_url()}upvote/state/").status_code == 200


@pytest.mark.parametrize("cookie", [
    "garbage", "", "a" * 4000, "\x00", "deadbeef:forged-signature",
    signed_cookie("not-a-hex-id"),
    signed_cookie("0" * 32, salt="another-purpose"),
], ids=["garbage", "empty", "huge", "nul", "forged", "signed-but-not-an-id", "signed-for-another-purpose"])
def test_a_tampered_or_garbage_cookie_is_a_new_visitor_not_an_error(cookie):
    post = make_post()
    visitor = Client()
    visitor.cookies[VOTER_COOKIE] = cookie
    response = vote(visitor, post)
    assert response.json() == {"upvoted": True, "upvotes": 1}
    assert response.cookies[VOTER_COOKIE].value != cookie  # a fresh, valid id replaces it
    assert state(visitor, post)["upvoted"] is True


def test_a_stolen_cookie_value_with_a_changed_id_is_refused():
    post = make_post()
    visitor = Client()
    signed = vote(visitor, post).cookies[VOTER_COOKIE].value
    forged = Client()
    forged.cookies[VOTER_COOKIE] = ("f" if signed[0] != "f" else "e") + signed[1:]
    assert state(forged, post)["upvoted"] is False


def test_get_is_405_and_unknown_draft_or_scheduled_posts_are_404():
    post = make_post()
    assert Client().get(f"{post.get_absolute_url()}upvote/").status_code == 405
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    scheduled = make_post(published_at=timezone.now() + datetime.timedelta(hours=1))
    for path in ("/blog/no-such-article/upvote/", f"/blog/{draft.slug}/upvote/", f"/blog/{scheduled.slug}/upvote/"):
        assert Client().post(path, headers={"Origin": SAME_ORIGIN}).status_code == 404, path
    for path in (f"/blog/{draft.slug}/upvote/state/", f"/blog/{scheduled.slug}/upvote/state/"):
        assert Client().get(path).status_code == 404, path
    assert Vote.objects.count() == 0


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.evil.example"},
    {"Origin": None},
    {"Origin": None, "Referer": "https://evil.example/blog/"},
    {"Origin": None, "Referer": "not a url"},
    {"Origin": "https://testserver"},  # same host, other scheme: another origin
], ids=["other-site", "null", "lookalike", "no-headers", "other-site-referer", "garbage-referer", "other-scheme"])
def test_votes_from_other_sites_or_without_origin_are_refused(headers):
    post = make_post()
    response = vote(Client(), post, **headers)
    assert response.status_code == 403
    assert "only accept this from a page of this site" in response.content.decode()
    post.refresh_from_db()
    assert post.upvote_count == 0 and not Vote.objects.exists() and not response.cookies


def test_a_same_site_referer_is_enough_when_the_browser_sends_no_origin():
    post = make_post()
    response = vote(Client(), post, Origin=None, Referer=f"{SAME_ORIGIN}{post.get_absolute_url()}")
    assert response.json() == {"upvoted": True, "upvotes": 1}


def test_referrer_policy_is_same_origin_because_the_origin_check_relies_on_it():
    """With no-referrer, Chromium sends `Origin: null` on same-origin form posts and every vote
    without JavaScript would be refused."""
    assert Client().get(make_post().get_absolute_url())["Referrer-Policy"] == "same-origin"


def test_the_database_allows_one_vote_per_visitor_and_post():
    post = make_post()
    Vote.objects.create(post=post, voter="v" * 64)
    with pytest.raises(IntegrityError):
        Vote.objects.create(post=post, voter="v" * 64)


def test_over_the_limit_a_network_gets_429_with_retry_after(settings):
    settings.IDARE_VOTE_RATE = "3/m"
    post = make_post()
    visitor = Client()
    answers = [vote(visitor, post).status_code for _ in range(3)]
    refused = vote(visitor, post)
    assert answers == [200, 200, 200] and refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.json()["error"]
    page = vote(Client(), post, json_answer=False, Accept="text/html")  # same network, another browser
    assert page.status_code == 429 and "Please slow down" in page.content.decode()
    other_network = vote(Client(REMOTE_ADDR="198.51.100.20"), post)
    assert other_network.status_code == 200
    post.refresh_from_db()
    assert post.upvote_count == Vote.objects.filter(post=post).count()


def test_the_limit_can_be_turned_off_for_load_tests(settings):
    settings.IDARE_VOTE_RATE = settings.IDARE_UPVOTE_COUNT_RATE = "off"
    post = make_post()
    assert all(vote(Client(), post).status_code == 200 for _ in range(40))
    assert not RateLimitCounter.objects.exists()


def test_behind_a_trusted_proxy_the_network_comes_from_x_forwarded_for(settings, rf):
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges("10.0.0.0/8")
    from_proxy = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    spoofed = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert network_key(from_proxy) == network_key(spoofed)  # the client cannot choose its entry
    assert network_key(from_proxy) != network_key(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"))
    settings.IDARE_TRUSTED_PROXY_RANGES = ()
    assert network_key(from_proxy) == network_key(rf.get("/", REMOTE_ADDR="10.0.0.1"))


def test_one_ipv6_network_counts_as_one_visitor_network(rf):
    first = rf.get("/", REMOTE_ADDR="2001:db8:1:2::10")
    same_64 = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other_64 = rf.get("/", REMOTE_ADDR="2001:db8:1:3::10")
    assert network_key(first) == network_key(same_64) != network_key(other_64)


def test_a_new_days_salt_replaces_the_old_one(rf):
    request = rf.get("/", REMOTE_ADDR="198.51.100.1")
    network_key(request)
    today = DailySalt.objects.get()
    DailySalt.objects.filter(pk=today.pk).update(day=today.day - datetime.timedelta(days=1))
    network_key(request)
    assert list(DailySalt.objects.values_list("day", flat=True)) == [today.day]


def test_no_raw_ip_address_is_stored_anywhere(settings):
    """After votes and shares from known addresses (direct, IPv6 and behind a proxy), no table
    holds any of them in any column."""
    settings.IDARE_TRUSTED_PROXY_RANGES = parse_ranges("10.0.0.0/8")
    post = make_post()
    addresses = ["203.0.113.77", "2001:db8:77::77"]
    for address in addresses:
        vote(Client(REMOTE_ADDR=address), post)
        Client(REMOTE_ADDR=address).get(f"{post.get_absolute_url()}share/x/", headers={"Sec-Fetch-Site": "same-origin"})
    vote(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.77"), post)
    addresses.append("198.51.100.77")
    assert Vote.objects.count() == 3 and RateLimitCounter.objects.exists()
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = json.dumps(row, default=str)
                found += [f"{table}: {address}" for address in addresses + ["2001:db8:77:"] if address in text]
    assert not found


def test_the_blog_index_lists_the_most_upvoted_articles_first_page_only():
    quiet, loved, liked = make_post(title="Quiet"), make_post(title="Loved"), make_post(title="Liked")
    for visitor in range(3):
        vote(Client(REMOTE_ADDR=f"198.51.100.{visitor}"), loved)
    vote(Client(), liked)
    html = Client().get("/blog/").content.decode()
    section = html[html.index('id="most-upvoted-title"'):]
    assert section.index("Loved") < section.index("Liked") and "Quiet" not in section.split("</section>")[0]
    assert "3 upvotes" in section and "1 upvote)" in section
    for _ in range(11):
        make_post()
    assert 'id="most-upvoted-title"' not in Client().get("/blog/?page=2").content.decode()
    assert quiet.upvote_count == 0


def test_the_admin_post_list_shows_upvotes_and_shares_and_sorts_by_them(staff_client):
    many, few = make_post(title="Many"), make_post(title="Few")  # newest first by default: Many, then Few
    for visitor in range(2):
        vote(Client(REMOTE_ADDR=f"198.51.100.{visitor}"), many)
    for _ in range(3):
        Client().get(f"{few.get_absolute_url()}share/x/", headers={"Sec-Fetch-Site": "same-origin"})
    page = staff_client.get("/admin/blog/post/").content.decode()
    assert "column-upvote_count" in page and "column-shares" in page
    assert page.index(">Many<") < page.index(">Few<")
    fewest_upvotes_first = staff_client.get("/admin/blog/post/", {"o": "6"}).content.decode()
    most_shares_first = staff_client.get("/admin/blog/post/", {"o": "-7"}).content.decode()
    assert fewest_upvotes_first.index(">Few<") < fewest_upvotes_first.index(">Many<")
    assert most_shares_first.index(">Few<") < most_shares_first.index(">Many<")
    row = re.search(r">Few</a>.*?</tr>", page, re.S).group(0)
    assert re.search(r'class="field-shares">3<', row)


# --- what one network adds to one article a day, whatever its cookies -------------------------

def test_one_network_discarding_its_cookie_adds_at_most_three_upvotes_a_day(settings):
    settings.IDARE_VOTE_RATE = "off"  # the per-minute throttle is another test's: this is the daily bound
    post = make_post()
    answers = [vote(Client(), post).json() for _ in range(20)]  # a new client each time: no cookie kept
    assert [a["upvotes"] for a in answers] == [1, 2, 3] + [3] * 17
    assert all(a["upvoted"] for a in answers), "each visitor's own button still shows their upvote"
    assert [a.get("counted", True) for a in answers] == [True] * 3 + [False] * 17
    assert "does not add to the count" in answers[-1]["note"]
    post.refresh_from_db()
    assert post.upvote_count == 3 and Vote.objects.filter(post=post, counted=True).count() == 3


def test_two_networks_each_add_their_own_upvotes(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    for address in ("192.0.2.10", "198.51.100.20"):
        for _ in range(5):
            vote(Client(REMOTE_ADDR=address), post)
    post.refresh_from_db()
    assert post.upvote_count == 6


def test_taking_an_upvote_back_does_not_give_the_network_another(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    first = Client()
    vote(first, post)
    assert vote(first, post).json()["upvotes"] == 0  # taken back
    answers = [vote(Client(), post).json() for _ in range(3)]
    assert [a["upvotes"] for a in answers] == [1, 2, 2] and answers[-1]["counted"] is False


def a_post_with_the_networks_upvotes_used_up() -> Post:
    post = make_post()
    for _ in range(3):
        vote(Client(), post)
    return post


def test_taking_back_an_upvote_that_was_not_counted_leaves_the_count_alone(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = a_post_with_the_networks_upvotes_used_up()
    extra = Client()
    answer = vote(extra, post).json()
    assert answer["upvoted"] is True and answer["upvotes"] == 3 and answer["counted"] is False
    assert vote(extra, post).json()["upvotes"] == 3
    assert state(extra, post) == {"upvoted": False, "upvotes": 3}


def test_the_state_of_an_uncounted_upvote_is_what_the_click_answered(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = a_post_with_the_networks_upvotes_used_up()
    visitor = Client()
    answer = vote(visitor, post).json()
    assert answer["counted"] is False
    assert state(visitor, post) == answer


def test_without_javascript_an_uncounted_upvote_says_so_on_the_article(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = a_post_with_the_networks_upvotes_used_up()
    visitor = Client()
    response = vote(visitor, post, json_answer=False, Accept="text/html")
    assert response.status_code == 303
    page = visitor.get(response["Location"]).content.decode()
    assert "it does not add to the count" in page and "your upvote is counted" not in page


def test_the_bound_can_be_raised_or_turned_off_for_load_tests(settings):
    settings.IDARE_VOTE_RATE = settings.IDARE_UPVOTE_COUNT_RATE = "off"
    post = make_post()
    assert [vote(Client(), post).json()["upvotes"] for _ in range(10)] == list(range(1, 11))
