"""The article form's previews, over HTTP: the search result and link card say what the article's page
says in its <head>, and the body's live preview is sanitized as readers get it."""

import html
import re

import pytest
from django.test import Client

from blog.admin import SEARCH_DESCRIPTION_LIMIT, shorten
from blog.models import Post
from blog.preview_css import (
    SCOPE,
    article_rules,
    generated_section,
    preview_css_path,
    scoped_selector,
    site_css_path,
    split_selectors,
)
from tests.factories import make_page, make_post, make_sensitive_post, post_form, stored_image

pytestmark = pytest.mark.django_db

LONG_EXCERPT = ("How to talk with a friend who is struggling, what to say first, what to leave out, and where "
                "to find help together when the words will not come, in Hindi or English, at any hour.")


def look(page_html: str, name: str) -> str:
    found = re.search(rf'data-look="{name}">([^<]*)<', page_html)
    assert found, name
    return html.unescape(found.group(1))


def head(article_html: str) -> dict[str, str]:
    tags = {m[0]: html.unescape(m[1]) for m in
            re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', article_html)}
    tags["<title>"] = html.unescape(re.search(r"<title>([^<]*)</title>", article_html).group(1))
    return tags


def card_image(page_html: str) -> str:
    return html.unescape(re.search(r'class="link-card__image" src="[^"]*" alt="[^"]*" width="300" height="158"\s+'
                                   r'data-og-image="([^"]*)"', page_html).group(1))


def test_the_search_result_and_card_say_what_the_article_page_says(staff_client, settings):
    settings.SITE_URL = "https://idare.example"
    post = make_post(title="Talking <b>with</b> a friend & listening", excerpt=LONG_EXCERPT)
    page = staff_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    tags = head(Client().get(post.get_absolute_url()).content.decode())

    assert look(page, "search-title") == tags["<title>"] == "Talking <b>with</b> a friend & listening · iDare"
    assert "<b>with</b>" not in page  # shown as text, never as markup
    assert look(page, "url") == tags["og:url"] == f"https://idare.example/blog/{post.slug}/"
    description = look(page, "search-description")
    assert tags["description"] == tags["og:description"] == LONG_EXCERPT
    assert len(LONG_EXCERPT) > SEARCH_DESCRIPTION_LIMIT >= len(description)
    assert description.endswith("…") and LONG_EXCERPT.startswith(description.removesuffix("…"))
    assert look(page, "card-title") == tags["og:title"] == post.title
    assert look(page, "card-description") == tags["og:description"]
    assert card_image(page) == tags["og:image"] == f"https://idare.example{post.card_image.url}"


def test_the_card_shows_the_editors_own_image_and_a_sensitive_articles_neutral_card(staff_client):
    own = make_post(title="With its own image", social_image=stored_image("social", size=(1200, 630)),
                    social_image_alt="A lighthouse at dusk")
    sensitive = make_sensitive_post(title="About self-harm", social_image=stored_image("social", size=(1200, 630)),
                                    social_image_alt="A river")
    for post, expected in [(own, own.social_image.url), (sensitive, sensitive.card_image.url)]:
        page = staff_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
        og_image = head(Client().get(post.get_absolute_url()).content.decode())["og:image"]
        assert card_image(page) == og_image and og_image.endswith(expected), post.title
        assert f'alt="{html.escape(post.share_image["alt"], quote=True)}"' in page


def test_a_new_article_has_the_previews_before_its_first_save(staff_client):
    page = staff_client.get("/admin/blog/post/add/").content.decode()
    assert "The title card is made when the article is first saved." in page
    assert look(page, "url").endswith("/blog//") and 'data-url-prefix="' in page
    assert look(page, "search-title") == "· iDare"
    assert 'data-preview-label="Preview, as readers will see it"' in page
    assert "css/admin-preview.css" in page and "js/admin-previews.js" in page


def test_a_saved_change_shows_in_the_previews(staff_client):
    post = make_post(title="Before", excerpt="The old words.")
    response = staff_client.post(f"/admin/blog/post/{post.pk}/change/",
                                 post_form(post, title="After", excerpt="The new words.", _continue="1"))
    assert response.status_code == 302
    page = staff_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert look(page, "search-title") == "After · iDare" and look(page, "search-description") == "The new words."
    assert card_image(page).endswith(Post.objects.get(pk=post.pk).card_image.url)


def test_pages_have_the_side_by_side_preview_too(staff_client):
    page = make_page(title="About us")
    form = staff_client.get(f"/admin/blog/page/{page.pk}/change/").content.decode()
    assert 'data-preview-label="Preview, as readers will see it"' in form and "js/admin-previews.js" in form


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=/x.js></SCRIPT>",
    '<img src="/x.png" onerror="alert(1)">',
    "[a link](javascript:alert(1))",
    '<a href="/x" onclick="alert(1)">x</a><style>body{display:none}</style>',
])
def test_the_live_preview_is_sanitized_exactly_as_readers_get_it(staff_client, hostile):
    body = f"## Hello\n\nSome words.\n\n{hostile}\n\nMore words."
    preview = staff_client.post("/markdownx/markdownify/", {"content": body}).content.decode()
    lowered = preview.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered and "<style" not in lowered
    assert '<h2 id="hello">Hello</h2>' in preview
    post = make_post(body=body)  # what readers are given: the saved body's HTML
    assert preview == post.body_html


def test_shorten_cuts_at_a_word_like_a_search_engine():
    assert shorten("  Short   text ", 160) == "Short text"
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("one two, three", 9) == "one two…"  # "two," is whole: the next character is a space
    assert shorten("one twofold", 9) == "one…"
    assert len(shorten("word " * 100, 160)) <= 160


def test_the_preview_stylesheet_carries_site_css_article_rules_as_they_are():
    """admin-preview.css is made from site.css (manage.py build_admin_preview_css): after a change to
    site.css's article styles, run it again."""
    site_css = site_css_path().read_text(encoding="utf-8")
    preview_css = preview_css_path().read_text(encoding="utf-8")
    assert generated_section(site_css) in preview_css, "run: python manage.py build_admin_preview_css"
    rules = dict(article_rules(site_css))
    # The rules that make an article look like one: each is in the preview, scoped, unchanged.
    for selector in [".prose h2", ".prose blockquote", ".prose :is(p, ul, ol, dl, pre, table, figure)",
                     ".prose li::marker", ".prose table", ".prose code", "a", "h1, h2, h3, h4"]:
        assert f"{scoped_selector(selector)} {{ {rules[selector]} }}" in preview_css, selector
    assert f"{SCOPE} {{ background: var(--bg); color: var(--text); font: 400 1.125rem/1.7 var(--sans);" in preview_css
    assert "--link: #1f5f5b" in preview_css and "--link: #7fc7bf" in preview_css  # light and dark tokens
    # Nothing in the copy escapes the preview box.
    for line in generated_section(site_css).splitlines()[1:-1]:
        if line.strip() == "}" or line.lstrip().startswith("@media"):
            continue
        selectors = split_selectors(line.strip().split(" { ", 1)[0])
        assert all(part.startswith(SCOPE) for part in selectors), line
