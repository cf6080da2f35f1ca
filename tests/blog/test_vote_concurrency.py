"""Votes at the same moment, on PostgreSQL with real threads and real servers: exact counts."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from blog.models import Post, ShareCount, Vote
from tests.factories import make_post
from tests.servers import gunicorn, request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL: set DATABASE_URL (CI does)")


def all_at_once(threads: int, work) -> list:
    """Runs work(i) in `threads` threads released together; each thread holds one connection, so
    the test stays well under PostgreSQL's 100."""
    barrier, results, failures = threading.Barrier(threads), [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.extend(work(i))
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's error
            failures.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not failures, failures
    return results


def post_vote(client: Client, post: Post):
    return client.post(f"{post.get_absolute_url()}upvote/",
                       headers={"Origin": "http://testserver", "Accept": "application/json"})


def test_two_hundred_visitors_upvoting_at_once_leave_exactly_two_hundred_votes(settings):
    settings.IDARE_VOTE_RATE = settings.IDARE_UPVOTE_COUNT_RATE = "off"  # 200 visitors from one test network
    post = make_post()

    def five_visitors(_):
        return [post_vote(Client(), post).status_code for _ in range(5)]

    statuses = all_at_once(40, five_visitors)
    post.refresh_from_db()
    assert statuses == [200] * 200
    assert Vote.objects.filter(post=post).count() == 200 and post.upvote_count == 200


def test_fifty_clicks_from_one_visitor_at_once_leave_at_most_one_vote_and_an_exact_count(settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    visitor = Client()
    assert post_vote(visitor, post).status_code == 200  # the visitor's cookie, then 50 clicks with it
    cookie = visitor.cookies

    def click(_):
        same_browser = Client()
        same_browser.cookies = cookie
        return [post_vote(same_browser, post).status_code]

    statuses = all_at_once(50, click)
    post.refresh_from_db()
    rows, counted = Vote.objects.filter(post=post).count(), Vote.objects.filter(post=post, counted=True).count()
    assert statuses == [200] * 50 and rows in (0, 1) and post.upvote_count == counted <= rows


def test_the_vote_limit_holds_across_two_app_servers(tmp_path):
    """Counters live in the database, not in a worker's memory: six votes a minute from one
    network in all, whichever server takes them."""
    post = make_post()
    rates = {"IDARE_VOTE_RATE": "6/m", "IDARE_UPVOTE_COUNT_RATE": "off"}
    with gunicorn(tmp_path, **rates) as first, gunicorn(tmp_path, **rates) as second:
        statuses = []
        for port in (first, second, first, second, first, second, first, second):
            status, _, body = request(port, "POST", f"/blog/{post.slug}/upvote/", {
                "Origin": f"http://127.0.0.1:{port}", "Accept": "application/json"})
            statuses.append(status)
        assert statuses == [200] * 6 + [429] * 2, statuses
        assert json.loads(body)["error"]
    post.refresh_from_db()
    assert post.upvote_count == Vote.objects.filter(post=post).count() == 6


def test_forty_cookieless_votes_from_one_network_at_once_add_exactly_the_days_bound(settings):
    settings.IDARE_VOTE_RATE, settings.IDARE_UPVOTE_COUNT_RATE = "off", "3/day"
    post = make_post()
    statuses = all_at_once(40, lambda _: [post_vote(Client(), post).status_code])
    post.refresh_from_db()
    assert statuses == [200] * 40
    assert post.upvote_count == Vote.objects.filter(post=post, counted=True).count() == 3
    assert Vote.objects.filter(post=post).count() == 40  # each visitor's own upvote is kept for them


def test_forty_share_clicks_from_one_network_at_once_add_exactly_the_days_bound(settings):
    settings.IDARE_VOTE_RATE, settings.IDARE_SHARE_COUNT_RATE = "off", "3/day"
    post = make_post()
    statuses = all_at_once(40, lambda _: [Client().post(f"{post.get_absolute_url()}share/copy/",
                                                        headers={"Origin": "http://testserver"}).status_code])
    assert statuses == [204] * 40
    assert sum(ShareCount.objects.filter(post=post).values_list("clicks", flat=True)) == 3
