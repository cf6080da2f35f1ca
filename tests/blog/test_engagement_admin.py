"""The editors' page of upvotes and share clicks per article and per day, and its CSV."""

import csv
import datetime
import io
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, ShareCount, Vote
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db

URL = reverse("admin:blog_post_engagement")
MARCH_1, MARCH_2, MARCH_3 = datetime.date(2025, 3, 1), datetime.date(2025, 3, 2), datetime.date(2025, 3, 3)
PERIOD = {"start": "2025-03-01", "end": "2025-03-03"}
_voters = itertools.count(1)


def upvote(post: Post, day: datetime.date) -> None:
    """A standing vote cast on `day`, with the post's counter moved as Vote.objects.toggle moves it."""
    Vote.objects.create(post=post, voter=f"voter-{next(_voters)}", created_on=day)
    Post.objects.filter(pk=post.pk).update(upvote_count=F("upvote_count") + 1)


def shared(post: Post, network: str, day: datetime.date, clicks: int) -> None:
    ShareCount.objects.create(post=post, network=network, day=day, clicks=clicks)


class TableReader(HTMLParser):
    """The text of every cell of every row of one table, found by its id."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td"):
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table(response, table_id: str) -> list[list[str]]:
    reader = TableReader(table_id)
    reader.feed(response.content.decode())
    return reader.rows


def day_label(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@pytest.fixture
def activity():
    """Two articles active in 1–3 March 2025, one active only outside it."""
    trust = make_post(title="Trust & healing", slug="trust")
    anxiety = make_post(title="Anxiety at work", slug="anxiety")
    quiet = make_post(title="Quiet article", slug="quiet")
    upvote(trust, MARCH_1)
    upvote(trust, MARCH_1)
    upvote(trust, MARCH_3)
    upvote(trust, datetime.date(2025, 2, 28))  # before the period: all-time only
    shared(anxiety, "whatsapp", MARCH_2, 3)
    shared(anxiety, "copy", MARCH_2, 2)
    shared(anxiety, "email", datetime.date(2025, 3, 4), 5)  # after the period
    shared(trust, "x", MARCH_3, 1)
    upvote(quiet, datetime.date(2025, 3, 10))
    return trust, anxiety, quiet


def test_page_shows_figures_per_article_and_per_day_for_the_period_only(admin_client, activity):
    trust, anxiety, _ = activity
    response = admin_client.get(URL, PERIOD)
    assert response.status_code == 200
    assert table(response, "engagement-days") == [
        ["Date", "Upvotes", "Share clicks"],
        [day_label(MARCH_1), "2", "0"],
        [day_label(MARCH_2), "0", "5"],
        [day_label(MARCH_3), "1", "1"],
        ["Total", "3", "6"],
    ]
    assert table(response, "engagement-posts") == [
        ["Article", "Upvotes in period", "WhatsApp", "X", "Facebook", "LinkedIn", "Telegram", "E-mail",
         "Copy link", "Device share menu", "Share clicks in period", "Upvotes of all time"],
        ["Anxiety at work", "0", "3", "0", "0", "0", "0", "0", "2", "0", "5", "0"],
        ["Trust & healing", "3", "0", "1", "0", "0", "0", "0", "0", "0", "1", "4"],
    ]
    html = response.content.decode()
    assert 'datetime="2025-02-28"' not in html and 'datetime="2025-03-04"' not in html
    assert f'href="{reverse("admin:blog_post_change", args=[trust.pk])}"' in html
    assert "Quiet article" not in html


def test_default_period_is_the_last_30_days_ending_today(admin_client):
    today = timezone.localdate()
    response = admin_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{today - datetime.timedelta(days=29):%Y-%m-%d}"' in html and f'value="{today:%Y-%m-%d}"' in html
    days = table(response, "engagement-days")[1:-1]
    assert len(days) == 30 and days[-1][0] == day_label(today)


def test_chart_is_an_accessible_svg_without_inline_style_or_script(admin_client, activity):
    response = admin_client.get(URL, PERIOD)
    svg = re.search(r'<svg [^>]*class="engagement-chart".*?</svg>', response.content.decode(), re.DOTALL)
    assert svg, "no chart on the page"
    svg = svg.group()
    assert 'role="img"' in svg and 'aria-labelledby="engagement-chart-title engagement-chart-desc"' in svg
    assert re.search(r'<title id="engagement-chart-title">Upvotes and share clicks per day, 1 March 2025 to '
                     r"3 March 2025</title>", svg)
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg.lower()
    assert "style=" not in response.content.decode().split('id="content-main"')[1]


def test_csv_has_the_header_and_one_row_per_article_and_day_with_activity(admin_client, activity):
    response = admin_client.get(URL, {**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="idare-engagement-2025-03-01-2025-03-03.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["date", "slug", "title", "upvotes", "whatsapp", "x", "facebook", "linkedin", "telegram", "email", "copy",
         "device", "shares_total"],
        ["2025-03-01", "trust", "Trust & healing", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["2025-03-02", "anxiety", "Anxiety at work", "0", "3", "0", "0", "0", "0", "0", "2", "0", "5"],
        ["2025-03-03", "trust", "Trust & healing", "1", "0", "1", "0", "0", "0", "0", "0", "0", "1"],
    ]


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab",
                                   "\rReturn"])
def test_csv_neutralises_a_title_a_spreadsheet_would_run(admin_client, title):
    upvote(make_post(title=title, slug="formula"), MARCH_1)
    response = admin_client.get(URL, {**PERIOD, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][2] == f"'{title}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-03-05", "end": "2025-03-01"}, "The start date must be on or before the end date."),
        ({"start": "2024-01-01", "end": "2025-02-03"}, "Choose a period of at most 366 days."),
        ({"start": "2024-01-01", "end": "2025-01-01", "format": "csv"}, "Choose a period of at most 366 days."),
        ({"start": "garbage", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "2025-03-01\x00", "end": "2025-03-03"}, "Enter a valid date."),
        ({"start": "\x00", "end": "\x00\x00"}, "Enter a valid date."),
        ({"start": "99999-01-01", "end": "2025-03-03"}, "Enter a valid date."),
        ({"start": "2025-03-01"}, "This field is required."),
    ],
)
def test_an_invalid_period_is_refused_with_400_and_says_why(admin_client, query, message):
    response = admin_client.get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html") and message in response.content.decode()


def test_a_period_of_366_days_is_accepted(admin_client):
    response = admin_client.get(URL, {"start": "2024-01-01", "end": "2024-12-31"})
    assert response.status_code == 200 and len(table(response, "engagement-days")) == 366 + 2


def test_staff_without_view_permission_get_403(client):
    user = make_staff(username="writer", superuser=False)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.user_permissions.add(Permission.objects.get(content_type__app_label="blog", codename="view_post"))
    assert client.get(URL).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(URL, PERIOD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_post_changelist_links_to_the_page(admin_client):
    html = admin_client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert f'<a href="{URL}">Upvotes and shares</a>' in html


def test_query_count_does_not_grow_with_articles_and_days(admin_client, django_assert_max_num_queries):
    start = datetime.date(2025, 1, 1)
    few = [make_post() for _ in range(2)]
    for post in few:
        upvote(post, start)
        shared(post, "whatsapp", start, 1)
    with django_assert_max_num_queries(5):
        assert admin_client.get(URL, {"start": "2025-01-01", "end": "2025-03-01"}).status_code == 200

    many = [make_post() for _ in range(28)]
    days = [start + datetime.timedelta(days=n) for n in range(60)]
    Vote.objects.bulk_create(
        Vote(post=post, voter=f"bulk-{post.pk}-{n}", created_on=day) for post in many for n, day in enumerate(days)
    )
    ShareCount.objects.bulk_create(
        ShareCount(post=post, network=network, day=day, clicks=2)
        for post in many for day in days for network in ("x", "email")
    )
    with django_assert_max_num_queries(5):
        response = admin_client.get(URL, {"start": "2025-01-01", "end": "2025-03-01"})
    assert len(table(response, "engagement-posts")) == 30 + 1


def test_the_page_says_how_the_counts_are_bounded(admin_client, settings):
    settings.IDARE_UPVOTE_COUNT_RATE, settings.IDARE_SHARE_COUNT_RATE = "3/day", "5/day"
    settings.IDARE_SESSION_REGISTRATION_RATE = "4/day"
    html = admin_client.get(URL).content.decode()
    assert "Counts at most 3 upvotes per article from one network a day." in html
    assert "Counts at most 5 share clicks per article from one network a day." in html
    assert "Engage registrations take a place only once the person confirms them from the e-mail" in html
    assert "One network can register at most 4 times for one session a day." in html


def test_an_upvote_past_the_networks_bound_is_not_in_the_chart(admin_client, client, settings):
    settings.IDARE_VOTE_RATE = "off"
    post = make_post()
    for _ in range(5):
        client.cookies.clear()
        client.post(f"{post.get_absolute_url()}upvote/", headers={"Origin": "http://testserver"})
    today = timezone.localdate().isoformat()
    rows = list(csv.reader(io.StringIO(admin_client.get(URL, {"start": today, "end": today, "format": "csv"})
                                       .content.decode())))
    assert rows[1][3] == "3"
