"""One rule for what readers see (blog.models.seen_by_readers): an article scheduled for later is
nowhere yet, in any list that reaches it through another model: the topics offered when a search
finds nothing, the topics in the sitemap, an article's related reading."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_post

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=2)


def test_a_topic_with_only_a_scheduled_article_is_not_offered_yet(client):
    make_post(tags=["Sleep"], published_at=timezone.now() + LATER)
    make_post(tags=["Grief"])
    page = client.get("/search/", {"q": "nothing matches this"}).content.decode()  # offers topics
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/blog/tag/grief/" in page and "/blog/tag/grief/" in sitemap
    assert "/blog/tag/sleep/" not in page
    assert "/blog/tag/sleep/" not in sitemap


def test_a_scheduled_article_is_not_related_reading_yet(client):
    sleep = "Sleep"
    reading = make_post(tags=[sleep])
    make_post(tags=[sleep], title="Coming on Friday", published_at=timezone.now() + LATER)
    make_post(tags=[sleep], title="Already out")
    page = client.get(reading.get_absolute_url()).content.decode()
    assert "Already out" in page
    assert "Coming on Friday" not in page
