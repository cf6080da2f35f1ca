"""What a review of the published content found, kept fixed: true dates, safe-messaging wording, the
privacy notice agreeing with what the site does, and article regions labelled for what they hold."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from blog.models import Post
from tests.helpers import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("content")]
SEED = "building-trust-through-trust-issues"
WRITTEN_ON = datetime.date(2026, 11, 26)


def test_the_articles_show_the_day_they_were_written_and_the_seed_keeps_its_own():
    dates = {post.slug: timezone.localtime(post.published_at).date() for post in Post.objects.all()}
    assert dates.pop(SEED) == datetime.date(2024, 6, 4)
    assert set(dates.values()) == {WRITTEN_ON}, dates


def test_when_anxiety_gets_loud_sends_chest_pain_to_urgent_care_and_promises_less(client):
    text = text_of(client.get("/blog/when-anxiety-gets-loud/"), straight_quotes=True)
    assert "Sudden chest pain or sudden breathlessness needs urgent care: call 112" in text
    assert "does not stay this intense forever" not in text


def test_running_on_empty_drops_edge_imagery_and_cites_icd_11(client):
    response = client.get("/blog/running-on-empty-burnout/")
    text = text_of(response, straight_quotes=True)
    assert "from the Edge" not in text
    assert "ICD-11 describes burnout" in text and "uses the word for work only" in text
    sources = response.content.decode().split('id="sources-title"')[1]
    assert "ICD-11" in sources and "https://www.who.int/news/item/28-05-2019-burn-out" in sources


def test_grief_names_thoughts_of_suicide_next_to_the_help_link(client):
    html = client.get("/blog/grief-has-no-timetable/").content.decode()
    assert re.search(r"thoughts of suicide[^<]*<a href=\"/help/\">reach a crisis line now</a>", html)


def test_asking_for_help_explains_registration_psychiatrists_and_medication(client):
    text = text_of(client.get("/blog/asking-for-help-is-a-strength/"), straight_quotes=True)
    assert "Rehabilitation Council of India (RCI)" in text and "RCI registration number" in text
    assert "A psychiatrist." in text and "medication" in text
    assert "You can ask questions. About fees" not in text
    assert "You can ask questions. For example, about fees" in text


def test_the_privacy_notice_agrees_with_the_logs_cookies_and_law(client):
    text = text_of(client.get("/privacy/"), straight_quotes=True)
    log_format = re.search(r"access_log_format = '([^']+)'",
                           (Path(settings.BASE_DIR) / "gunicorn.conf.py").read_text()).group(1)
    assert "%(t)s" in log_format and "when the request happened (date and time)" in text
    for personal in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%(r)s", "%(u)s"):
        assert personal not in log_format
    assert "csrftoken" in text and "/admin/login/" in text
    assert "Readers who do not sign in never receive these cookies" not in text
    assert "Digital Personal Data Protection Act, 2023" in text
    assert "Sensitive Personal Data or Information) Rules, 2011" in text and "mental health" in text


def test_every_labelled_region_of_the_article_holds_what_its_label_says(client):
    html = client.get(f"/blog/{SEED}/").content.decode()
    labels = dict(re.findall(r'<h2 id="([\w-]+-title)"[^>]*>([^<]+)</h2>', html))
    labels.update(re.findall(r'<p class="[\w_ -]+" id="([\w-]+)">([^<]+)</p>', html))
    assert labels["engagement-title"] == "Upvote and share"
    share_list = html[html.index('aria-labelledby="share-label"'):]
    share_list = share_list[:share_list.index("</ul>")]
    assert labels["share-label"] == "Share this article" and share_list.count("/share/") >= 5
    engagement = html[html.index('aria-labelledby="engagement-title"'):html.index('id="share-label"')]
    assert 'action="/blog/building-trust-through-trust-issues/upvote/"' in engagement
    assert labels["tags-title"] == "Topics" and "/blog/tag/trust/" in html.split('id="tags-title"')[1][:600]
