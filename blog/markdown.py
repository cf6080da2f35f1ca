"""The one way Markdown becomes HTML on this site: on save, in the importer and in the admin
preview. Python-Markdown does the formatting, then nh3 keeps only what the allowlist names, so
whatever a writer (or a stolen editor account) types, readers get inert HTML."""

import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings

EXTENSIONS = [
    "markdown.extensions.toc",
    "markdown.extensions.tables",
    "markdown.extensions.smarty",
    "markdown.extensions.sane_lists",
    "markdown.extensions.fenced_code",
    "markdown.extensions.footnotes",
]
EXTENSION_CONFIGS = {"markdown.extensions.toc": {"toc_depth": "2-4"}}

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
ANCHOR = re.compile(r'<a href="([^"]*)"')
TOP_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if SAFE_ID.match(value) else None
    if attribute == "class":
        return value if value in SAFE_CLASSES else None
    if element == "img" and attribute == "src":
        # Images load from our own origin only: a picture from elsewhere would tell another site
        # who is reading about their mental health.
        return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def _is_external(href: str) -> bool:
    parts = urlsplit(href.replace("&amp;", "&"))
    if not parts.netloc:
        return False
    return parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower()


def _mark_external_links(html: str) -> str:
    def add_rel(match: re.Match) -> str:
        href = match.group(1)
        if _is_external(href):
            return f'<a rel="noopener noreferrer" href="{href}"'
        return match.group(0)

    return ANCHOR.sub(add_rel, html)


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
