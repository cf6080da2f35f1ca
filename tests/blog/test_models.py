import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import Post
from tests.factories import make_author, make_post

pytestmark = pytest.mark.django_db


def test_published_shows_only_published_posts_whose_time_has_come():
    live = make_post(title="Live")
    make_post(title="Draft", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Scheduled", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert list(Post.objects.published()) == [live]


def test_publishing_without_a_date_stamps_the_moment_of_saving():
    before = timezone.now()
    post = make_post(published_at=None)
    assert post.published_at is not None and post.published_at >= before
    assert post in Post.objects.published()


def test_database_refuses_a_published_post_without_a_date():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_database_refuses_a_hero_image_without_alt_text_or_credit():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(hero_image="posts/x.jpg", hero_alt="", hero_credit="Someone")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(hero_image="posts/x.jpg", hero_alt="A calm sea", hero_credit="")


def test_database_refuses_unknown_status_and_duplicate_slugs():
    post = make_post(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status="archived")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(slug="same")


def test_body_is_rendered_and_sanitized_on_save():
    post = make_post(body="## Hello\n\n<script>alert(1)</script>Hi")
    assert '<h2 id="hello">Hello</h2>' in post.body_html
    assert "<script" not in post.body_html


def test_reading_time_counts_words_at_two_hundred_a_minute():
    assert make_post(body="word " * 10).reading_minutes == 1
    assert make_post(body="word " * 401).reading_minutes == 3


def test_related_posts_share_tags_most_shared_first_then_the_newest_others_and_exclude_drafts():
    author = make_author()
    post = make_post(author=author, tags=["Trust", "Healing"])
    long_ago = timezone.now() - datetime.timedelta(days=90)
    both = make_post(author=author, tags=["Trust", "Healing"], published_at=long_ago)
    one = make_post(author=author, tags=["Trust"])
    make_post(author=author, tags=["Trust"], status=Post.Status.DRAFT, published_at=None)
    older_other = make_post(author=author, tags=["Grief"], published_at=long_ago)
    newer_other = make_post(author=author, tags=["Grief"], published_at=timezone.now() - datetime.timedelta(hours=1))
    assert Post.objects.related_to(post) == [both, one, newer_other]
    assert Post.objects.related_to(post, limit=4) == [both, one, newer_other, older_other]


def test_related_posts_are_ranked_among_the_newest_tag_links_only_so_the_cost_stays_flat():
    author = make_author()
    post = make_post(author=author, tags=["Trust", "Healing"])
    long_ago = timezone.now() - datetime.timedelta(days=900)
    make_post(author=author, tags=["Trust", "Healing"], published_at=long_ago)
    recent = [make_post(author=author, tags=["Trust"], published_at=timezone.now() - datetime.timedelta(days=d))
              for d in (1, 2)]
    assert Post.objects.related_to(post, limit=2, window=2) == recent
