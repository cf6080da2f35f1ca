"""The help box on every article: real numbers from the helpline table, never stale after an edit."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import Helpline
from tests.factories import admin_change_data, make_helpline, make_post

pytestmark = pytest.mark.django_db


def help_box(html: str) -> str:
    start = html.index('class="help-box"')
    return html[start:html.index("</aside>", start)]


def edit_in_admin(staff_client, line: Helpline, **changes) -> None:
    data = admin_change_data(staff_client.get(f"/admin/support/helpline/{line.pk}/change/"))
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    response = staff_client.post(f"/admin/support/helpline/{line.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.usefixtures("one_article_content")
def test_every_article_has_a_help_box_with_112_and_tele_manas(client):
    html = client.get("/blog/building-trust-through-trust-issues/").content.decode()
    box = help_box(html)
    assert 'href="tel:112"' in box and 'href="tel:14416"' in box and 'href="tel:18008914416"' in box
    assert "24x7" in box and "Free" in box
    assert 'href="/help/"' in box
    assert "This article is information, not a substitute for care from a qualified professional." in " ".join(
        re.sub(r"<[^>]+>", " ", box).split())
    assert html.index('class="call-to-action"') < html.index('class="help-box"') < html.index('class="engagement"')


def test_the_box_shows_the_most_urgent_active_lines_from_the_table(client):
    make_helpline(name="First line", numbers="1800 100 100", urgency=1)
    make_helpline(name="Second line", numbers="1800 200 200", urgency=2)
    make_helpline(name="Hidden line", numbers="1800 300 300", urgency=0, active=False)
    box = help_box(client.get(make_post().get_absolute_url()).content.decode())
    assert "First line" in box and "Second line" in box and "Hidden line" not in box
    assert box.index("First line") < box.index("Second line")


def test_an_edit_shows_in_the_box_on_the_next_page_view(staff_client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Edited line", numbers="1800 400 400", urgency=1)
    post = make_post()
    assert 'href="tel:1800400400"' in help_box(staff_client.get(post.get_absolute_url()).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(staff_client, line, numbers="1800 500 500")
    box = help_box(staff_client.get(post.get_absolute_url()).content.decode())
    assert 'href="tel:1800500500"' in box and "1800400400" not in box


def test_a_line_made_inactive_leaves_the_box(staff_client, django_capture_on_commit_callbacks):
    line = make_helpline(name="Paused line", numbers="1800 600 600", urgency=1)
    post = make_post()
    staff_client.get(post.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(staff_client, line, active=False)
    assert "Paused line" not in staff_client.get(post.get_absolute_url()).content.decode()


def test_the_helplines_are_read_with_one_query_until_they_change(client):
    make_helpline(name="Cached line", urgency=1)
    posts = [make_post(), make_post()]
    with CaptureQueriesContext(connection) as queries:
        for post in posts * 2:
            assert client.get(post.get_absolute_url()).status_code == 200
    # One snapshot build: the lines (their periods, channels and languages come in their own prefetches)
    assert sum('FROM "support_helpline"' in query["sql"] for query in queries.captured_queries) == 1
