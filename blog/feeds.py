"""RSS 2.0 and Atom feeds of the latest articles, with their full (sanitized) text and absolute
addresses, so a feed reader shows the article as the site does."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from blog.models import MARKDOWN_SOURCES, Post

FEED_LENGTH = 20
RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_html(html: str) -> str:
    """Links and images in an article are site-relative; a feed reader needs the whole address."""
    return RELATIVE_URL.sub(rf"\1{settings.SITE_URL}/", html)


class FullTextRss(Rss201rev2Feed):
    """RSS 2.0 with the article's full HTML in content:encoded, the summary in description."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class FullTextAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = FullTextRss
    title = "iDare: articles on mental health"
    description = "New articles from iDare. iDare is not an emergency service: for urgent help see /help/."
    author_name = "iDare"

    def link(self):
        return settings.SITE_URL + reverse("blog:index")

    def feed_url(self):
        return settings.SITE_URL + reverse("blog:feed")

    def items(self):
        # Unlike a listing, a feed carries each article's full text.
        posts = Post.objects.published().select_related("author").prefetch_related("tags", "corrections").defer(
            *MARKDOWN_SOURCES)
        return posts.order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.excerpt

    def item_link(self, post: Post) -> str:
        return post.canonical_url

    def item_guid(self, post: Post) -> str:
        return post.canonical_url

    def item_author_name(self, post: Post) -> str:
        return post.author.name

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.updated_at

    def item_categories(self, post: Post):
        return [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post: Post) -> dict:
        # A correction reaches feed readers too, under the text as on the page.
        corrections = render_to_string("blog/_corrections.html", {"post": post}) if post.corrections.all() else ""
        return {"content": absolute_html(post.body_html + corrections)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullTextAtom
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return settings.SITE_URL + reverse("blog:feed_atom")
