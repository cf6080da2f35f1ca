"""JSON-LD for search engines: the article (schema.org Article) and where it sits (BreadcrumbList)."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()
# In a <script> element only "</script" or "<!--" could end it early: escaping <, > and & is enough.
JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def as_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_IN_HTML)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.simple_tag
def article_structured_data(post, review=None) -> SafeString:
    site = settings.SITE_URL
    image = post.share_image
    article = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": post.title,
        "description": post.excerpt,
        "url": post.canonical_url,
        "mainEntityOfPage": post.canonical_url,
        "dateModified": timezone.localtime(post.updated_at).isoformat(),  # the site's day, not UTC's
        "author": {"@type": "Organization" if post.author.slug.endswith("team") else "Person",
                   "name": post.author.name, "url": site + post.author.get_absolute_url()},
        "publisher": {"@type": "Organization", "name": "iDare", "url": site + "/",
                      "logo": {"@type": "ImageObject", "url": site + static("img/apple-touch-icon.png")}},
        "inLanguage": "en-IN",
        "keywords": [tag.name for tag in post.tags.all()],
        "wordCount": len(post.body_text.split()),
    }
    if post.reader_date is not None:  # a draft seen through a preview link has no date yet
        article["datePublished"] = timezone.localtime(post.reader_date).isoformat()
    if image["url"]:
        article["image"] = {"@type": "ImageObject", "url": site + image["url"], "width": image["width"],
                            "height": image["height"]}
    # Only a review that covers the text as it is now (Post.current_review): a search engine showing
    # "reviewed by" over words the reviewer never saw would lend them authority they do not have.
    if review is not None and review.covers(post):
        article["reviewedBy"] = {"@type": "Person", "name": review.reviewer_name,
                                 "jobTitle": review.reviewer_credentials}
        article["lastReviewed"] = review.reviewed_on.isoformat()
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": site + "/"},
            {"@type": "ListItem", "position": 2, "name": "Blog", "item": site + reverse("blog:index")},
            {"@type": "ListItem", "position": 3, "name": post.title, "item": post.canonical_url},
        ],
    }
    return as_script(article) + as_script(breadcrumbs)
