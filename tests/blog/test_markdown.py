"""render_markdown is the one way a writer's Markdown becomes HTML, so whatever a writer (or a stolen
editor account) types, readers must get inert HTML: no script, no active content, no links that run
code, and no picture fetched from another site. These tests look only at the HTML that comes out,
parsed the way a browser would see its tags and attributes."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from core.markdown import render_markdown
from tests.helpers import elements, text_of
from tests.xss import XSS_PAYLOADS, dangers


def _cases():
    return [pytest.param(payload, id=case_id) for case_id, payload in XSS_PAYLOADS]


def test_corpus_is_large_and_distinct():
    ids = [case_id for case_id, _ in XSS_PAYLOADS]
    payloads = [payload for _, payload in XSS_PAYLOADS]
    assert len(payloads) >= 60
    assert len(set(ids)) == len(ids)
    assert len(set(payloads)) == len(payloads)


@pytest.mark.parametrize("payload", _cases())
def test_payload_renders_inert(payload):
    output = render_markdown(payload)
    assert dangers(output) == [], output

    # The output is what the importer stores and the preview shows; fed back in, it stays inert.
    twice = render_markdown(output)
    assert dangers(twice) == [], twice


# The checker itself has to see what it is looking for, or the corpus proves nothing.


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src="/media/a.png" onerror="alert(1)">',
        '<a href="&#x6A;avascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<img src="https://evil.example/a.png">',
        '<img src="/\t/evil.example/a.png">',
        '<img src="/\\evil.example/a.png">',
        '<p style="color:red">x</p>',
        '<iframe srcdoc="x"></iframe>',
        '<h2 id="__proto__">x</h2>',
    ],
)
def test_checker_catches_dangerous_html(raw):
    assert dangers(raw) != []


def test_checker_passes_ordinary_html():
    ordinary = (
        '<h2 id="help">Help</h2><p><a href="/help/">help</a> <a href="https://example.org/">x</a> '
        '<a href="mailto:a@example.org">m</a> <a href="#help">top</a></p><img src="/media/a.png" alt="a">'
    )
    assert dangers(ordinary) == []


# ---------------------------------------------------------------------------------------------
# What writers expect
# ---------------------------------------------------------------------------------------------


def attrs_of(output, tag):
    found = elements(output, tag)
    assert found, f"no <{tag}> in {output!r}"
    return found[0][1]


def test_section_heading_gets_an_anchor_id():
    output = render_markdown("## Getting help\n\nText.\n\n[Back to it](#getting-help)")
    heading_id = attrs_of(output, "h2").get("id")
    assert heading_id == "getting-help"
    assert attrs_of(output, "a")["href"] == f"#{heading_id}"


def test_repeated_headings_get_distinct_ids():
    output = render_markdown("## Next steps\n\n### Next steps\n\n## Next steps")
    ids = [attrs.get("id") for tag, attrs in elements(output) if tag in ("h2", "h3")]
    assert all(ids)
    assert len(set(ids)) == 3


def test_top_level_heading_becomes_a_section_heading():
    output = render_markdown("# Top\n\nText")
    assert elements(output, "h1") == []
    assert len(elements(output, "h2")) == 1
    assert "Top" in text_of(output)


def test_lists_render():
    output = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert len(elements(output, "ul")) == 1
    assert len(elements(output, "ol")) == 1
    assert len(elements(output, "li")) == 4


def test_ordered_list_keeps_its_start_number():
    output = render_markdown("3. three\n4. four")
    assert attrs_of(output, "ol").get("start") == "3"


def test_blockquote_renders():
    output = render_markdown("> You are not alone.")
    assert elements(output, "blockquote")
    assert "You are not alone." in text_of(output)


def test_table_renders():
    output = render_markdown("| Service | Hours |\n|---|---|\n| Helpline | 24/7 |\n| Chat | 9-5 |")
    assert elements(output, "table")
    assert len(elements(output, "th")) == 2
    assert len(elements(output, "td")) == 4
    assert "Helpline" in text_of(output)


def test_smart_quotes():
    text = text_of(render_markdown('She said "it gets better" and it\'s true.'))
    assert "\u201cit gets better\u201d" in text
    assert "it\u2019s" in text
    assert '"' not in text


def test_fenced_code_is_shown_not_run():
    output = render_markdown("```\n<b>bold?</b>\n```")
    assert elements(output, "pre")
    assert elements(output, "b") == []
    assert "<b>bold?</b>" in text_of(output)


def rel_of(output):
    return set(attrs_of(output, "a").get("rel", "").split())


@pytest.mark.parametrize(
    "markdown_text",
    [
        pytest.param("[Samaritans](https://www.samaritans.org/)", id="https"),
        pytest.param("[x](http://example.org/page?a=1&b=2)", id="http-with-query"),
        pytest.param("[x](HTTPS://EXAMPLE.ORG/)", id="upper-case"),
        pytest.param("[x](//example.org/)", id="protocol-relative"),
        pytest.param('<a href="https://example.org/">x</a>', id="raw-html"),
        pytest.param('[x](https://example.org/ "A title")', id="with-title"),
        pytest.param('<a title="A title" href="https://example.org/">x</a>', id="raw-html-title-first"),
        # browsers read '/\\host' as '//host'
        pytest.param("[x](/\\example.org/)", id="backslash-relative"),
    ],
)
def test_link_to_another_site_gets_noopener_noreferrer(markdown_text):
    assert {"noopener", "noreferrer"} <= rel_of(render_markdown(markdown_text))


@pytest.mark.parametrize(
    "href",
    ["/help/", "help/", "#top", "?page=2", settings.SITE_URL + "/about/", settings.SITE_URL.upper() + "/"],
    ids=["root-relative", "relative", "fragment", "query", "site-url", "site-url-upper"],
)
def test_link_within_the_site_has_no_rel(href):
    output = render_markdown(f"[x]({href})")
    attrs = attrs_of(output, "a")
    assert attrs["href"] == href
    assert "rel" not in attrs


@pytest.mark.parametrize(
    "markdown_text",
    [
        "![A chart](https://example.org/chart.png)",
        "![A chart](http://example.org/chart.png)",
        "![A chart](//example.org/chart.png)",
        '<img src="https://example.org/chart.png" alt="A chart">',
        "![A chart](chart.png)",
    ],
    ids=["https", "http", "protocol-relative", "raw-html", "bare-relative"],
)
def test_image_from_elsewhere_is_dropped(markdown_text):
    assert elements(render_markdown(markdown_text), "img") == []


def test_image_from_media_is_kept_with_alt_text():
    output = render_markdown('![A calm lake at dawn](/media/posts/lake.jpg "Lake")')
    attrs = attrs_of(output, "img")
    assert attrs["src"] == "/media/posts/lake.jpg"
    assert attrs["alt"] == "A calm lake at dawn"
    assert attrs.get("title") == "Lake"


@pytest.mark.parametrize(
    "href", ["mailto:help@example.org", "tel:+441234567890", "tel:116123"], ids=["mailto", "tel-intl", "tel"]
)
def test_mailto_and_tel_links_survive(href):
    attrs = attrs_of(render_markdown(f"[Get in touch]({href})"), "a")
    assert attrs["href"] == href
    assert "rel" not in attrs


def test_footnotes_link_both_ways():
    output = render_markdown("A claim.[^1]\n\n[^1]: The source.")
    hrefs = [attrs["href"] for _, attrs in elements(output, "a")]
    ids = {attrs["id"] for _, attrs in elements(output) if "id" in attrs}
    assert hrefs
    assert all(href.startswith("#") and href[1:] in ids for href in hrefs)


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_link_that_only_starts_like_the_site_is_external():
    # http://<site host>@evil.example/ goes to evil.example: the site's host is only the user name.
    host = urlsplit(settings.SITE_URL).netloc
    assert {"noopener", "noreferrer"} <= rel_of(render_markdown(f"[x](http://{host}@evil.example/)"))
