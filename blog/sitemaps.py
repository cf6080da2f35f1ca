from django.db.models import Max

from blog.models import Page, Post, Tag, seen_by_readers
from core.sitemaps import NamedPages, SiteSitemap


class ArticleSitemap(SiteSitemap):
    limit = 50_000  # the most one sitemap file may hold; beyond it, /sitemap.xml?p=2 and on

    def items(self):
        return Post.objects.published().only("slug", "updated_at").order_by("published_at", "pk")

    def lastmod(self, post: Post):
        return post.updated_at


class TagSitemap(SiteSitemap):
    def items(self):
        return Tag.objects.annotate(newest=Max("posts__updated_at", filter=seen_by_readers("posts__"))).filter(
            newest__isnull=False).order_by("name")

    def lastmod(self, tag: Tag):
        return tag.newest


class StandingPageSitemap(SiteSitemap):
    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, page: Page):
        return page.updated_at


class BlogPages(NamedPages):
    url_names = ["home", "blog:index"]
