"""The one way Markdown becomes HTML on this site: on save, in the importer and in the admin
preview. Python-Markdown does the formatting, then nh3 keeps only what the allowlist names, so
whatever a writer (or a stolen editor account) types, readers get inert HTML."""

import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from markdown.extensions.toc import slugify

EXTENSIONS = [
    "markdown.extensions.toc",
    "markdown.extensions.tables",
    "markdown.extensions.smarty",
    "markdown.extensions.sane_lists",
    "markdown.extensions.fenced_code",
    "markdown.extensions.footnotes",
]


def is_reserved_id(value: str) -> bool:
    """Ids the templates around a body use (`main`, `quick-exit-note`, `…-title`): a body that
    took one would break the skip link or a section's label."""
    return value in ("main", "quick-exit-note") or value.endswith("-title")


def _heading_id(value: str, separator: str) -> str:
    slug = slugify(value, separator)
    return f"{slug}-section" if is_reserved_id(slug) else slug


EXTENSION_CONFIGS = {"markdown.extensions.toc": {"toc_depth": "2-4", "slugify": _heading_id}}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "q", "cite",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption",
    "code", "pre", "kbd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_:.-]{0,80}$")
SAFE_CLASSES = {"footnote"}
ANCHOR_TAG = re.compile(r"<a\b([^>]*)>")
HREF = re.compile(r'\shref="([^"]*)"')
URL_NOISE = re.compile(r"[\x00-\x20]")
TOP_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if SAFE_ID.match(value) and not is_reserved_id(value) else None
    if attribute == "class":
        return value if value in SAFE_CLASSES else None
    if element == "img" and attribute == "src":
        # Images load from our own origin only: a picture from elsewhere would tell another site
        # who is reading about their mental health.
        # Browsers drop tabs and newlines and read "\\" as "/": "/\t/evil.example" is another site.
        if any(ord(char) < 0x21 or char == "\\" for char in value):
            return None
        return value if value.startswith("/") and not value.startswith("//") else None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def _is_external(href: str) -> bool:
    """Read the URL as a browser would: entities decoded, tabs and newlines dropped, "\\" as "/"."""
    url = URL_NOISE.sub("", href.replace("&amp;", "&")).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("", "http", "https"):
        return False  # mailto:, tel:
    if not parts.netloc:
        # "http:evil.example" has no host to urlsplit, but a browser goes there.
        return bool(parts.scheme) or url.startswith("//")
    return parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower()


def _mark_external_links(html: str) -> str:
    def add_rel(match: re.Match) -> str:
        href = HREF.search(match.group(0))
        if href and _is_external(href.group(1)):
            return f'<a rel="noopener noreferrer"{match.group(1)}>'
        return match.group(0)

    return ANCHOR_TAG.sub(add_rel, html)


def _tidy(html: str) -> str:
    """Works on nh3's output, which is canonical (double-quoted attributes, escaped values)."""
    html = IMAGE_WITHOUT_SOURCE.sub("", html)  # a refused source leaves nothing to show
    return _mark_external_links(html)


def render_markdown(text: str) -> str:
    html = markdown.markdown(
        text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    # The page title is the only <h1>: a writer's "# Heading" becomes a section heading.
    html = TOP_HEADING.sub(r"<\1h2", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _tidy(clean)
